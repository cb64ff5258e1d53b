"""μblog served for real: gunicorn on a throwaway SQLite database, migrated, seeded with the
demo data. The abuse suite (tests/abuse) and the API fuzzer (tools/api_fuzz) attack one each.
Standard library only, so a script outside pytest can import it."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from tests.helpers import APP_DIR

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def throwaway_env(workdir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a μblog whose database, media and static files are in ``workdir``,
    with no broker (tasks run in-process) and email going nowhere; ``overrides`` win."""
    return {
        **os.environ,
        "ENV_FILE": "",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_URL": "dummymail://",
        **overrides,
    }


def wait_until_up(base_url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not come up at {base_url}")
            time.sleep(0.2)


@contextlib.contextmanager
def live_ublog(
    workdir: Path,
    env: dict[str, str],
    *,
    port: int | None = None,
    gunicorn_options: Sequence[str] = (),
) -> Iterator[str]:
    """μblog migrated, seeded with the demo data and its static files collected (DEBUG off
    serves them from STATIC_ROOT, as in production), served by one gunicorn worker on ``port``
    (default: a free one): yields the base URL. The server's output goes to
    ``workdir / "server.log"``."""
    for command in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v0"], cwd=APP_DIR, env=env, check=True
        )
    base_url = f"http://127.0.0.1:{port or free_port()}"
    bind = base_url.removeprefix("http://")
    with (workdir / "server.log").open("w") as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", "config.wsgi", "--bind", bind, "--workers", "1", *gunicorn_options],
            cwd=APP_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)
