"""Celery tasks are thin: they find their rows and call services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from domain.accounts.models import User
from domain.accounts.tasks import (
    purge_unactivated_accounts,
    send_activation_email,
    send_existing_account_email,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_activation_email_task_skips_users_activated_meanwhile(user):
    assert send_activation_email(user.pk) is False
    assert mail.outbox == []


def test_activation_email_task_sends_to_inactive_user(inactive_user):
    assert send_activation_email(inactive_user.pk) is True
    assert mail.outbox[0].to == [inactive_user.email]


def test_existing_account_email_task_skips_deleted_users(user):
    user_id = user.pk
    user.delete()

    assert send_existing_account_email(user_id) is False
    assert mail.outbox == []


def test_purge_task_deletes_stale_accounts():
    UserFactory(inactive=True, date_joined=timezone.now() - timedelta(days=30))

    assert purge_unactivated_accounts() == 1
    assert not User.objects.exists()


def test_beat_schedules_the_purge_task_by_its_registered_name():
    [entry] = celery_app.conf.beat_schedule.values()

    assert entry["task"] in celery_app.tasks
    assert entry["task"] == purge_unactivated_accounts.name


def test_tasks_go_to_the_default_queue():
    assert celery_app.conf.task_default_queue == "default"
