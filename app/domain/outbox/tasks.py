"""The outbox's Celery task: beat runs it every ``OUTBOX_DRAIN_SECONDS``."""

from __future__ import annotations

from celery import shared_task

from .services import outbox_drain


@shared_task
def drain_outbox() -> int:
    return outbox_drain()
