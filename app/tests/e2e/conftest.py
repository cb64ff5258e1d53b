"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

No browser is downloaded: Playwright launches the system Chromium (``apt install chromium``), or
the one ``PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH`` names.
"""

import os

import pytest

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "/tmp/screens")


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
def site(live_server, transactional_db):
    """The live server's base URL, with a database the server thread can see."""
    return live_server.url


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under ``E2E_SCREENSHOTS`` (default /tmp/screens) by name."""
    os.makedirs(SCREENSHOTS, exist_ok=True)

    def take(name):
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return take
