"""The fault-injection suite (nox -s faults): μblog under production settings, with its own
PostgreSQL, Redis, SMTP server, Celery worker and beat, and gunicorn, all on loopback ports of its
own; each case breaks one of them on purpose and checks what users would see.

    python tools/faults/run.py [--app DIR] [--only CASE ...] [--keep]

``--app`` runs another checkout's ``app/`` folder (to see how a version without the fixes
fares); ``--keep`` leaves the temporary folder with every log. Exits 1 if a case fails, and
stops everything it started in any case. docs/faults.md says what each case proves.
"""

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import psycopg2
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from services import (  # noqa: E402
    PG_PORT,
    REDIS_PORT,
    ROOT,
    SMTP,
    SMTP_PORT,
    WEB_PORT,
    PostgreSQL,
    app_environment,
    app_services,
    children,
    port_is_free,
)

BASE = f"http://127.0.0.1:{WEB_PORT}"
PASSWORD = "fault-suite-password-1"
DATABASE = "ublog"
TIMEOUT = 15  # per HTTP request
SUITE_BUDGET = 600  # seconds; past this everything is stopped and the run fails


class Check(Protocol):
    """Records one expectation of a case: ``check("what", ok, detail)``."""

    def __call__(self, what: str, ok: bool, detail: object = "") -> None: ...


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


class Client:
    """HTTP against gunicorn. Production cookies are Secure, which a client keeps off plain
    HTTP, so the session and CSRF cookies are carried by hand."""

    def __init__(self) -> None:
        self.http = requests.Session()
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(
            method, BASE + path, headers=headers, timeout=TIMEOUT, allow_redirects=False, **kwargs
        )
        for name in ("csrftoken", "sessionid"):
            match = re.search(rf"{name}=([^;]+)", response.headers.get("Set-Cookie", ""))
            if match:
                self.cookies[name] = match.group(1)
        return response

    def web_form(self, path: str, fields: dict[str, str]) -> requests.Response:
        page = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if match is None:
            raise RuntimeError(f"{path} shows no form with a CSRF token")
        token = match.group(1)
        return self.request("POST", path, data={"csrfmiddlewaretoken": token, **fields})

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.request(
            "POST",
            "/graphql/",
            json={"query": query, "variables": variables or {}},
            headers=headers,
        )

    def token(self, email: str) -> str:
        response = self.request("POST", "/api/token/", json={"email": email, "password": PASSWORD})
        response.raise_for_status()
        access: str = response.json()["access"]
        return access


class Suite:
    def __init__(self, tmp: Path, app_dir: Path) -> None:
        self.tmp, self.app_dir = tmp, app_dir
        self.env = app_environment(tmp, DATABASE)
        self.pg = PostgreSQL(tmp)
        self.smtp = SMTP()
        self.services = app_services(tmp, self.env, app_dir)
        # What start() started, each with a stop(), stopped in reverse order.
        self.started: list[Any] = []

    # --- Setting up and tearing down --------------------------------------------------------

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.app_dir,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def start(self) -> None:
        busy = [p for p in (PG_PORT, REDIS_PORT, SMTP_PORT, WEB_PORT) if not port_is_free(p)]
        if busy:
            raise RuntimeError(f"ports already in use: {busy} (another run still going?)")
        self.pg.start()
        self.started.append(self.pg)
        self.pg.create_database(DATABASE)
        self.smtp.start()
        self.started.append(self.smtp)
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.manage("shell", "-c", SEED)
        for name in ("redis", "worker", "beat", "web"):
            self.services[name].start()
            self.started.append(self.services[name])
        self.wait_for_web()
        self.wait_for_worker()

    def stop(self) -> None:
        for service in reversed(self.started):
            try:
                service.stop()
            except Exception:  # keep stopping the others
                traceback.print_exc()

    def wait_for_worker(self, timeout: float = 60) -> None:
        log = self.services["worker"].log_path
        wait_until(lambda: "ready." in log.read_text(errors="replace"), timeout)

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        with (
            psycopg2.connect(
                host="127.0.0.1", port=PG_PORT, user="postgres", dbname=DATABASE
            ) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute(query, params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

    def restart_web(self) -> None:
        self.services["web"].stop()
        self.services["web"].start()
        self.wait_for_web()

    def wait_for_web(self, timeout: float = 120) -> None:
        """gunicorn listens before its workers have imported Django: wait for an answer."""

        def answers() -> bool:
            try:
                return Client().request("GET", "/healthz").status_code == 200
            except requests.RequestException:
                return False

        if not wait_until(answers, timeout, interval=0.5):
            raise TimeoutError("gunicorn never answered /healthz")

    def email_arrives(self, address: str, timeout: float) -> bool:
        return wait_until(lambda: address in self.smtp.inbox.recipients(), timeout)

    def signup_rest(self, client: Client, email: str) -> requests.Response:
        return client.request(
            "POST", "/api/auth/signup/", json={"email": email, "password": PASSWORD}
        )

    # --- The cases ---------------------------------------------------------------------------

    def case_redis_killed(self, check: Check) -> None:
        """Redis killed: pages and APIs keep serving; signups made meanwhile get their email
        once Redis is back, though the web process that took them was restarted."""
        client = Client()
        owner_token = client.token("owner@example.com")
        self.services["redis"].kill()

        answers: dict[str, object] = {
            "web list": client.request("GET", "/mtv/fbv/posts/").status_code,
            "REST list": client.request("GET", "/api/drf/fbv/posts/").status_code,
            "GraphQL list": client.graphql("{ posts { count } }").status_code,
            "REST token": client.request(
                "POST", "/api/token/", json={"email": "owner@example.com", "password": PASSWORD}
            ).status_code,
            "REST anonymous post": client.request(
                "POST", "/api/drf/cbv/posts/", json={"body": "Redis is down"}
            ).status_code,
            "REST member post": client.request(
                "POST",
                "/api/drf/fbv/posts/",
                json={"body": "Still here"},
                headers={"Authorization": f"Bearer {owner_token}"},
            ).status_code,
            "REST signup": self.signup_rest(client, "redis-rest@example.com").status_code,
            "web signup": Client()
            .web_form(
                "/accounts/signup/", {"email": "redis-web@example.com", "password": PASSWORD}
            )
            .status_code,
        }
        graphql = client.graphql(
            'mutation { signUp(email: "redis-graphql@example.com", password: "%s") { ok } }'
            % PASSWORD
        ).json()
        answers["GraphQL signup"] = "ok" if graphql.get("data", {}).get("signUp") else graphql
        check(
            "every request answered normally with Redis down",
            all(status in (200, 201, 202, 302, "ok") for status in answers.values()),
            answers,
        )

        self.restart_web()  # whatever the web process kept in memory is gone
        self.services["redis"].start()
        for email in ("redis-rest", "redis-web", "redis-graphql"):
            check(
                f"{email}@example.com gets its activation email once Redis is back",
                self.email_arrives(f"{email}@example.com", timeout=60),
            )

    def case_smtp_down(self, check: Check) -> None:
        """SMTP down: the email task retries with backoff and delivers once the server is
        back."""
        client = Client()
        self.smtp.stop()
        try:
            status = self.signup_rest(client, "smtp-down@example.com").status_code
            check("signup answers 202 with SMTP down", status == 202, status)
            worker_log = self.services["worker"].log_path
            check(
                "the worker retries the email",
                wait_until(lambda: "Retry in" in worker_log.read_text(errors="replace"), 30),
            )
            time.sleep(2)
        finally:
            self.smtp.start()
        check(
            "the email is delivered once SMTP is back",
            self.email_arrives("smtp-down@example.com", timeout=90),
        )

    def case_postgresql_restart(self, check: Check) -> None:
        """PostgreSQL restarted under load: the app recovers by itself (same worker
        processes), with at most one failed request per worker."""
        web = self.services["web"]
        workers_before = sorted(children(web.pid))
        post_id = self.sql("SELECT id FROM posts_post ORDER BY id LIMIT 1")[0][0]
        paths = ["/api/drf/fbv/posts/", "/mtv/cbv/posts/", f"/api/drf/cbv/posts/{post_id}/"]
        results: list[tuple[float, str, int | str]] = []
        stop = threading.Event()

        def load() -> None:
            client = Client()
            while not stop.is_set():
                path = random.choice(paths)
                status: int | str
                try:
                    status = client.request("GET", path).status_code
                except requests.RequestException as error:
                    status = type(error).__name__
                results.append((time.monotonic(), path, status))

        threads = [threading.Thread(target=load) for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        restarted_at = time.monotonic()
        self.pg.restart()
        back_at = time.monotonic()
        time.sleep(4)
        stop.set()
        for thread in threads:
            thread.join()

        failures = [r for r in results if not (isinstance(r[2], int) and r[2] < 500)]
        late = [r for r in failures if r[0] > back_at + 1]
        check(
            f"at most one failed request per gunicorn worker ({len(workers_before)})",
            len(failures) <= len(workers_before),
            f"{len(results)} requests, {len(failures)} failed: {failures[:5]}; "
            f"restart took {back_at - restarted_at:.1f} s",
        )
        check("no failure once PostgreSQL was back", not late, late[:5])
        check(
            "no process restarted",
            sorted(children(web.pid)) == workers_before,
            (workers_before, sorted(children(web.pid))),
        )
        status = self.signup_rest(Client(), "after-restart@example.com").status_code
        check(
            "the worker recovers too (an email after the restart)",
            status == 202 and self.email_arrives("after-restart@example.com", timeout=60),
        )

    def case_worker_killed(self, check: Check) -> None:
        """A Celery worker process killed (SIGKILL) mid-task: the task runs again."""
        worker = self.services["worker"]
        [child] = children(worker.pid)
        self.smtp.inbox.hold = True
        self.signup_rest(Client(), "killed@example.com")
        check("the task is mid-send", wait_until(lambda: self.smtp.inbox.holding, 30))
        os.kill(child, signal.SIGKILL)
        self.smtp.inbox.holding = False
        check(
            "the task runs again and the email is delivered",
            self.email_arrives("killed@example.com", timeout=60),
            worker.log_tail(5),
        )

    def case_like_delete_race(self, check: Check) -> None:
        """16 clients liking and unliking one post while its owner deletes it, and another
        post nobody deletes: no 500, the delete succeeds, late likes are 404, counts equal
        rows."""
        client = Client()
        owner = client.token("owner@example.com")
        tokens = [client.token(f"liker{number}@example.com") for number in range(16)]
        statuses: list[int | str] = []
        rounds = 3
        for _ in range(rounds):
            doomed = self.create_post(client, owner, "doomed")
            kept = self.create_post(client, owner, "kept")
            stop = threading.Event()

            def like_and_unlike(
                token: str, doomed: int = doomed, kept: int = kept, stop: threading.Event = stop
            ) -> None:
                liker = Client()
                flavour = random.choice(["fbv", "cbv"])
                while not stop.is_set():
                    post_id = random.choice([doomed, kept])
                    method = random.choice(["POST", "DELETE"])
                    path = f"/api/drf/{flavour}/posts/{post_id}/like/"
                    status: int | str
                    try:
                        status = liker.request(
                            method, path, headers={"Authorization": f"Bearer {token}"}
                        ).status_code
                    except requests.RequestException as error:
                        status = type(error).__name__
                    statuses.append(status)

            threads = [threading.Thread(target=like_and_unlike, args=(t,)) for t in tokens]
            for thread in threads:
                thread.start()
            time.sleep(0.7)
            deleted = client.request(
                "DELETE",
                f"/api/drf/cbv/posts/{doomed}/",
                headers={"Authorization": f"Bearer {owner}"},
            ).status_code
            time.sleep(0.5)
            stop.set()
            for thread in threads:
                thread.join()
            check("the owner's delete succeeds (204)", deleted == 204, deleted)
            left = self.sql("SELECT count(*) FROM posts_like WHERE post_id = %s", doomed)[0][0]
            check("no like outlives the deleted post", left == 0, left)
            [(count, rows)] = self.sql(
                "SELECT like_count, (SELECT count(*) FROM posts_like WHERE post_id = %s) "
                "FROM posts_post WHERE id = %s",
                kept,
                kept,
            )
            check("the kept post's like count equals its like rows", count == rows, (count, rows))
        errors = [s for s in statuses if not isinstance(s, int) or s >= 500]
        summary = {s: statuses.count(s) for s in set(statuses)}
        check(f"no 500 in {len(statuses)} likes and unlikes", not errors, summary)
        check("late likes get 404", 404 in statuses, summary)

    def create_post(self, client: Client, token: str, body: str) -> int:
        response = client.request(
            "POST",
            "/api/drf/fbv/posts/",
            json={"body": body},
            headers={"Authorization": f"Bearer {token}"},
        )
        response.raise_for_status()
        post_id: int = response.json()["id"]
        return post_id


SEED = f"""
from domain.accounts.models import User
from domain.posts.models import Post
owner = User.objects.create_user("owner@example.com", {PASSWORD!r}, is_active=True)
for number in range(16):
    User.objects.create_user(f"liker{{number}}@example.com", {PASSWORD!r}, is_active=True)
Post.objects.create(author=owner, body="The first post")
"""

CASES = {
    "redis": Suite.case_redis_killed,
    "smtp": Suite.case_smtp_down,
    "postgresql": Suite.case_postgresql_restart,
    "worker": Suite.case_worker_killed,
    "likes": Suite.case_like_delete_race,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "app")
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), default=list(CASES))
    parser.add_argument("--keep", action="store_true", help="keep the logs folder")
    options = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ublog-faults-"))
    tmp.chmod(0o755)  # the postgres user must reach its data folder inside
    suite = Suite(tmp, options.app.resolve())
    failed: list[str] = []
    table: list[tuple[str, bool, float]] = []
    began = time.monotonic()

    def out_of_time() -> None:  # a hung case must not hang CI: stop everything and fail
        print(f"\nFAILED: the suite ran past its {SUITE_BUDGET} s budget", flush=True)
        suite.stop()
        os._exit(2)

    watchdog = threading.Timer(SUITE_BUDGET, out_of_time)
    watchdog.daemon = True
    watchdog.start()
    try:
        suite.start()
        for name in options.only:
            case = CASES[name]
            print(f"\n=== {name}: {(case.__doc__ or name).split(':')[0].strip()}", flush=True)
            started = time.monotonic()

            def check(what: str, ok: bool, detail: object = "") -> None:
                print(
                    f"  {'PASS' if ok else 'FAIL'}  {what}" + (f"  [{detail}]" if detail else "")
                )
                if not ok:
                    failed.append(f"{name}: {what}")

            before = len(failed)
            try:
                case(suite, check)
            except Exception:
                traceback.print_exc()
                failed.append(f"{name}: raised")
            table.append((name, len(failed) == before, time.monotonic() - started))
    finally:
        watchdog.cancel()
        suite.stop()
        if failed:
            for service in suite.services.values():
                print(f"\n--- {service.name} log (last lines)\n{service.log_tail()}")
        if options.keep or failed:
            print(f"\nlogs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print("\ncase        result  seconds")
    for name, ok, seconds in table:
        print(f"{name:<11} {'pass' if ok else 'FAIL':<7} {seconds:7.1f}")
    print(f"total {time.monotonic() - began:.1f} s; {len(failed)} failed check(s)")
    for failure in failed:
        print(f"  FAILED {failure}")
    return 1 if failed or len(table) < len(options.only) else 0


if __name__ == "__main__":
    sys.exit(main())
