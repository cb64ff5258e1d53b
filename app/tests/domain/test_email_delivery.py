"""The activation email travels for real: Django's SMTP backend to a local SMTP server (aiosmtpd),
sent by a real Celery worker consuming the configured broker (Redis when REDIS_URL is set)."""

import os
import time

import pytest
from aiosmtpd.controller import Controller
from celery.app import autoretry
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings

from config.celery import app as celery_app
from domain.accounts.services import user_signup
from tests.factories import PASSWORD
from tests.live import free_port


class Inbox:
    """An aiosmtpd handler that keeps messages; it can refuse the first ``refuse`` deliveries."""

    def __init__(self, refuse=0):
        self.messages, self.refused, self.refuse = [], 0, refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.refuse:
            self.refused += 1
            return "451 Temporary failure, try again later"
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings):
    def start(refuse=0):
        inbox = Inbox(refuse)
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        return inbox

    started: list[Controller] = []
    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def not_eager():
    """Tasks go through the broker, to a queue of this process's own: xdist workers and
    concurrent runs share the Redis database, and a worker elsewhere must not take them.
    The worker's connection asks the broker for messages every 0.1 s rather than every second:
    stopping it waits for the question under way. Yields the queue's name."""
    queue = f"default-{os.getpid()}"
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    options = celery_app.conf.broker_transport_options
    celery_app.conf.broker_transport_options = {**options, "polling_interval": 0.1}
    yield queue
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_default_queue = "default"
    celery_app.conf.broker_transport_options = options


def wait_for(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_real_worker_delivers_activation_email_over_smtp(smtp_server, not_eager):
    inbox = smtp_server()
    expected_broker = os.environ.get("REDIS_URL") or "memory://"
    assert django_settings.CELERY_BROKER_URL == expected_broker

    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[not_eager]):
        user_signup(email="worker@example.com", password=PASSWORD, display_name="Worker")
        assert wait_for(lambda: inbox.messages), "no email reached the SMTP server"

    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["worker@example.com"]
    assert b"/accounts/activate/" in envelope.content


@pytest.mark.django_db(transaction=True)
def test_worker_retries_when_smtp_refuses_so_no_signup_is_lost(
    smtp_server, not_eager, monkeypatch
):
    """The retry is queued with a countdown (a message with an ETA the worker holds) worked out
    by Celery from the task's backoff settings; it is 0.2 s here instead of up to 5."""
    backoffs = []

    def backoff(**arguments):
        backoffs.append(arguments)
        return 0.2

    monkeypatch.setattr(autoretry, "get_exponential_backoff_interval", backoff)
    inbox = smtp_server(refuse=1)

    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[not_eager]):
        user_signup(email="retry@example.com", password=PASSWORD)
        assert wait_for(lambda: inbox.messages), "the retry never delivered"

    assert inbox.refused == 1
    assert [envelope.rcpt_tos for envelope in inbox.messages] == [["retry@example.com"]]
    # mail_task's backoff: 5 s, doubling per retry up to 600 s, with jitter.
    assert backoffs == [dict(factor=5, retries=0, maximum=600, full_jitter=True)]
