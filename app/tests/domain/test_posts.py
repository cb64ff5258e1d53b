"""Post rules beyond the contract suite: images and thumbnails, counters, database invariants."""

import os
import threading
import time
from pathlib import Path
from typing import cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.db.models import F

from domain.accounts.models import User
from domain.posts import services
from domain.posts.images import validate_post_image
from domain.posts.models import Like, Post
from domain.posts.permissions import can_edit_post, can_like, post_editor
from domain.posts.selectors import post_get, post_page
from domain.posts.tasks import make_post_thumbnail
from tests.factories import PostFactory, UserFactory, image_bytes, image_upload, text_upload

pytestmark = pytest.mark.django_db


def create_with_image(capture, author=None, **upload):
    with capture(execute=True):
        post = services.post_create(author=author, body="Look", image=image_upload(**upload))
    post.refresh_from_db()
    return post


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_each_allowed_image_format_is_accepted_and_thumbnailed(
    image_format, django_capture_on_commit_callbacks
):
    post = create_with_image(
        django_capture_on_commit_callbacks,
        name=f"p.{image_format.lower()}",
        image_format=image_format,
    )

    assert post.image.name.startswith("posts/")
    assert post.thumbnail.name.endswith(f"{post.pk}.jpg")


def test_thumbnail_fits_the_configured_box(settings, django_capture_on_commit_callbacks):
    from PIL import Image

    post = create_with_image(django_capture_on_commit_callbacks, size=(1200, 600))

    with Image.open(post.thumbnail.path) as thumbnail:
        assert thumbnail.size == (320, 160)


def test_image_of_another_type_is_refused(db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bmp = SimpleUploadedFile("x.bmp", image_bytes("BMP"), content_type="image/bmp")

    with pytest.raises(ValidationError) as error:
        services.post_create(author=None, body="Look", image=bmp)

    assert error.value.message_dict == {"image": ["Upload a JPEG, PNG, GIF or WebP image."]}


def test_image_over_the_pixel_limit_is_refused(settings):
    settings.POST_IMAGE_MAX_PIXELS = 100 * 100

    with pytest.raises(ValidationError) as error:
        validate_post_image(image_upload(size=(101, 100)))

    assert error.value.code == "image_too_many_pixels"


def test_decompression_bomb_is_refused(monkeypatch):
    from PIL import Image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)

    with pytest.raises(ValidationError) as error:
        validate_post_image(image_upload(size=(64, 48)))

    assert error.value.code == "image_too_many_pixels"


def test_truncated_image_is_refused():
    upload = image_upload()
    assert upload.file is not None
    upload.file.truncate(40)

    with pytest.raises(ValidationError) as error:
        validate_post_image(upload)

    assert error.value.code == "invalid_image"


def test_text_file_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_post_image(text_upload())

    assert error.value.code == "invalid_image"


def test_owner_replaces_image_and_old_files_are_removed(user, django_capture_on_commit_callbacks):
    post = create_with_image(django_capture_on_commit_callbacks, author=user)
    old_image = post.image.path

    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, actor=user, image=image_upload(name="new.png"))
    post.refresh_from_db()

    assert "new" in post.image.name
    assert os.path.exists(post.thumbnail.path)
    assert not os.path.exists(old_image)


def test_owner_removes_image(user, django_capture_on_commit_callbacks):
    post = create_with_image(django_capture_on_commit_callbacks, author=user)
    path = post.image.path

    with django_capture_on_commit_callbacks(execute=True):
        services.post_update(post=post, actor=user, remove_image=True)
    post.refresh_from_db()

    assert not post.image and not post.thumbnail
    assert not os.path.exists(path)


def test_removing_an_image_that_is_not_there_changes_nothing(user, post):
    services.post_update(post=post, actor=user, remove_image=True)

    post.refresh_from_db()
    assert not post.image


def test_an_edit_keeps_a_like_made_after_the_post_was_read(user, other_user, post):
    read_by_the_edit = Post.objects.get(pk=post.pk)
    services.post_like(post=Post.objects.get(pk=post.pk), user=other_user)

    edited = services.post_update(post=read_by_the_edit, actor=user, body="Edited")

    post.refresh_from_db()
    assert (post.body, post.like_count, edited.like_count) == ("Edited", 1, 1)


def test_an_edit_of_the_body_keeps_a_thumbnail_made_after_the_post_was_read(
    user, django_capture_on_commit_callbacks
):
    post = create_with_image(django_capture_on_commit_callbacks, author=user)
    thumbnail = post.thumbnail.name
    read_before_the_thumbnail = Post.objects.get(pk=post.pk)
    read_before_the_thumbnail.thumbnail = None  # as the edit saw it, before the task ran

    services.post_update(post=read_before_the_thumbnail, actor=user, body="Edited")

    post.refresh_from_db()
    assert (post.body, post.thumbnail.name) == ("Edited", thumbnail)


def test_update_with_a_bad_image_keeps_the_old_one(user, django_capture_on_commit_callbacks):
    post = create_with_image(django_capture_on_commit_callbacks, author=user)
    name = post.image.name

    with pytest.raises(ValidationError):
        services.post_update(post=post, actor=user, image=text_upload())

    post.refresh_from_db()
    assert post.image.name == name


def test_deleting_a_post_removes_its_files(user, django_capture_on_commit_callbacks):
    post = create_with_image(django_capture_on_commit_callbacks, author=user)
    paths = [post.image.path, post.thumbnail.path]

    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=post, actor=user)

    assert not any(os.path.exists(path) for path in paths)


def test_thumbnail_task_skips_deleted_posts_and_posts_without_image(post):
    assert make_post_thumbnail(post_id=987654) is None
    assert make_post_thumbnail(post_id=post.pk) is None


def test_non_string_body_is_refused(db):
    with pytest.raises(ValidationError) as error:
        services.post_create(author=None, body=42)

    assert set(error.value.message_dict) == {"body"}


def test_body_of_exactly_280_characters_is_accepted(db):
    assert len(services.post_create(author=None, body="é" * 280).body) == 280


def test_inactive_author_posts_anonymously(inactive_user):
    assert services.post_create(author=inactive_user, body="Hi").author is None


def test_database_refuses_blank_body_even_past_the_services(db):
    with pytest.raises(IntegrityError):
        Post.objects.create(body="   ")


def test_database_refuses_a_second_like_by_the_same_user(user, post):
    Like.objects.create(user=user, post=post)

    with pytest.raises(IntegrityError):
        Like.objects.create(user=user, post=post)


def test_unlike_never_takes_the_counter_below_zero(user, post):
    Like.objects.create(user=user, post=post)  # a like the counter never saw

    assert services.post_unlike(post=post, user=user).like_count == 0


@pytest.mark.parametrize(
    "who, may_edit",
    [
        ("owner", True),
        ("staff", True),
        ("other", False),
        ("anonymous", False),
        ("inactive", False),
    ],
)
def test_edit_permission(post, staff_user, other_user, who, may_edit):
    from django.contrib.auth.models import AnonymousUser

    actor = {
        "owner": post.author,
        "staff": staff_user,
        "other": other_user,
        "anonymous": AnonymousUser(),
        "inactive": UserFactory.create(inactive=True),
    }[who]

    assert can_edit_post(actor, post) is may_edit
    assert can_like(None) is False


def test_a_post_editor_reads_the_viewer_once_for_a_whole_page(user, staff_user, other_user):
    mine, theirs, anonymous = (
        PostFactory.create(author=user),
        PostFactory.create(author=other_user),
        PostFactory.create(author=None),
    )
    reads = []

    class Viewer:
        """The user, counting what is read of it (the web's viewer is a lazy proxy)."""

        def __getattr__(self, name):
            reads.append(name)
            return getattr(user, name)

    editor = post_editor(cast(User, Viewer()))
    read_first = len(reads)

    assert [editor(post) for post in (mine, theirs, anonymous)] == [True, False, False]
    assert len(reads) == read_first  # nothing more per post
    assert [post_editor(staff_user)(post) for post in (mine, theirs, anonymous)] == [True] * 3
    assert post_editor(None)(mine) is False


def test_delete_by_someone_else_raises_permission_denied(post, other_user):
    with pytest.raises(PermissionDenied):
        services.post_delete(post=post, actor=other_user)


@pytest.mark.parametrize(
    "bad",
    [
        {"page": 0},
        {"page": "x"},
        {"page": 2},
        {"page_size": 101},
        {"page_size": 0},
        {"page_size": "many"},
        {"author": "me"},
    ],
)
def test_page_refuses_bad_parameters(bad, db):
    PostFactory.create()

    with pytest.raises(ValidationError) as error:
        post_page(**bad)

    assert set(error.value.message_dict) == set(bad)


@pytest.mark.parametrize("post_id", ["abc", None, 987654])
def test_get_unknown_or_malformed_id_raises_does_not_exist(post_id, db):
    with pytest.raises(Post.DoesNotExist):
        post_get(post_id=post_id)


def test_list_liked_flag_is_per_viewer(user, other_user, post):
    services.post_like(post=post, user=user)

    assert post_get(post_id=post.pk, viewer=user).liked is True
    assert post_get(post_id=post.pk, viewer=other_user).liked is False
    assert post_get(post_id=post.pk).liked is False


def test_str_of_post_and_like(user, post):
    like = Like.objects.create(user=user, post=post)

    assert str(post) == post.body[:40]
    assert str(like) == f"{user} likes {post.pk}"


def test_like_that_lost_a_race_is_neither_an_error_nor_counted_twice(user, post):
    Like.objects.create(user=user, post=post)  # the other click's row, committed first
    Post.objects.filter(pk=post.pk).update(like_count=1)

    state = services.post_like(post=post, user=user)

    assert (state.like_count, state.liked) == (1, True)


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_concurrent_likes_never_fail():  # pragma: no cover -- runs on PostgreSQL only (CI)
    post = PostFactory.create()
    users = UserFactory.create_batch(8)
    errors = []

    def like_twice(user):
        try:
            for _ in range(2):
                services.post_like(post=Post.objects.get(pk=post.pk), user=user)
        except Exception as error:  # the assertion below reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=like_twice, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    post.refresh_from_db()
    assert post.like_count == Like.objects.filter(post=post).count() == 8
    assert Post.objects.filter(pk=post.pk, like_count=F("like_count")).exists()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers")
@pytest.mark.django_db(transaction=True)
def test_a_like_during_the_delete_is_not_found():  # pragma: no cover -- PostgreSQL only (CI)
    """The like commits between the delete's removal of the likes and of the post: unguarded,
    the delete then failed at commit (the like's row still pointed at the post)."""
    owner, liker = UserFactory.create_batch(2)
    post = PostFactory.create(author=owner)
    read_by_the_like = Post.objects.get(pk=post.pk)  # the like request has read the post
    outcome = []

    def like():
        try:
            services.post_like(post=read_by_the_like, user=liker)
            outcome.append("liked")
        except Post.DoesNotExist:
            outcome.append("not found")
        finally:
            connection.close()

    liker_thread = threading.Thread(target=like)

    def like_waits_for_the_delete(cursor):
        # pg_locks, not pg_stat_activity: a transaction keeps its first look at the latter.
        cursor.execute(
            "SELECT EXISTS (SELECT FROM pg_locks"
            " WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid)))"
        )
        return cursor.fetchone()[0]

    def like_just_before_the_post_row_goes(execute, sql, params, many, context):
        if sql.startswith(f'DELETE FROM "{Post._meta.db_table}"') and not liker_thread.is_alive():
            liker_thread.start()
            # Unguarded, the like commits here; guarded, it waits for this transaction's lock.
            deadline = time.monotonic() + 10
            with context["connection"].cursor() as cursor:
                while liker_thread.is_alive() and time.monotonic() < deadline:
                    if like_waits_for_the_delete(cursor):
                        break
                    time.sleep(0.01)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(like_just_before_the_post_row_goes):
        services.post_delete(post=post, actor=owner)
    liker_thread.join()

    assert outcome == ["not found"]
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not Like.objects.exists()


def test_the_thumbnail_task_run_twice_keeps_the_first_thumbnail(
    django_capture_on_commit_callbacks,
):
    """Tasks may run twice (acks late): the second run finds the thumbnail and stops."""
    post = create_with_image(django_capture_on_commit_callbacks)

    assert post.thumbnail
    assert make_post_thumbnail(post.pk) == post.thumbnail.name
    assert len(list(Path(post.thumbnail.path).parent.iterdir())) == 1
