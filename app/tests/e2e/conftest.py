"""Browser tests: pytest-playwright drives an installed Chromium or Chrome against pytest-django's
live server.

No browser is downloaded: Playwright launches the one ``PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH``
names, or the first found where each system installs one (docs/setup/index.md). With none, the
run stops with one line saying what to set, not a traceback per test.

With ``E2E_BASE_URL`` (e.g. http://localhost:8000, the compose stack) and ``E2E_MAILDEV_URL``
(its maildev, http://localhost:1080) the tests marked ``stack`` drive that running site instead
and read its mail from maildev's REST API; the others need the live server's database and are
skipped. Without them every test runs against its own live server (the default).
"""

import os
from pathlib import Path
from uuid import uuid4

import pytest
from django.core import mail

from tests.e2e.maildev import Maildev
from tests.helpers import activation_link_in

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


BASE_URL = os.environ.get("E2E_BASE_URL", "").rstrip("/")
MAILDEV_URL = os.environ.get("E2E_MAILDEV_URL", "")


def pytest_collection_modifyitems(config, items):
    """Stop before any browser test runs when there is no browser to drive; against a running
    stack (E2E_BASE_URL), skip the tests that need the live server's database."""
    if any(item.get_closest_marker("e2e") for item in items):
        browser, problem = find_browser()
        if problem:
            raise pytest.UsageError(problem)
        config.stash[BROWSER_KEY] = browser
    if not BASE_URL:
        return
    if not MAILDEV_URL:
        raise pytest.UsageError("E2E_BASE_URL needs E2E_MAILDEV_URL (maildev's web/API URL)")
    skip = pytest.mark.skip(reason="needs the live server's database (E2E_BASE_URL is set)")
    for item in items:
        if item.get_closest_marker("stack") is None:
            item.add_marker(skip)


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
    """The site's base URL: E2E_BASE_URL, or the live server with a database its thread sees.
    Both fixtures are asked for even against a running stack: asked for from inside this
    fixture, the test's own writes missed the database the live server reads."""
    return BASE_URL or live_server.url


# Every page an e2e test opens is watched for Content-Security-Policy violations: the browser
# fires ``securitypolicyviolation`` for each thing the policy refused (an inline script, an eval,
# a style, an image from elsewhere), and the listener hands it to Python. The binding and the
# listener come through the DevTools protocol, so the policy does not stop them.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline code"}` +
      ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def csp_violations(page):
    """What the policy refused on ``page`` so far, one line each."""
    violations = []
    page.expose_function("reportCspViolation", lambda line: violations.append(line))
    page.add_init_script(CSP_LISTENER)
    return violations


@pytest.fixture(autouse=True)
def no_csp_violations(request):
    """Fail any test whose page broke the policy: every e2e test (the like button, GraphiQL,
    Swagger UI, the forms) doubles as proof that μblog works under its policy."""
    if "page" not in request.fixturenames:
        yield
        return
    violations = request.getfixturevalue("csp_violations")
    yield
    assert violations == [], "the Content-Security-Policy refused:\n" + "\n".join(violations)


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
            return activation_link_in(Maildev(MAILDEV_URL).wait_for(email)["text"])
        return activation_link_in(next(m for m in reversed(mail.outbox) if email in m.to).body)

    return read


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under ``E2E_SCREENSHOTS`` (default /tmp/screens) by name."""
    os.makedirs(SCREENSHOTS, exist_ok=True)

    def take(name, full_page=True):
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        page.screenshot(path=path, full_page=full_page)
        return path

    return take
