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
from domain.outbox.tasks import drain_outbox
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
    UserFactory.create(inactive=True, date_joined=timezone.now() - timedelta(days=30))

    assert purge_unactivated_accounts() == 1
    assert not User.objects.exists()


def test_beat_schedules_the_purge_and_the_outbox_drain_by_their_registered_names():
    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}

    assert scheduled == {purge_unactivated_accounts.name, drain_outbox.name}
    assert scheduled <= set(celery_app.tasks)


def test_a_task_is_acknowledged_after_it_ran_and_requeued_if_its_worker_dies():
    """A worker process killed mid-task (SIGKILL, OOM) must not lose the task: the fault suite
    (nox -s faults) kills one and sees the task run again."""
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True


def test_tasks_go_to_the_default_queue():
    assert celery_app.conf.task_default_queue == "default"
