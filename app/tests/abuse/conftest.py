"""The abuse suite's server: gunicorn with the production settings on a throwaway SQLite
database, on 127.0.0.1 (port ABUSE_PORT, default: a free one). Rates are the defaults except
where a test needs a smaller budget to stay fast; each attack then runs over real HTTP."""

import os
import secrets

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.live import live_ublog, throwaway_env


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("abuse")
    env = throwaway_env(
        workdir,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        # No Redis: one worker and its local-memory cache, one set of counters (docs/security.md).
        THROTTLE_SIGNUP="5/hour",
        THROTTLE_RESEND_ACTIVATION="3/hour",
        THROTTLE_ANON_POST_CREATE="5/hour",
        THROTTLE_TOKEN="5/min",
        AXES_FAILURE_LIMIT="5",
        LOG_LEVEL="WARNING",
    )
    port = int(os.environ.get("ABUSE_PORT") or 0)
    with live_ublog(workdir, env, port=port) as base_url:
        yield base_url
    errors = (workdir / "server.log").read_text()
    assert "Internal Server Error" not in errors and "Traceback" not in errors, errors


class FromAddress(HTTPAdapter):
    """Connect from a chosen source address: all of 127/8 is loopback on Linux, so each test is
    a different client to the server (its own budgets and lockout), as REMOTE_ADDR shows."""

    def __init__(self, source):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.source, 0), **kwargs)


class Client(requests.Session):
    def __init__(self, base_url):
        super().__init__()
        self.base_url = base_url
        self.address = f"127.{secrets.randbelow(250) + 1}.{secrets.randbelow(250)}.2"
        self.mount("http://", FromAddress(self.address))

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 60)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, self.base_url + url, *args, **kwargs)

    def form(self, url, data):
        """POST a Django form as a browser would: fetch the CSRF cookie first. Production's
        cookies are Secure, which requests will not send over http, so the header is set."""
        self.get(url)
        token = self.cookies["csrftoken"] or ""
        headers = {"Cookie": f"csrftoken={token}", "X-CSRFToken": token}
        return self.post(url, data=data, headers=headers)

    def graphql(self, query, variables=None):
        return self.post("/graphql/", json={"query": query, "variables": variables or {}})


@pytest.fixture
def http(server):
    """One client (one source address) talking to the server."""
    with Client(server) as client:
        yield client
