"""Fuzz the REST API with schemathesis against a live μblog; `nox -s api_fuzz` runs this.

It migrates and seeds a throwaway SQLite database, serves it with gunicorn on a free port,
signs in as the demo user (so operations that need an account are exercised, not just refused),
and runs every schemathesis check against /api/schema/. Any failure fails the run.

    python tools/api_fuzz/run.py [extra schemathesis run options, e.g. --seed 1]
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
# Per operation; 20 operations x 100 examples (plus the coverage and stateful phases) keeps a
# run at about two minutes on a laptop.
MAX_EXAMPLES = "100"
DEMO_EMAIL, DEMO_PASSWORD = "ada@example.com", "ublog-demo-password"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(workdir):
    env = {
        **os.environ,
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        # No broker: thumbnails are made in-process; emails go nowhere.
        "REDIS_URL": "",
        "EMAIL_URL": "dummymail://",
        # The fuzzer sends thousands of requests from one address; the limits are tested elsewhere.
        "THROTTLE_ANON_POST_CREATE": "1000000/min",
        "THROTTLE_SIGNUP": "1000000/min",
        "THROTTLE_TOKEN": "1000000/min",
        "JWT_ACCESS_MINUTES": "60",
        "LOG_LEVEL": "ERROR",
    }
    return env


def wait_until_up(base_url, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def obtain_token(base_url):
    request = urllib.request.Request(
        f"{base_url}/api/token/",
        data=json.dumps({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["access"]


def main(argv):
    with tempfile.TemporaryDirectory(prefix="ublog-api-fuzz-") as tmp:
        workdir = Path(tmp)
        env = server_env(workdir)
        manage = [sys.executable, "manage.py"]
        subprocess.run(
            [*manage, "migrate", "--noinput", "-v0"], cwd=ROOT / "app", env=env, check=True
        )
        subprocess.run([*manage, "seed_demo"], cwd=ROOT / "app", env=env, check=True)
        # As in production: DEBUG off serves static files (and the 404 page's CSS) from here.
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT / "app", env=env, check=True
        )
        base_url = f"http://127.0.0.1:{free_port()}"
        bind = base_url.removeprefix("http://")
        server = subprocess.Popen(
            # No request-line limit: the app, not gunicorn's 414, must answer huge query strings.
            [BIN / "gunicorn", "config.wsgi", "--bind", bind, "--workers", "1"]
            + ["--limit-request-line", "0"],
            cwd=ROOT / "app",
            env=env,
        )
        try:
            wait_until_up(base_url)
            command = [
                BIN / "schemathesis",
                "--config-file",
                HERE / "schemathesis.toml",
                "run",
                f"{base_url}/api/schema/",
                "--checks",
                "all",
                "--header",
                f"Authorization: Bearer {obtain_token(base_url)}",
                "--max-examples",
                MAX_EXAMPLES,
                "--workers",
                "1",
                *argv,
            ]
            fuzz_env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HERE / "hooks.py")}
            # schemathesis keeps its caches in the working directory: the throwaway one.
            return subprocess.run(command, cwd=workdir, env=fuzz_env).returncode
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
