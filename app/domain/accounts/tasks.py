"""Celery tasks of the accounts app: thin wrappers that call services."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from .models import User
from .services import activation_email_send, existing_account_email_send, user_purge_unactivated

# Mail tasks retry an SMTP server that is down or refusing, with backoff, for about an hour.
mail_task = shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)


@mail_task
def send_activation_email(user_id: int) -> bool:
    user = User.objects.filter(pk=user_id, is_active=False).first()
    if user is None:  # activated or purged since the task was queued
        return False
    activation_email_send(user=user)
    return True


@mail_task
def send_existing_account_email(user_id: int) -> bool:
    user = User.objects.filter(pk=user_id).first()
    if user is None:  # deleted since the task was queued
        return False
    existing_account_email_send(user=user)
    return True


@shared_task
def purge_unactivated_accounts() -> int:
    return user_purge_unactivated()
