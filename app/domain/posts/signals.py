"""Keeping the cached count of posts exact: every create and delete starts a new generation."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Post
from .selectors import post_count_forget


@receiver(post_save, sender=Post, dispatch_uid="posts-count-created")
def _post_created(sender: type[Post], instance: Post, created: bool, **kwargs: Any) -> None:
    if created:
        _forget_count()


@receiver(post_delete, sender=Post, dispatch_uid="posts-count-deleted")
def _post_deleted(sender: type[Post], instance: Post, **kwargs: Any) -> None:
    _forget_count()


def _forget_count() -> None:
    # Now, so this transaction's own next read counts again; and after the commit, so that a
    # concurrent reader who counted before the commit does not leave its figure in place.
    post_count_forget()
    transaction.on_commit(post_count_forget)
