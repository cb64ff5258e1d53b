"""The abuse suite's server: gunicorn with the production settings on a throwaway SQLite
database, on 127.0.0.1 (port ABUSE_PORT, default: a free one). Rates are the defaults except
where a test needs a smaller budget to stay fast; each attack then runs over real HTTP."""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

APP_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EMAIL, PASSWORD = "ada@example.com", "ublog-demo-password"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("abuse")
    env = {
        **os.environ,
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        # One worker and its local-memory cache: one set of counters (docs/security.md).
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_URL": "dummymail://",
        "THROTTLE_SIGNUP": "5/hour",
        "THROTTLE_RESEND_ACTIVATION": "3/hour",
        "THROTTLE_ANON_POST_CREATE": "5/hour",
        "THROTTLE_TOKEN": "5/min",
        "AXES_FAILURE_LIMIT": "5",
        "LOG_LEVEL": "WARNING",
    }
    for command in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v0"], cwd=APP_DIR, env=env, check=True
        )
    port = int(os.environ.get("ABUSE_PORT") or free_port())
    base_url = f"http://127.0.0.1:{port}"
    log = (workdir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [BIN / "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=APP_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base_url}/healthz", timeout=2)
                break
            except requests.RequestException:
                assert process.poll() is None and time.monotonic() < deadline, "gunicorn died"
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        errors = (workdir / "gunicorn.log").read_text()
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
