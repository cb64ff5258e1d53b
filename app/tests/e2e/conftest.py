"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

No browser is downloaded: Playwright launches the system Chromium (``apt install chromium``), or
the one ``PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH`` names.

With ``E2E_BASE_URL`` (e.g. http://localhost:8000, the compose stack) and ``E2E_MAILDEV_URL``
(its maildev, http://localhost:1080) the tests marked ``stack`` drive that running site instead
and read its mail from maildev's REST API; the others need the live server's database and are
skipped. Without them every test runs against its own live server (the default).
"""

import os
from uuid import uuid4

import pytest
from django.core import mail

from tests.e2e.maildev import Maildev, activation_link

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "/tmp/screens")
BASE_URL = os.environ.get("E2E_BASE_URL", "").rstrip("/")
MAILDEV_URL = os.environ.get("E2E_MAILDEV_URL", "")


def pytest_collection_modifyitems(config, items):
    if not BASE_URL:
        return
    if not MAILDEV_URL:
        raise pytest.UsageError("E2E_BASE_URL needs E2E_MAILDEV_URL (maildev's web/API URL)")
    skip = pytest.mark.skip(reason="needs the live server's database (E2E_BASE_URL is set)")
    for item in items:
        if item.get_closest_marker("stack") is None:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def allow_orm_beside_the_event_loop():
    """pytest-playwright runs an event loop in the test thread, and Django's ORM refuses to run
    there, although these tests only touch the database between browser steps. Set when the
    first e2e test starts (not at import), so a run without e2e tests keeps Django's guard."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture
def site(request):
    """The site's base URL: E2E_BASE_URL, or the live server with a database its thread sees."""
    if BASE_URL:
        return BASE_URL
    request.getfixturevalue("transactional_db")
    return request.getfixturevalue("live_server").url


@pytest.fixture
def new_email():
    """An address no earlier run used (a running stack keeps its accounts)."""
    return f"new-{uuid4().hex[:12]}@example.com"


@pytest.fixture
def read_activation_link():
    """``read(email)`` is the activation link sent to ``email``: from maildev's REST API for a
    running stack, from Django's test outbox for the live server."""

    def read(email):
        if MAILDEV_URL:
            return activation_link(Maildev(MAILDEV_URL).wait_for(email)["text"])
        return activation_link(next(m for m in reversed(mail.outbox) if email in m.to).body)

    return read


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under ``E2E_SCREENSHOTS`` (default /tmp/screens) by name."""
    os.makedirs(SCREENSHOTS, exist_ok=True)

    def take(name):
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return take
