"""Keeping the cached counts of posts exact: every create and delete, and every change of a body
(a search's count may change with it), starts a new generation."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Post
from .selectors import post_count_forget


@receiver(post_save, sender=Post, dispatch_uid="posts-count-saved")
def _post_saved(
    sender: type[Post],
    instance: Post,
    created: bool,
    update_fields: frozenset[str] | None,
    **kwargs: Any,
) -> None:
    # A like or a thumbnail changes no count.
    if created or update_fields is None or "body" in update_fields:
        _forget_count()


@receiver(post_delete, sender=Post, dispatch_uid="posts-count-deleted")
def _post_deleted(sender: type[Post], instance: Post, **kwargs: Any) -> None:
    _forget_count()


def _forget_count() -> None:
    # Now, so this transaction's own next read counts again; and after the commit, so that a
    # concurrent reader who counted before the commit does not leave its figure in place.
    post_count_forget()
    transaction.on_commit(post_count_forget)
