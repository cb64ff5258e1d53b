"""Celery tasks of the posts app: thin wrappers that call services."""

from __future__ import annotations

from celery import shared_task

from .models import Post
from .services import post_thumbnail_generate


@shared_task(autoretry_for=(OSError,), retry_backoff=2, max_retries=5)
def make_post_thumbnail(post_id: int) -> str | None:
    post = Post.objects.filter(pk=post_id).first()
    if post is None:  # deleted before the worker got to it
        return None
    if post.thumbnail:  # made by an earlier run of this task (tasks may run twice)
        return post.thumbnail.name
    thumbnail = post_thumbnail_generate(post=post)
    return thumbnail.name if thumbnail else None
