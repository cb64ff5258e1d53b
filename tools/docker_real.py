"""The Docker workflow, for real, on this machine (`nox -s docker_real`, called by .ci/run).

1. A Docker engine (started here if none runs, and stopped again) and the local base image
   (debootstrap, made once; tools/docker_engine.py).
2. The production image from the project's Dockerfile with the classic builder, cold
   (--no-cache) and cached; its size. The cached build must not run a single step.
3. The stack from docker-compose.yml + docker-compose.host.yml: migrate, then backend (gunicorn),
   celery_default and beat from that image, against this machine's PostgreSQL (a fresh database)
   and Redis, and a real maildev 3 (npm) as the SMTP server. Time from `up` to healthy.
4. Over HTTP: /healthz healthy (also for an IP Host, while the site refuses that Host); a signup's
   activation email delivered by the containerised worker, read from maildev's REST API; the
   account activated; a post with an image gets its thumbnail from the worker; the browser
   journey of the e2e suite against the stack (E2E_BASE_URL, E2E_MAILDEV_URL).
5. `docker stop` ends each container with exit code 0 within the grace period.
6. The test suite inside the dev image against the same PostgreSQL and Redis, 100% gate (the
   pytest arguments come after `--`, from the noxfile).
Everything has a timeout and is cleaned up in `finally`. Figures go to .docker-real/report.json.
"""

import argparse
import contextlib
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path
from typing import Any, TypeVar

import psycopg2
from docker_engine import DOCKER, base_image, docker, engine, log, output, stop
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "app"))
from tests.e2e.maildev import Maildev  # noqa: E402
from tests.helpers import activation_link_in  # noqa: E402
from tests.live import free_port  # noqa: E402

STATE = ROOT / ".docker-real"
IMAGE = "ublog:docker-real"
DEV_IMAGE = "ublog-dev:docker-real"
PROJECT = "ublog-real"
COMPOSE_FILES = ["-f", "docker-compose.yml", "-f", "docker-compose.host.yml"]
APP_SERVICES = ["backend", "celery_default", "beat"]
# The compose file's maildev/maildev tag, and the version tools/maildev/package-lock.json locks
# (tests keep the three equal).
MAILDEV_VERSION = "3.0.0"
PASSWORD = "docker-real-Password-1"
FIGURES: dict[str, Any] = {}
Result = TypeVar("Result")


def port(name: str) -> int:
    return int(os.environ.get(name) or free_port())


def timed(name: str, function: Callable[..., Result], *args: Any, **kwargs: Any) -> Result:
    started = time.monotonic()
    result = function(*args, **kwargs)
    FIGURES[name] = round(time.monotonic() - started, 1)
    log(f"{name}: {FIGURES[name]} s")
    return result


def run(
    command: list[str], timeout: float, env: dict[str, str] | None = None, check: bool = True
) -> int:
    log("$ " + " ".join(command))
    result = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"{command[0]} exited {result.returncode}")
    return result.returncode


# --- build -------------------------------------------------------------------------------------


def build(base: str, *extra: str, target: str | None = None, tag: str = IMAGE) -> str:
    command = [DOCKER, "build", "--network", "host", "--build-arg", f"BASE_IMAGE={base}"]
    command += ["--target", target] if target else []
    env = {**os.environ, "DOCKER_BUILDKIT": "0"}
    built: str = output([*command, *extra, "-t", tag, "."], timeout=1500, cwd=ROOT, env=env)
    return built


def build_images(base: str, cold: bool = True) -> None:
    if cold:
        timed("build_cold_s", build, base, "--no-cache")
    else:  # whatever the cache holds; the next build must then be all cache
        timed("build_s", build, base)
    cached = timed("build_cached_s", build, base)
    ran = [line for line in cached.splitlines() if line.startswith(" ---> Running in")]
    if ran:
        raise AssertionError(f"the cached build ran {len(ran)} steps again")
    # The classic builder builds every stage before the target, so dev is built already.
    timed("build_dev_after_production_s", build, base, target="dev", tag=DEV_IMAGE)
    for name, tag in (("image_size_mb", IMAGE), ("dev_image_size_mb", DEV_IMAGE)):
        FIGURES[name] = round(int(docker("image", "inspect", "--format", "{{.Size}}", tag)) / 1e6)
        log(f"{name}: {FIGURES[name]}")
    user = docker("image", "inspect", "--format", "{{.Config.User}}", IMAGE).strip()
    if user in {"", "root", "0"}:
        raise AssertionError(f"the production image runs as {user or 'root'}")


# --- backing services ----------------------------------------------------------------------------


@contextlib.contextmanager
def database(server_url: str) -> Iterator[str]:
    """A fresh database beside the one DATABASE_URL names, dropped afterwards."""
    parts = urllib.parse.urlsplit(server_url)
    name = f"{parts.path.lstrip('/') or 'ublog'}_docker_real"
    admin = parts._replace(path="/postgres").geturl()

    def execute(sql: str) -> None:
        connection = psycopg2.connect(admin, connect_timeout=10)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def maildev(smtp_port: int, web_port: int) -> Iterator[Maildev]:
    """A real maildev (npm, the program of compose's maildev image) on the loopback interface,
    installed from tools/maildev's lock file into the git-ignored .docker-real/maildev."""
    prefix = STATE / "maildev"
    binary = prefix / "node_modules/.bin/maildev"
    lock = (ROOT / "tools/maildev/package-lock.json").read_text()
    if not binary.exists() or (prefix / "package-lock.json").read_text() != lock:
        prefix.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(ROOT / "tools/maildev" / name, prefix / name)
        run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(prefix)], timeout=600)
    log_file = (STATE / "maildev.log").open("ab")
    process = subprocess.Popen(
        [str(binary), "--ip", "127.0.0.1", "--smtp", str(smtp_port)]
        + ["--web-ip", "127.0.0.1", "--web", str(web_port)],
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_http(f"http://127.0.0.1:{web_port}/api/healthz", timeout=60, process=process)
        yield Maildev(f"http://127.0.0.1:{web_port}")
    finally:
        stop(process, timeout=15)
        log_file.close()


# --- HTTP --------------------------------------------------------------------------------------


def http(
    method: str,
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15,
) -> tuple[int, Message, bytes]:
    """(status, headers, body) of one request; 4xx/5xx are returned, not raised."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def api(
    method: str,
    url: str,
    payload: dict[str, Any] | None = None,
    token: str | None = None,
    expect: int = 200,
) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if payload is None else json.dumps(payload).encode()
    status, _, body = http(method, url, data=data, headers=headers)
    if status != expect:
        raise AssertionError(f"{method} {url}: {status}, expected {expect}: {body[:500]!r}")
    return json.loads(body)


def wait_http(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        with contextlib.suppress(OSError):
            if http("GET", url, timeout=3)[0] == 200:
                return
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer 200 in {timeout} s")


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        header = f'Content-Disposition: form-data; name="{name}"'
        body.write(f"--{boundary}\r\n{header}\r\n\r\n{value}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        )
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 128, 128)).save(buffer, "PNG")
    return buffer.getvalue()


# --- the checks ----------------------------------------------------------------------------------


def check_health(site: str) -> None:
    status, _, body = http("GET", f"{site}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"}), (status, body)
    # Engines and load balancers call by IP address: /healthz answers, the site does not.
    ip_host = {"Host": "10.20.30.40:8000"}
    assert http("GET", f"{site}/healthz", headers=ip_host)[0] == 200
    assert http("GET", f"{site}/", headers=ip_host)[0] == 400
    health = docker("inspect", "--format", "{{.State.Health.Status}}", container("backend"))
    assert health.strip() == "healthy", health
    log("healthz: healthy, also for an IP Host; / refuses that Host")


def check_signup_mail_and_activation(site: str, mailbox: Maildev) -> str:
    email = f"docker-real-{uuid.uuid4().hex[:10]}@example.com"
    api("POST", f"{site}/api/auth/signup/", {"email": email, "password": PASSWORD}, expect=202)
    message = mailbox.wait_for(email, timeout=90)
    link = activation_link_in(message["text"])
    assert link.startswith(site), link
    uid, token = link.rstrip("/").split("/")[-2:]
    api("POST", f"{site}/api/auth/activate/", {"uid": uid, "token": token})
    log(f"activation email from the worker read from maildev ({message['subject']!r}); active")
    tokens = api("POST", f"{site}/api/token/", {"email": email, "password": PASSWORD})
    access: str = tokens["access"]
    return access


def check_thumbnail(site: str, token: str) -> None:
    body, content_type = multipart(
        {"body": "A teal square, from the containers."},
        {"image": ("square.png", png((640, 480)), "image/png")},
    )
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    status, _, created = http("POST", f"{site}/api/drf/cbv/posts/", data=body, headers=headers)
    assert status == 201, (status, created[:500])
    url = f"{site}/api/drf/cbv/posts/{json.loads(created)['id']}/"
    deadline = time.monotonic() + 90
    while not (post := api("GET", url))["thumbnail"]:
        if time.monotonic() > deadline:
            raise TimeoutError("no thumbnail after 90 s")
        time.sleep(0.5)
    status, _, thumbnail = http("GET", post["thumbnail"])
    assert status == 200, (status, post["thumbnail"])
    width, height = Image.open(io.BytesIO(thumbnail)).size
    assert max(width, height) == 320, (width, height)
    log(f"thumbnail {width}x{height} made by the worker, served at {post['thumbnail']}")


def check_browser_journey(site: str, mailbox: Maildev, pytest_env: dict[str, str]) -> None:
    env = {**pytest_env, "E2E_BASE_URL": site, "E2E_MAILDEV_URL": mailbox.url}
    command = [sys.executable, "-m", "pytest", "-m", "e2e", "-q", "app/tests/e2e/test_web.py"]
    run(command + ["-k", "signup"], timeout=300, env=env)


def check_graceful_stop() -> None:
    """Each app container exits 0 on `docker stop` before its grace period (stop_grace_period)
    ends; a SIGKILL would show as exit code 137."""
    stops: dict[str, dict[str, float]] = {}
    for service in APP_SERVICES:
        name = container(service)
        grace = int(docker("inspect", "--format", "{{.Config.StopTimeout}}", name))
        started = time.monotonic()
        docker("stop", name, timeout=grace + 30)
        seconds = round(time.monotonic() - started, 1)
        code = int(docker("inspect", "--format", "{{.State.ExitCode}}", name))
        stops[service] = {"exit_code": code, "seconds": seconds, "grace_s": grace}
        log(f"docker stop {service}: exit {code} in {seconds} s (grace period {grace} s)")
    FIGURES["docker_stop"] = stops
    migrate = int(docker("inspect", "--format", "{{.State.ExitCode}}", container("migrate")))
    bad = {s: r for s, r in stops.items() if r["exit_code"] != 0 or r["seconds"] >= r["grace_s"]}
    assert migrate == 0 and not bad, f"unclean stops: {bad}, migrate exited {migrate}"


def container(service: str) -> str:
    ids = compose_output("ps", "--all", "--quiet", service).split()
    assert len(ids) == 1, f"{service}: containers {ids}"
    return ids[0]


# --- compose -------------------------------------------------------------------------------------

COMPOSE_ENV: dict[str, str] = {}


def compose_command(*args: str) -> list[str]:
    binary = shutil.which("docker-compose") or "docker-compose"
    return [binary, "-p", PROJECT, *COMPOSE_FILES, *args]


def compose(*args: str, timeout: float = 300, check: bool = True) -> int:
    return run(compose_command(*args), timeout=timeout, env=COMPOSE_ENV, check=check)


def compose_output(*args: str) -> str:
    text: str = output(compose_command(*args), timeout=60, cwd=ROOT, env=COMPOSE_ENV)
    return text


def show_logs() -> None:
    with contextlib.suppress(Exception):
        compose("logs", "--no-color", "--tail", "80", timeout=60, check=False)


# --- the run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pytest_args", nargs="*", help="arguments of the in-container test run")
    parser.add_argument(
        "--no-cold-build", action="store_true", help="skip the --no-cache build (quicker reruns)"
    )
    args = parser.parse_args()
    STATE.mkdir(exist_ok=True)
    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ublog")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    web_port, smtp_port, maildev_port = (
        port("DOCKER_REAL_PORT"),
        port("DOCKER_REAL_SMTP_PORT"),
        port("DOCKER_REAL_MAILDEV_PORT"),
    )
    site = f"http://127.0.0.1:{web_port}"
    started = time.monotonic()
    with engine(STATE):
        base = timed("base_image_s", base_image)
        build_images(base, cold=not args.no_cold_build)
        with database(server_url) as database_url, maildev(smtp_port, maildev_port) as mailbox:
            COMPOSE_ENV.update(
                os.environ,
                BASE_IMAGE=base,
                UBLOG_IMAGE=IMAGE,
                SECRET_KEY=secrets.token_urlsafe(48),
                DATABASE_URL=database_url,
                REDIS_URL=redis_url,
                EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
                SITE_URL=site,
                PORT=str(web_port),
            )
            try:
                timed(
                    "up_to_healthy_s",
                    compose,
                    *["up", "--detach", "--no-build", "--wait", "--wait-timeout", "180"],
                    *APP_SERVICES,
                    timeout=240,
                )
                check_health(site)
                token = check_signup_mail_and_activation(site, mailbox)
                check_thumbnail(site, token)
                check_browser_journey(site, mailbox, {**os.environ, "ENV_FILE": ""})
                check_graceful_stop()
            except BaseException:
                show_logs()
                raise
            finally:
                compose("down", "--volumes", "--timeout", "15", timeout=120, check=False)
            tests_in_container(database_url, redis_url, args.pytest_args)
    FIGURES["total_s"] = round(time.monotonic() - started)
    (STATE / "report.json").write_text(json.dumps(FIGURES, indent=2) + "\n")
    print(json.dumps(FIGURES, indent=2))


def tests_in_container(database_url: str, redis_url: str, pytest_args: list[str]) -> None:
    """The suite in the dev image (the compose backend's), source mounted read-only."""
    command = [
        DOCKER,
        "run",
        "--rm",
        "--network",
        "host",
        "--volume",
        f"{ROOT}:/app:ro",
        "--workdir",
        "/app",
        "--env",
        "ENV_FILE=",
        "--env",
        "DJANGO_SETTINGS_MODULE=config.settings.test",
        "--env",
        f"DATABASE_URL={database_url}",
        "--env",
        f"REDIS_URL={redis_url}",
        # The source is read-only: coverage data goes to the container's /tmp.
        "--env",
        "COVERAGE_FILE=/tmp/.coverage",
        DEV_IMAGE,
        "pytest",
        *pytest_args,
    ]
    timed("tests_in_container_s", run, command, timeout=1200)


if __name__ == "__main__":
    main()
