"""A transactional outbox, so that no task is lost when the broker is down.

``outbox_enqueue`` records a task in the database in the caller's transaction (the signup and
its activation email commit or roll back together), then queues it right after the commit, as
``transaction.on_commit(task.delay)`` did. If the broker refuses (Redis down), the error is
logged and the row stays pending: ``outbox_drain``, run by Celery beat, queues it once the broker
is back, even if the process that recorded it is long gone. A row is marked queued under a row
lock, so the immediate path and concurrent drains never queue one message twice.

Delivery is at least once from here on: the broker keeps the message until a worker
acknowledges it after running it (``CELERY_TASK_ACKS_LATE``), so tasks must be idempotent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Queued rows are kept this long (to see what was sent when), then deleted by the drain.
KEEP_QUEUED = timedelta(days=1)


def outbox_enqueue(task_name: str, *args: Any) -> OutboxMessage:
    """Record the Celery task named ``task_name`` (its module and function: services name the
    tasks that call them, and never import them) with ``args`` in the current transaction, and
    queue it once that commits. An unknown name raises ``LookupError`` here, not later in a
    drain."""
    if task_name not in current_app.tasks:
        raise LookupError(f"No Celery task is named {task_name!r}.")
    with transaction.atomic():
        message = OutboxMessage.objects.create(task=task_name, args=list(args))
    # robust: whatever the broker (or, without one, the task run in-process) raises is logged
    # and the row stays pending for the drain; the change itself is committed and stands.
    transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk), robust=True)
    return message


def outbox_dispatch(*, message_id: int) -> bool:
    """Queue one recorded task unless it is queued already (or being queued); True if this call
    queued it. Broker errors propagate and leave the row pending."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, queued_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        current_app.tasks[message.task].apply_async(args=message.args)
        message.queued_at = timezone.now()
        message.save(update_fields=["queued_at"])
    return True


def outbox_drain(*, batch: int = 500, now: datetime | None = None) -> int:
    """Queue the pending tasks, oldest first, and forget those queued long ago; returns how many
    this call queued. Stops at the first broker error: the next drain tries again."""
    now = now or timezone.now()
    pending = OutboxMessage.objects.filter(queued_at__isnull=True).order_by("pk")
    queued = 0
    for message_id in list(pending.values_list("pk", flat=True)[:batch]):
        try:
            queued += outbox_dispatch(message_id=message_id)
        except OperationalError:
            logger.warning("Broker unreachable; %d outbox messages wait", pending.count())
            break
    OutboxMessage.objects.filter(queued_at__lt=now - KEEP_QUEUED).delete()
    return queued
