"""Browser tests: pytest-playwright drives an installed Chromium or Chrome against pytest-django's
live server.

No browser is downloaded: Playwright launches the one ``PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH``
names, or the first found where each system installs one (docs/setup/index.md). With none, the
run stops with one line saying what to set, not a traceback per test.
"""

import os
from pathlib import Path

import pytest

BROWSER_VARIABLE = "PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH"
BROWSER_KEY = pytest.StashKey[str]()
# Where Debian/Ubuntu, Fedora, macOS (Homebrew casks) and Windows install Chromium or Chrome.
BROWSER_PLACES = [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
]


def find_browser(environ=os.environ, places=BROWSER_PLACES):
    """The browser executable to launch, or a one-line message saying why there is none."""
    if named := environ.get(BROWSER_VARIABLE):
        if Path(named).is_file():
            return named, None
        return (
            None,
            f"{BROWSER_VARIABLE}={named} is not a file: set it to a Chromium or Chrome executable",
        )
    for place in places:
        if Path(place).is_file():
            return place, None
    return None, (
        f"no Chromium or Chrome found for the e2e tests (looked at {', '.join(places)}):"
        f" install one or set {BROWSER_VARIABLE} to its executable"
    )


def pytest_collection_modifyitems(config, items):
    """Stop before any browser test runs when there is no browser to drive."""
    if any(item.get_closest_marker("e2e") for item in items):
        browser, problem = find_browser()
        if problem:
            raise pytest.UsageError(problem)
        config.stash[BROWSER_KEY] = browser


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
def browser_type_launch_args(browser_type_launch_args, pytestconfig):
    return {**browser_type_launch_args, "executable_path": pytestconfig.stash[BROWSER_KEY]}


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's base URL, with a database the server thread can see."""
    return live_server.url


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under ``E2E_SCREENSHOTS`` (default /tmp/screens) by name."""
    os.makedirs(SCREENSHOTS, exist_ok=True)

    def take(name, full_page=True):
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        page.screenshot(path=path, full_page=full_page)
        return path

    return take
