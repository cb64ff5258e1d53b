"""The rules to the letter: what mutation testing (`nox -s mutation`, docs/testing.md) found no
test pinning down. Each test here fails for a changed message, error code, boundary or filter
that the rest of the suite let through."""

import re
from io import BytesIO

import pytest
from celery import Task
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from domain.accounts.models import User
from domain.accounts.services import (
    ActivationError,
    activation_email_send,
    activation_link,
    user_purge_unactivated,
    user_resend_activation,
    user_signup,
)
from domain.outbox.models import OutboxMessage
from domain.outbox.services import outbox_dispatch, outbox_drain
from domain.posts import services
from domain.posts.images import validate_post_image
from domain.posts.models import Like, Post
from domain.posts.selectors import (
    COUNT_GENERATION_KEY,
    post_count,
    post_count_forget,
    post_get,
    post_list,
    post_page,
)
from domain.posts.tasks import make_post_thumbnail
from tests.factories import PASSWORD, LikeFactory, PostFactory, UserFactory, image_upload


def messages_and_codes(error):
    return [(e.message % (e.params or {}), e.code) for e in error.value.error_list]


# --- images: limits inclusive, every refusal with its message and code ---------------------------


def test_an_image_of_exactly_the_size_and_pixel_limits_is_accepted(settings):
    upload = image_upload(size=(40, 25))
    settings.POST_IMAGE_MAX_BYTES, settings.POST_IMAGE_MAX_PIXELS = upload.size, 40 * 25

    assert validate_post_image(upload) == "PNG"
    assert upload.tell() == 0  # rewound for whoever reads it next


def test_each_image_refusal_names_its_limit(settings):
    settings.POST_IMAGE_MAX_BYTES = 3 * 1024 * 1024
    too_large = image_upload()
    too_large.size = 3 * 1024 * 1024 + 1
    with pytest.raises(ValidationError) as error:
        validate_post_image(too_large)
    assert messages_and_codes(error) == [("The image is larger than 3 MB.", "image_too_large")]

    settings.POST_IMAGE_MAX_PIXELS = 3_000_000
    with pytest.raises(ValidationError) as error:
        validate_post_image(image_upload(size=(2000, 1501)))
    assert messages_and_codes(error) == [
        ("The image has more than 3 megapixels.", "image_too_many_pixels")
    ]

    with pytest.raises(ValidationError) as error:
        validate_post_image(image_upload(name="a.bmp", image_format="BMP"))
    assert messages_and_codes(error) == [("Upload a JPEG, PNG, GIF or WebP image.", "image_type")]

    with pytest.raises(ValidationError) as error:
        validate_post_image(SimpleUploadedFile("notes.png", b"not an image", "image/png"))
    assert messages_and_codes(error) == [
        ("Upload a valid image. The file is not an image or is corrupted.", "invalid_image")
    ]


def test_a_decompression_bomb_names_the_pixel_limit(monkeypatch, settings):
    settings.POST_IMAGE_MAX_PIXELS = 8_000_000
    monkeypatch.setattr("PIL.Image.MAX_IMAGE_PIXELS", 10)  # Pillow's own guard trips first

    with pytest.raises(ValidationError) as error:
        validate_post_image(image_upload(size=(64, 48)))

    assert messages_and_codes(error) == [
        ("The image has more than 8 megapixels.", "image_too_many_pixels")
    ]


def test_a_thumbnail_of_a_transparent_png_is_an_rgb_jpeg(user, django_capture_on_commit_callbacks):
    buffer = BytesIO()
    Image.new("RGBA", (64, 48), (0, 128, 128, 100)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("clear.png", buffer.getvalue(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(author=user, body="x", image=upload)
    post.refresh_from_db()

    with Image.open(post.thumbnail) as thumbnail:
        assert (thumbnail.format, thumbnail.mode) == ("JPEG", "RGB")


# --- posts: messages, and the like/unlike/delete rules exactly -----------------------------------


@pytest.mark.parametrize(
    "body, message",
    [
        ("  ", "Write something: a post cannot be blank."),
        ("a\x00b", "Null characters are not allowed."),
        ("x" * 281, "Ensure this value has at most 280 characters (it has 281)."),
    ],
)
def test_each_body_refusal_says_why(body, message, db):
    with pytest.raises(ValidationError) as error:
        services.post_create(author=None, body=body)

    assert error.value.message_dict == {"body": [message]}


def test_permission_refusals_say_what_is_allowed(post, other_user, inactive_user):
    with pytest.raises(PermissionDenied, match=r"^You can only edit or delete your own posts\.$"):
        services.post_update(post=post, actor=other_user, body="x")
    with pytest.raises(PermissionDenied, match=r"^You can only edit or delete your own posts\.$"):
        services.post_delete(post=post, actor=other_user)
    with pytest.raises(PermissionDenied, match=r"^Log in with an active account to like posts\.$"):
        services.post_like(post=post, user=inactive_user)


def test_a_post_deleted_meanwhile_is_named_in_the_error(post, user):
    Post.objects.filter(pk=post.pk).delete()

    with pytest.raises(Post.DoesNotExist, match=r"^No post with this id\.$"):
        services.post_like(post=post, user=user)


def test_unlike_takes_back_only_this_users_like_of_this_post(user, other_user, post):
    other_post = PostFactory.create()
    LikeFactory.create(user=other_user, post=post)
    LikeFactory.create(user=user, post=other_post)
    LikeFactory.create(user=user, post=post)

    services.post_unlike(post=post, user=user)

    assert set(Like.objects.values_list("user", "post")) == {
        (other_user.pk, post.pk),
        (user.pk, other_post.pk),
    }
    assert Post.objects.get(pk=post.pk).like_count == 1
    assert Post.objects.get(pk=other_post.pk).like_count == 1


def test_a_like_answers_the_fresh_count_and_nothing_else_reloaded(user, post):
    post.body = "edited in memory, not saved"

    liked = services.post_like(post=post, user=user)

    assert (liked.like_count, liked.liked, liked.body) == (1, True, "edited in memory, not saved")


def test_the_thumbnail_is_stored_with_one_update_of_that_column_only(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        post = services.post_create(author=user, body="x", image=image_upload())
    Post.objects.filter(pk=post.pk).update(body="changed by another request")

    services.post_thumbnail_generate(post=post)

    stored = Post.objects.get(pk=post.pk)
    assert stored.thumbnail.name == post.thumbnail.name
    assert stored.body == "changed by another request"  # the stale in-memory body not saved


def test_str_of_a_long_post_is_its_first_40_characters(db):
    assert str(PostFactory.create(body="x" * 39 + "yz")) == "x" * 39 + "y"


# --- reading: search, filters, pages -------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's LIKE ignores ASCII case for contains too"
)
def test_search_ignores_case(db):  # pragma: no cover -- PostgreSQL only
    match = PostFactory.create(body="Meet me in PARIS, Élodie")

    assert [p.pk for p in post_list(search="paris")] == [match.pk]
    assert [p.pk for p in post_list(search="élodie")] == [match.pk]


def test_an_empty_author_or_page_means_none_given(post):
    assert [p.pk for p in post_list(author="")] == [post.pk]
    assert post_page(page="").number == 1


def test_a_page_shows_the_viewers_likes_post_by_post(user, post):
    LikeFactory.create(user=user, post=post)
    newer = PostFactory.create()

    assert [(p.pk, p.liked) for p in post_page(viewer=user).posts] == [
        (newer.pk, False),
        (post.pk, True),
    ]


@pytest.mark.parametrize(
    "params, errors",
    [
        ({"page_size": 0}, {"page_size": ["Choose a whole number between 1 and 100."]}),
        ({"page_size": 101}, {"page_size": ["Choose a whole number between 1 and 100."]}),
        ({"author": "x"}, {"author": ["Enter a whole number."]}),
        ({"page": "x"}, {"page": ["That page number is not an integer"]}),
        ({"page": 2}, {"page": ["That page contains no results"]}),
    ],
)
def test_each_page_refusal_says_why(params, errors, post):
    with pytest.raises(ValidationError) as error:
        post_page(**params)

    assert error.value.message_dict == errors


@pytest.mark.parametrize("page_size", [1, 100])
def test_page_sizes_from_1_to_100_are_accepted(page_size, post):
    assert post_page(page_size=page_size).posts == [post]


def test_authors_at_both_ends_of_the_storable_ids_are_looked_up(db):
    low, high = connection.ops.integer_field_range("BigAutoField")
    posts = [PostFactory.create(author=UserFactory.create(pk=pk)) for pk in (low, high)]

    assert [[p.pk for p in post_list(author=pk)] for pk in (low, high)] == [[p.pk] for p in posts]
    assert list(post_list(author=low - 1)) == list(post_list(author=high + 1)) == []


def test_the_count_is_counted_once_per_generation(db):
    PostFactory.create()
    cache.delete(COUNT_GENERATION_KEY)  # as after a restart of the cache: no generation yet
    assert post_count() == 1

    Post.objects.bulk_create([Post(body="bulk_create sends no signal")])
    assert post_count() == 1  # from the cache
    post_count_forget()
    assert post_count() == 2


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite has no row locks")
def test_likes_take_the_weaker_row_lock_and_a_delete_the_full_one(  # pragma: no cover -- PG only
    user, post
):
    with CaptureQueriesContext(connection) as queries:
        services.post_like(post=post, user=user)
    assert any("FOR NO KEY UPDATE" in q["sql"] for q in queries)

    with CaptureQueriesContext(connection) as queries:
        services.post_delete(post=post, actor=user)
    locks = [q["sql"] for q in queries if "FOR " in q["sql"]]
    assert locks and all("FOR UPDATE" in sql and "NO KEY" not in sql for sql in locks)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite has no row locks")
def test_dispatch_skips_a_message_another_dispatch_is_queuing(  # pragma: no cover -- PG only
    db, monkeypatch
):
    monkeypatch.setattr(Task, "apply_async", lambda task, args: None)
    message = OutboxMessage.objects.create(task=make_post_thumbnail.name, args=[1])

    with CaptureQueriesContext(connection) as queries:
        outbox_dispatch(message_id=message.pk)

    assert any("FOR UPDATE SKIP LOCKED" in q["sql"] for q in queries)


@pytest.mark.parametrize("post_id", ["x", 2**70])
def test_an_unknown_id_is_named_in_the_error(post_id, db):
    with pytest.raises(Post.DoesNotExist, match=f"^No post with id {post_id!r}"):
        post_get(post_id=post_id)


# --- accounts and the outbox --------------------------------------------------------------------


def test_an_activation_error_reads_as_its_message():
    assert str(ActivationError("already_active")) == ActivationError.messages["already_active"]


def test_signup_refusals_say_why_field_by_field(db):
    with pytest.raises(ValidationError) as error:
        user_signup(email="not-an-address", password="", display_name="x" * 51)

    assert error.value.message_dict == {
        "email": ["Enter a valid email address."],
        "display_name": ["Ensure this value has at most 50 characters."],
        "password": ["This password is too short. It must contain at least 8 characters."],
    }


def test_a_password_like_the_address_is_refused(db):
    with pytest.raises(ValidationError) as error:
        user_signup(email="kowalski.jan@example.com", password="kowalski.jan", display_name="")

    assert error.value.message_dict == {
        "password": ["The password is too similar to the email address."]
    }


def test_a_display_name_of_50_characters_is_kept_and_none_gets_a_generated_one(db):
    kept = user_signup(email="a@example.com", password=PASSWORD, display_name="x" * 50)
    generated = user_signup(email="b@example.com", password=PASSWORD, display_name=None)

    assert kept is not None and generated is not None
    assert kept.display_name == "x" * 50
    assert re.fullmatch(r"ublogger-[0-9a-f]{8}", generated.display_name)


def test_the_activation_email_greets_the_user_and_says_what_it_is(inactive_user, mailoutbox):
    activation_email_send(user=inactive_user)

    [email] = mailoutbox
    assert email.subject == "Activate your μblog account"
    assert email.body.startswith(f"Hello {inactive_user.display_name},\n")
    assert activation_link(inactive_user) in email.body


def test_an_account_needs_an_email_address(db):
    with pytest.raises(ValueError, match=r"^An email address is required\.$"):
        User.objects.create_user("", PASSWORD)


def test_resending_for_an_unknown_address_sends_nothing_to_another_inactive_account(db):
    UserFactory.create(inactive=True)

    assert user_resend_activation(email="nobody@example.com") is None
    assert user_resend_activation(email="") is None


def test_purging_nothing_counts_zero(user):
    assert user_purge_unactivated() == 0


def test_a_superuser_logs_in_with_the_password_given(db):
    admin = User.objects.create_superuser("admin@example.com", "s3cret-pass-phrase")

    assert admin.check_password("s3cret-pass-phrase")
    assert (admin.email, admin.is_staff, admin.is_superuser) == ("admin@example.com", True, True)


def test_a_drain_counts_every_message_it_queued(db, monkeypatch):
    queued = []
    monkeypatch.setattr(Task, "apply_async", lambda task, args: queued.append(args))
    for post_id in (1, 2, 3):
        OutboxMessage.objects.create(task=make_post_thumbnail.name, args=[post_id])

    assert outbox_drain() == 3
    assert queued == [[1], [2], [3]]


def test_signing_up_again_sends_a_new_link_if_never_activated_else_tells_the_owner(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    waiting = UserFactory.create(inactive=True, email="waiting@example.com")
    active = UserFactory.create(email="active@example.com")

    for user in (waiting, active):
        with django_capture_on_commit_callbacks(execute=True):
            assert user_signup(email=user.email.upper(), password=PASSWORD) is None

    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([waiting.email], "Activate your μblog account"),
        ([active.email], "Someone tried to sign up to μblog with your address"),
    ]


def test_a_signup_that_lost_the_race_looks_the_winner_up_by_its_address(db, monkeypatch):
    """The other signup committed between our look-up and our insert."""
    from domain.accounts import services as account_services

    winner = UserFactory.create(email="twin@example.com")
    look_up = account_services._account_with_email
    asked = []

    def not_there_yet_then_there(email):
        asked.append(email)
        return None if len(asked) == 1 else look_up(email)

    monkeypatch.setattr(account_services, "_account_with_email", not_there_yet_then_there)

    assert user_signup(email="twin@example.com", password=PASSWORD) is None
    assert asked == [winner.email, winner.email]


def test_a_signup_without_a_display_name_gets_a_generated_one(db):
    user = user_signup(email="anon@example.com", password=PASSWORD)

    assert user is not None
    assert re.fullmatch(r"ublogger-[0-9a-f]{8}", user.display_name)


def test_dispatch_queues_the_message_it_is_given(db, monkeypatch):
    queued = []
    monkeypatch.setattr(Task, "apply_async", lambda task, args: queued.append(args))
    first, second = (
        OutboxMessage.objects.create(task=make_post_thumbnail.name, args=[n]) for n in (1, 2)
    )

    assert outbox_dispatch(message_id=second.pk) is True
    assert queued == [[2]]
    assert OutboxMessage.objects.get(pk=first.pk).queued_at is None


def test_an_activation_token_dies_with_a_changed_email_address(inactive_user):
    from domain.accounts.tokens import activation_token

    token = activation_token.make_token(inactive_user)
    inactive_user.email = "someone-else@example.com"

    assert not activation_token.check_token(inactive_user, token)


def test_an_edit_sending_nothing_leaves_a_post_with_an_image_untouched(user):
    post = services.post_create(author=user, body="With a picture", image=image_upload())
    before = Post.objects.get(pk=post.pk).updated_at

    services.post_update(post=post, actor=user)

    assert Post.objects.get(pk=post.pk).updated_at == before


def test_an_edit_of_body_and_image_together_writes_both(user, post):
    services.post_update(post=post, actor=user, body="New words", image=image_upload())

    stored = Post.objects.get(pk=post.pk)
    assert stored.body == "New words"
    assert (stored.image.name or "").startswith("posts/")
    assert stored.updated_at == post.updated_at
