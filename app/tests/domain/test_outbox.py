"""The transactional outbox: a task recorded with the change that needs it is queued at once,
or, if the broker is down, by the drain once it is back; never lost, never queued twice."""

import logging
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from celery import current_app
from celery.app.task import Task
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from domain.accounts import services as accounts
from domain.accounts.services import user_signup
from domain.outbox.models import OutboxMessage
from domain.outbox.services import outbox_dispatch, outbox_drain, outbox_enqueue
from domain.outbox.tasks import drain_outbox
from domain.posts import services as posts
from domain.posts.models import Post
from tests.factories import PASSWORD, image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    """Every publish fails as Celery's does when Redis refuses connections; ``.undo()`` brings
    the broker back."""

    def refuse(task, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return monkeypatch


def test_a_task_name_that_names_no_task_is_refused_at_once():
    with pytest.raises(LookupError, match="domain.posts.tasks.make_post_thumbnial"):
        outbox_enqueue("domain.posts.tasks.make_post_thumbnial", 1)

    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        posts.MAKE_THUMBNAIL_TASK,
        accounts.ACTIVATION_EMAIL_TASK,
        accounts.EXISTING_ACCOUNT_EMAIL_TASK,
    ],
)
def test_the_services_name_registered_tasks(name):
    assert current_app.tasks[name].name == name


def test_a_process_that_is_no_worker_knows_the_tasks_too():
    # Celery's autodiscovery imports the tasks modules only in a worker; the services queue
    # them by name from web processes, whose apps' ready() import them.
    names = [posts.MAKE_THUMBNAIL_TASK, accounts.ACTIVATION_EMAIL_TASK]
    code = (
        "import django; django.setup(); from celery import current_app; "
        f"print(all(name in current_app.tasks for name in {names!r}))"
    )
    # The folder this process imports the app from: app/, or mutmut's copy of it.
    app_dir = Path(posts.__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=app_dir, capture_output=True, text=True, timeout=60
    )

    assert result.stdout.strip() == "True", result.stderr


def sign_up(capture, email="outage@example.com"):
    with capture(execute=True):
        return user_signup(email=email, password=PASSWORD)


def test_a_signup_made_while_the_broker_is_down_gets_its_email_once_it_is_back(
    broker_down, django_capture_on_commit_callbacks, caplog
):
    user = sign_up(django_capture_on_commit_callbacks)

    assert mail.outbox == []
    [pending] = OutboxMessage.objects.all()
    assert (pending.args, pending.queued_at) == ([user.pk], None)
    assert "Connection refused" in caplog.text  # the failed publish is logged

    assert outbox_drain() == 0  # still down: the message waits
    broker_down.undo()
    assert outbox_drain() == 1  # what beat runs, in whichever process, once Redis is back

    assert [message.to for message in mail.outbox] == [[user.email]]
    assert OutboxMessage.objects.get().queued_at is not None
    assert outbox_drain() == 0
    assert len(mail.outbox) == 1


def test_when_the_broker_is_up_the_task_is_queued_at_commit_and_marked(
    django_capture_on_commit_callbacks,
):
    user = sign_up(django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [[user.email]]
    assert OutboxMessage.objects.get().queued_at is not None
    assert drain_outbox() == 0
    assert outbox_dispatch(message_id=OutboxMessage.objects.get().pk) is False
    assert len(mail.outbox) == 1


def test_the_message_is_part_of_the_change_and_rolls_back_with_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        user_signup(email="rolled-back@example.com", password=PASSWORD)
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("the surrounding change failed")

    assert not OutboxMessage.objects.exists()


def test_the_drain_stops_at_the_first_broker_error_and_says_how_many_wait(
    broker_down, django_capture_on_commit_callbacks, caplog
):
    for number in range(3):
        sign_up(django_capture_on_commit_callbacks, email=f"wait{number}@example.com")
    caplog.clear()

    with caplog.at_level(logging.WARNING, logger="domain.outbox.services"):
        assert outbox_drain() == 0

    assert [record.getMessage() for record in caplog.records] == [
        "Broker unreachable; 3 outbox messages wait"
    ]


def test_the_drain_forgets_messages_queued_long_ago(django_capture_on_commit_callbacks):
    sign_up(django_capture_on_commit_callbacks)

    outbox_drain(now=timezone.now() + timedelta(hours=23))
    assert OutboxMessage.objects.count() == 1
    outbox_drain(now=timezone.now() + timedelta(days=1, minutes=1))
    assert not OutboxMessage.objects.exists()


def test_a_post_image_uploaded_while_the_broker_is_down_gets_its_thumbnail_later(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = posts.post_create(author=None, body="Look", image=image_upload())
    assert not Post.objects.get(pk=post.pk).thumbnail

    broker_down.undo()
    outbox_drain()

    assert Post.objects.get(pk=post.pk).thumbnail


def test_str_says_what_and_whether_queued(django_capture_on_commit_callbacks):
    user = sign_up(django_capture_on_commit_callbacks)

    assert str(OutboxMessage.objects.get()) == (
        f"domain.accounts.tasks.send_activation_email({user.pk},) (queued)"
    )
    OutboxMessage.objects.update(queued_at=None)
    assert str(OutboxMessage.objects.get()).endswith("(pending)")
