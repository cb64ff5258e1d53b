"""Post rules: create, edit, delete, like, unlike. Every interface calls these and nothing else.

Errors: ``ValidationError`` keyed by field for bad input, ``PermissionDenied`` when the actor
may not act. Interfaces map them to form errors, 400/403 responses or GraphQL errors.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile

from domain.accounts.models import User, Visitor
from domain.outbox.services import outbox_enqueue

from .images import make_thumbnail, validate_post_image
from .models import BODY_MAX_LENGTH, Like, Post
from .permissions import NOT_YOUR_POST, can_edit_post, can_like, is_member


def _clean_body(body: object) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ValidationError({"body": ["Write something: a post cannot be blank."]})
    if "\x00" in body:  # PostgreSQL cannot store NUL in text
        raise ValidationError({"body": ["Null characters are not allowed."]})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body": [
                    f"Ensure this value has at most {BODY_MAX_LENGTH} characters "
                    f"(it has {len(body)})."
                ]
            }
        )
    return body


def _clean_image(image: File[Any]) -> File[Any]:
    try:
        validate_post_image(image)
    except ValidationError as error:
        raise ValidationError({"image": error.messages})
    return image


# Tasks are queued by name: tasks.py imports this module (tasks call services), never the reverse.
MAKE_THUMBNAIL_TASK = "domain.posts.tasks.make_post_thumbnail"


def _schedule_thumbnail(post: Post) -> None:
    outbox_enqueue(MAKE_THUMBNAIL_TASK, post.pk)  # queued on commit, or later by the drain


@transaction.atomic
def post_create(*, author: Visitor, body: object, image: File[Any] | None = None) -> Post:
    """Publish a post. Anyone may; posts by visitors who are not signed in are anonymous."""
    post = Post(
        author=author if is_member(author) else None,
        body=_clean_body(body),
    )
    if image:
        post.image = _clean_image(image)
    post.save()
    if post.image:
        _schedule_thumbnail(post)
    post.liked = False
    return post


def post_update(
    *,
    post: Post,
    actor: Visitor,
    body: object = None,
    image: File[Any] | None = None,
    remove_image: bool = False,
) -> Post:
    """Change the body and/or image; ``None`` leaves a field as it is. A post deleted since the
    interface read it raises ``Post.DoesNotExist``.

    Only the fields the edit changes are written, after the row is locked: a full ``save()``
    of the interface's copy would write back a stale like counter or thumbnail, and, the row
    being gone, ``save()`` would INSERT it again (the owner's delete undone).
    """
    if not can_edit_post(actor, post):
        raise PermissionDenied(NOT_YOUR_POST)
    if body is None and not image and not (remove_image and post.image):
        return post  # nothing to change: saving would still move ``updated_at``
    changed = ["updated_at"]
    if body is not None:
        post.body = _clean_body(body)
        changed.append("body")
    old_files: list[FieldFile] = []
    if image:
        old_files = [post.image, post.thumbnail]
        post.image = _clean_image(image)
        post.thumbnail = None
    elif remove_image and post.image:
        old_files = [post.image, post.thumbnail]
        post.image = post.thumbnail = None
    if old_files:
        changed += ["image", "thumbnail"]
    with transaction.atomic():
        _lock_post(post)
        post.save(update_fields=changed)
        post.refresh_from_db(fields=["like_count"])
        for old_file in old_files:
            _delete_file_on_commit(old_file)
        if image:
            _schedule_thumbnail(post)
    return post


def _lock_post(post: Post, *, for_delete: bool = False) -> None:
    """Lock the post's row for the rest of the transaction, or raise ``Post.DoesNotExist`` if
    it is gone (deleted since the interface read it).

    Likes, edits and the delete take this lock before they write, so they run one after the
    other: a like or an edit that comes after the delete finds no post (404), and the delete,
    coming after a like, sees that like's row and deletes it too. Without it, PostgreSQL and
    SQLite check the likes' foreign key only at commit (Django makes it DEFERRABLE INITIALLY
    DEFERRED), outside any guard here, and either the late like or the delete failed there (a
    500); a late edit wrote the deleted post back.
    Likes and edits take the weaker ``FOR NO KEY UPDATE`` (what their UPDATE takes anyway), so
    they still queue behind each other and never behind readers.
    """
    locked = Post.objects.select_for_update(no_key=not for_delete).filter(pk=post.pk)
    if not locked.exists():
        raise Post.DoesNotExist("No post with this id.")


def post_delete(*, post: Post, actor: Visitor) -> None:
    """Delete a post with its likes and files; one deleted meanwhile raises
    ``Post.DoesNotExist``."""
    if not can_edit_post(actor, post):
        raise PermissionDenied(NOT_YOUR_POST)
    with transaction.atomic():
        _lock_post(post, for_delete=True)
        files = [post.image, post.thumbnail]
        post.delete()
        for old_file in files:
            _delete_file_on_commit(old_file)


def _delete_file_on_commit(field_file: FieldFile) -> None:
    if field_file:
        # A field file is truthy only when it has a name.
        storage, name = field_file.storage, str(field_file.name)
        transaction.on_commit(lambda: storage.delete(name))


def post_thumbnail_generate(*, post: Post) -> FieldFile | None:
    """Store a thumbnail of the post's image (the Celery task calls this)."""
    if not post.image:
        return None
    post.thumbnail.save(f"{post.pk}.jpg", make_thumbnail(post.image), save=False)
    Post.objects.filter(pk=post.pk).update(thumbnail=post.thumbnail.name)
    return post.thumbnail


def _require_liker(user: Visitor) -> User:
    if not can_like(user):
        raise PermissionDenied("Log in with an active account to like posts.")
    return user


def post_like(*, post: Post, user: Visitor) -> Post:
    """Like a post. Liking twice is a no-op: the unique constraint decides, not a read-then-write
    check, so concurrent double clicks can neither fail nor count twice. Liking a post deleted
    meanwhile raises ``Post.DoesNotExist``."""
    liker = _require_liker(user)
    with transaction.atomic():
        _lock_post(post)
        try:
            with transaction.atomic():
                Like.objects.create(user=liker, post=post)
        except IntegrityError:
            pass
        else:
            Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + 1)
    return _like_state(post, liked=True)


def post_unlike(*, post: Post, user: Visitor) -> Post:
    """Take a like back. Unliking what you never liked is a no-op; a deleted post raises
    ``Post.DoesNotExist``."""
    liker = _require_liker(user)
    with transaction.atomic():
        _lock_post(post)
        deleted, _ = Like.objects.filter(user=liker, post=post).delete()
        if deleted:
            Post.objects.filter(pk=post.pk, like_count__gt=0).update(
                like_count=F("like_count") - 1
            )
    return _like_state(post, liked=False)


def _like_state(post: Post, *, liked: bool) -> Post:
    post.refresh_from_db(fields=["like_count"])
    post.liked = liked
    return post
