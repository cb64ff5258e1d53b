"""Project-level wiring: health check, admin for every model, demo data."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from PIL import Image

from domain.accounts.models import User
from domain.demo import DEMO_USERS
from domain.posts.management.commands.seed_demo import DEMO_IMAGE_SIZE, demo_image
from domain.posts.models import Post
from tests.factories import LikeFactory, PostFactory, UserFactory


def test_healthz_answers_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("host", ["10.0.3.7:8000", "172.17.0.2", "[fd00::2]:8000", "evil.example"])
def test_healthz_answers_for_any_host_but_the_rest_of_the_site_does_not(client, db, host):
    assert client.get("/healthz", HTTP_HOST=host).json() == {"status": "ok"}
    assert client.head("/healthz", HTTP_HOST=host).status_code == 200

    assert client.get("/", HTTP_HOST=host).status_code == 400
    assert client.get("/healthz/", HTTP_HOST=host).status_code == 400
    assert client.post("/healthz", HTTP_HOST=host).status_code == 400


def test_healthz_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


@pytest.mark.parametrize(
    "model", [m for m in apps.get_models() if m._meta.app_label in {"accounts", "posts"}]
)
def test_every_domain_model_has_an_admin(model):
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model_path", ["accounts/user", "posts/post", "posts/like"])
def test_admin_pages_render(admin_client, model_path):
    like = LikeFactory.create(post=PostFactory.create(author=UserFactory.create()))
    pk = {"accounts/user": like.user.pk, "posts/post": like.post.pk, "posts/like": like.pk}

    assert admin_client.get(f"/admin/{model_path}/").status_code == 200
    assert admin_client.get(f"/admin/{model_path}/add/").status_code == 200
    assert admin_client.get(f"/admin/{model_path}/{pk[model_path]}/change/").status_code == 200


def test_admin_creates_a_user_with_email_and_display_name(admin_client):
    from domain.accounts.models import User

    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "made@example.com",
            "display_name": "Made",
            "password1": "a long enough password",
            "password2": "a long enough password",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="made@example.com").display_name == "Made"


def test_seed_demo_fills_an_empty_database_once(db, capsys):
    call_command("seed_demo", posts=6)
    call_command("seed_demo", posts=6)

    assert Post.objects.count() == 6
    assert Post.objects.filter(author__isnull=True).count() == 2
    assert "nothing to do" in capsys.readouterr().out


def test_seed_demo_posts_have_drawn_images_and_thumbnails(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", posts=6)

    with_images = Post.objects.exclude(image="").order_by("pk")
    assert [post.body for post in with_images] == ["Demo post number 1.", "Demo post number 6."]
    for post in with_images:
        assert post.thumbnail
        with Image.open(post.image) as image:
            assert (image.format, image.size) == ("JPEG", DEMO_IMAGE_SIZE)


def test_demo_images_are_the_same_on_every_run_and_differ_per_post():
    assert demo_image(6).read() == demo_image(6).read()
    assert demo_image(6).read() != demo_image(11).read()


def test_demo_users_are_not_staff(db):
    call_command("seed_demo", posts=1)

    users = User.objects.filter(email__in=[email for email, _ in DEMO_USERS])
    assert users.count() == len(DEMO_USERS)
    assert not users.filter(is_staff=True).exists()
    assert not users.filter(is_superuser=True).exists()


def test_media_uploads_are_served_locally(client, settings, media_root):
    media_root.mkdir(parents=True, exist_ok=True)
    (media_root / "hello.txt").write_text("hi")

    assert b"".join(client.get("/media/hello.txt").streaming_content) == b"hi"
