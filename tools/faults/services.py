"""The processes the fault suite starts, on loopback ports of its own, and kills on purpose.

Each ``Service`` is a subprocess with its own log file in the run's temporary folder; ``Stack``
starts them in order and stops every one it started, whatever happened (``with Stack(...)``).
Nothing here touches the machine's own PostgreSQL, Redis or mail server.
"""

import asyncio
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session

ROOT = Path(__file__).resolve().parents[2]
PG_PORT, REDIS_PORT, SMTP_PORT, WEB_PORT = 55432, 56379, 8550, 8551
# Debian's server binaries (initdb, pg_ctl) are not on PATH; the newest installed version.
PG_BIN = Path(
    os.environ.get("PG_BIN")
    or max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
)


def wait_for_port(
    port: int,
    timeout: float = 30,
    process: subprocess.Popen[bytes] | None = None,
    name: str = "the server",
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (Linux /proc)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(child) for child in text.split()]


class Service:
    """One long-running subprocess, logging to ``<tmp>/<name>.log``."""

    def __init__(
        self,
        name: str,
        args: list[str],
        tmp: Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        port: int | None = None,
    ) -> None:
        self.name, self.args, self.env, self.cwd, self.port = name, args, env, cwd, port
        self.log_path = tmp / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Service":
        log = open(self.log_path, "a")
        log.write(f"--- start {time.strftime('%H:%M:%S')}\n")
        log.flush()
        self.process = subprocess.Popen(
            self.args,
            env=self.env,
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches its children
        )
        log.close()
        if self.port:
            wait_for_port(self.port, process=self.process, name=self.name)
        return self

    def _started(self) -> subprocess.Popen[bytes]:
        if self.process is None:
            raise RuntimeError(f"{self.name} was never started")
        return self.process

    @property
    def pid(self) -> int:
        return self._started().pid

    def kill(self) -> None:
        """SIGKILL the whole process group, as an OOM kill or a lost machine would."""
        self.signal_group(signal.SIGKILL)
        self._started().wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.pid, signum)
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class PostgreSQL:
    """A throwaway cluster in ``<tmp>/pg``. initdb refuses to run as root, so as root every
    PostgreSQL command runs as the ``postgres`` user."""

    def __init__(self, tmp: Path) -> None:
        self.data = tmp / "pg"
        self.log_path = tmp / "postgresql.log"
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.started = False

    def run(self, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, *args], check=True, capture_output=True, text=True, timeout=120
        )

    def start(self) -> "PostgreSQL":
        if not self.data.exists():
            self.data.mkdir()
            self.log_path.touch()
            if self.as_owner:
                shutil.chown(self.data, "postgres")
                shutil.chown(self.log_path, "postgres")
            self.run(
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "--no-instructions",
            )
        self.pg_ctl("start")
        self.started = True
        wait_for_port(PG_PORT)
        return self

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off "
            "-c max_connections=100"
        )
        self.run(
            str(PG_BIN / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-l",
            str(self.log_path),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            *extra,
        )

    def restart(self) -> None:
        """A fast restart: connections are terminated, the server is back a moment later."""
        self.pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if self.started:
            self.run(str(PG_BIN / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate")
            self.started = False

    def create_database(self, name: str) -> None:
        self.run(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", name
        )


class Inbox:
    """An aiosmtpd handler: keeps what it accepts; ``hold`` makes it sit on the next message
    (the sender stays mid-task) until ``release`` is set, then refuse it."""

    def __init__(self) -> None:
        self.messages: list[Envelope] = []
        self.hold, self.holding = False, False

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        if self.hold:
            self.hold, self.holding = False, True
            while self.holding:
                await asyncio.sleep(0.05)
            return "451 Held and dropped by the fault suite"
        self.messages.append(envelope)
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return [rcpt for envelope in self.messages for rcpt in envelope.rcpt_tos]


class SMTP:
    """The inbox on a fixed port, stoppable (connections refused) and restartable."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> "SMTP":
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=SMTP_PORT)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.inbox.holding = False
            self.controller.stop()
            self.controller = None


def app_environment(tmp: Path, database: str) -> dict[str, str]:
    """Production settings against the suite's own services."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "EMAIL_", "CELERY_", "DJANGO_"))
    }
    environment.update(
        {
            "ENV_FILE": "",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/{database}",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
            "EMAIL_TIMEOUT": "30",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{WEB_PORT}",
            "STATIC_ROOT": str(tmp / "static"),
            "MEDIA_ROOT": str(tmp / "media"),
            "OUTBOX_DRAIN_SECONDS": "2",
            # The suite signs up and asks for tokens far more than a person would.
            "THROTTLE_SIGNUP": "10000/hour",
            "THROTTLE_TOKEN": "10000/min",
            "THROTTLE_ANON_POST_CREATE": "10000/hour",
            "PYTHONUNBUFFERED": "1",
            "PYTHONFAULTHANDLER": "1",
        }
    )
    return environment


def app_services(tmp: Path, env: dict[str, str], app_dir: Path) -> dict[str, Service]:
    bin_dir = Path(sys.executable).parent
    celery = [str(bin_dir / "celery"), "-A", "config"]
    return {
        "redis": Service(
            "redis",
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            tmp,
            port=REDIS_PORT,
        ),
        "worker": Service(
            "worker",
            [
                *celery,
                "worker",
                "-Q",
                "default",
                "-l",
                "INFO",
                "--concurrency",
                "1",
                "--pool",
                "prefork",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            tmp,
            env=env,
            cwd=app_dir,
        ),
        "beat": Service(
            "beat",
            [*celery, "beat", "-l", "INFO", "-s", str(tmp / "beat-schedule")],
            tmp,
            env=env,
            cwd=app_dir,
        ),
        "web": Service(
            "web",
            [
                str(bin_dir / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{WEB_PORT}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            tmp,
            env=env,
            cwd=app_dir,
            port=WEB_PORT,
        ),
    }
