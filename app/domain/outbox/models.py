"""A task to hand to Celery, recorded in the transaction of the change that needs it."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When the broker accepted it; empty while pending."
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(queued_at__isnull=True),
                name="outbox_pending",
            ),
        ]

    def __str__(self) -> str:
        state = "queued" if self.queued_at else "pending"
        return f"{self.task}{tuple(self.args)} ({state})"
