"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

No browser is downloaded: Playwright launches the system Chromium (``apt install chromium``), or
the one ``PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH`` names.
"""

import os

import pytest

# pytest-playwright runs an event loop in the test thread; Django's ORM would refuse to run
# there, although the tests only touch the database between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "/tmp/screens")


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
