"""The μblog benchmark; `nox -s bench` runs this (docs/performance.md says how to read it).

For each data size it seeds a PostgreSQL database of its own (dropped and recreated every run),
serves it with the production settings under gunicorn (2 workers) with Redis, and drives every
list and detail endpoint of the five interfaces, anonymous and signed in, plus /healthz as the
ceiling, with wrk on loopback. Rounds interleave the sizes and endpoints; the figures are
medians. It writes results.md, results.json and throughput.png to the results folder.

It measures; it asserts no timing. Only the exit status of the tools it drives can fail it.

    python tools/bench/run.py [--quick] [--sizes 1000,100000] [--rounds 3] [--duration 5]

Environment: BENCH_DATABASE_URL (server and database-name prefix; the bench owns every
database named <prefix>_<size>), BENCH_REDIS_URL (the first of the Redis databases it flushes,
one per size), BENCH_PORT (first of the loopback ports it binds, one per size).
"""

import argparse
import datetime
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import report
import wrk

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
PAGE_SIZE = 20
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ublog_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
LOAD_WARNING_PER_CORE = 0.5
FULL_SIZES, QUICK_SIZES = "1000,100000", "1000,10000"

GRAPHQL_POSTS = (
    "query($page:Int,$search:String,$author:ID){posts(page:$page,search:$search,author:$author)"
    "{count page pages hasNext hasPrev posts{id body image thumbnail author{id displayName} "
    "createdAt updatedAt likeCount liked canEdit}}}"
)
GRAPHQL_POST = (
    "query($id:ID!){post(id:$id){id body image thumbnail author{id displayName} createdAt "
    "updatedAt likeCount liked canEdit}}"
)
INTERFACES = {
    "web-fbv": "/mtv/fbv/posts/",
    "web-cbv": "/mtv/cbv/posts/",
    "drf-fbv": "/api/drf/fbv/posts/",
    "drf-cbv": "/api/drf/cbv/posts/",
    "graphql": "/graphql/",
}
# Served beside the interfaces by the bench's settings (floor/settings.py), in the same processes.
FLOOR_PATHS = dict(zip(report.FLOORS, ("/bench-floor/api/", "/bench-floor/web/"), strict=True))


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def _graphql(query: str, variables: dict[str, Any]) -> str:
    return json.dumps({"query": query, "variables": variables}, separators=(",", ":"))


def plan(facts: dict[str, Any]) -> list[wrk.Endpoint]:
    """Every endpoint the bench drives at one data size, as dicts with a ``key`` that is the same
    at every size (the path is not: the last page and the newest post differ)."""
    last_page = -(-facts["posts"] // PAGE_SIZE)
    lists: dict[str, dict[str, Any]] = {
        "list": {},
        "last page": {"page": last_page},
        "search": {"search": facts["search"]},
        "author": {"author": facts["author_id"]},
    }
    signed_in = {
        "web": {"Cookie": f"sessionid={facts['sessionid']}"},
        "api": {"Authorization": f"Bearer {facts['access']}"},
    }
    endpoints: list[wrk.Endpoint] = [{"key": report.CEILING, "method": "GET", "path": "/healthz"}]
    endpoints += [{"key": key, "method": "GET", "path": path} for key, path in FLOOR_PATHS.items()]
    for interface, prefix in INTERFACES.items():
        for kind, params in lists.items():
            if interface == "graphql":
                endpoint = {
                    "method": "POST",
                    "path": prefix,
                    "body": _graphql(GRAPHQL_POSTS, params),
                }
            else:
                query = "&".join(f"{name}={value}" for name, value in params.items())
                endpoint = {"method": "GET", "path": prefix + (f"?{query}" if query else "")}
            endpoints.append({"key": f"{interface} {kind}", **endpoint})
        if interface == "graphql":
            body = _graphql(GRAPHQL_POST, {"id": str(facts["newest_post_id"])})
            endpoints.append(
                {"key": f"{interface} detail", "method": "POST", "path": prefix, "body": body}
            )
        else:
            path = f"{prefix}{facts['newest_post_id']}/"
            endpoints.append({"key": f"{interface} detail", "method": "GET", "path": path})
    # Signed in: the first page and the detail, as the bench user who likes every third post.
    for endpoint in list(endpoints):
        interface, _, kind = endpoint["key"].partition(" ")
        if kind in ("list", "detail"):
            headers = signed_in["web" if interface.startswith("web") else "api"]
            endpoints.append(
                {**endpoint, "key": endpoint["key"] + " (signed in)", "headers": headers}
            )
    return endpoints


def database_url(base: str, size: int) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path}_{size_label(size)}"))


def recreate_database(url: str) -> None:
    """Drop and create the database ``url`` names, through the server's ``postgres`` database."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def server_env(workdir: Path, database: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ENV_FILE": "",
        # The production settings, with the floor endpoints in front of μblog's URLs.
        "DJANGO_SETTINGS_MODULE": "floor.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
        # A throwaway key: production settings refuse to start without a real one.
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        # Loopback HTTP: no TLS redirect, as behind a load balancer that terminates TLS.
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "EMAIL_URL": "dummymail://",
        "JWT_ACCESS_MINUTES": "600",
        "LOG_LEVEL": "WARNING",
    }


def redis_url_for(base: str, offset: int) -> str:
    """One Redis database per data size (``base``'s number plus ``offset``): servers of two
    sizes must not share cached counts or sessions."""
    parts = urlsplit(base)
    number = int(parts.path.lstrip("/") or 0) + offset
    return urlunsplit(parts._replace(path=f"/{number}"))


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def in_app(app_dir: Path, env: dict[str, str], *args: str | Path, timeout: float = 900) -> str:
    completed = subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if completed.returncode:
        sys.exit(f"{' '.join(map(str, args))} failed in {app_dir}:\n{completed.stderr}")
    return completed.stdout


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def warm_up(url: str, endpoints: list[wrk.Endpoint], times: int = 5) -> None:
    """A few requests per endpoint so that every worker has its templates and connections."""
    for endpoint in endpoints:
        for _ in range(times):
            request = urllib.request.Request(
                url + endpoint["path"],
                data=endpoint["body"].encode() if endpoint["method"] == "POST" else None,
                headers={"Content-Type": "application/json", **endpoint.get("headers", {})},
                method=endpoint["method"],
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.node()}, {model}, {os.cpu_count()} logical CPUs, {platform.platform()}, "
        f"Python {platform.python_version()}"
    )


def load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one short round (CI)")
    parser.add_argument(
        "--sizes", help=f"posts per database, comma-separated ({FULL_SIZES}; quick {QUICK_SIZES})"
    )
    parser.add_argument("--rounds", type=int, help="interleaved rounds (3; quick 1)")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (5; quick 1)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--only", help="drive only endpoints whose key contains this text")
    parser.add_argument("--app-dir", type=Path, default=ROOT / "app", help="the μblog to measure")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results")
    options = parser.parse_args(argv)
    default_sizes = QUICK_SIZES if options.quick else FULL_SIZES
    options.sizes = [int(s) for s in (options.sizes or default_sizes).split(",")]
    options.rounds = options.rounds or (1 if options.quick else 3)
    options.duration = options.duration or (1 if options.quick else 5)
    return options


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str


def start_server(
    options: argparse.Namespace, env: dict[str, str], label: str, workdir: Path, port: int
) -> tuple[Server, list[wrk.Endpoint], dict[str, dict[str, Any]]]:
    """Seed the database of one size, probe it in-process, serve it with gunicorn."""
    size = int(env["BENCH_SIZE"])
    print(f"[{label}] seeding {env['DATABASE_URL']} with {size:,} posts", flush=True)
    recreate_database(env["DATABASE_URL"])
    in_app(options.app_dir, env, "manage.py", "migrate", "--noinput", "-v0")
    facts = json.loads(in_app(options.app_dir, env, str(HERE / "inprocess.py"), "seed", str(size)))
    print(f"[{label}] {facts['posts']:,} posts, {facts['likes']:,} likes", flush=True)
    if not (workdir / "static").exists():
        in_app(options.app_dir, env, "manage.py", "collectstatic", "--noinput", "-v0")
    endpoints = [
        endpoint
        for endpoint in plan(facts)
        if not options.only
        or options.only in endpoint["key"]
        or endpoint["key"] in report.REFERENCES
    ]
    plan_file = workdir / f"plan-{label}.json"
    plan_file.write_text(json.dumps(endpoints))
    repeat = "3" if options.quick else "20"
    probe = in_app(options.app_dir, env, str(HERE / "inprocess.py"), "probe", plan_file, repeat)
    probes: dict[str, dict[str, Any]] = json.loads(probe)
    broken = {
        key: figures["status"] for key, figures in probes.items() if figures["status"] != 200
    }
    if broken:
        sys.exit(f"[{label}] endpoints that do not answer 200: {broken}")
    url = f"http://127.0.0.1:{port}"
    bind = url.removeprefix("http://")
    with (workdir / f"gunicorn-{label}.log").open("w") as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", "config.wsgi", "--bind", bind, "--workers", str(options.workers)],
            cwd=options.app_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    wait_until_up(url)
    warm_up(url, endpoints)
    return Server(server, url), endpoints, probes


def drive(
    options: argparse.Namespace,
    servers: dict[str, Server],
    plans: dict[str, list[wrk.Endpoint]],
    workdir: Path,
) -> list[dict[str, Any]]:
    """Rounds of wrk runs, interleaving endpoints and sizes so that a passing disturbance on the
    machine spreads over all of them instead of spoiling one."""
    samples: list[dict[str, Any]] = []
    labels = list(plans)
    for round_number in range(options.rounds):
        for index in range(len(plans[labels[0]])):
            for label in labels:
                endpoint = plans[label][index]
                script = wrk.lua_script(endpoint)
                script_path = None
                if script:
                    script_path = workdir / "request.lua"
                    script_path.write_text(script)
                args = wrk.command(
                    servers[label].url,
                    endpoint,
                    threads=options.threads,
                    connections=options.connections,
                    duration=options.duration,
                    script_path=script_path,
                )
                figures = wrk.run(args, timeout=options.duration + 60)
                samples.append(
                    {"key": endpoint["key"], "size": label, "round": round_number, **figures}
                )
                print(
                    f"round {round_number + 1} {label:>5} {endpoint['key']:<30} "
                    f"{figures['rps']:>8.0f} req/s  p50 {report.number(figures['p50_ms'], 2)} ms"
                    f"  p99 {report.number(figures['p99_ms'], 2)} ms  errors {figures['errors']}",
                    flush=True,
                )
    return samples


def stop_cleanly_on_sigterm() -> None:
    """A SIGTERM (a CI timeout, ``kill``) ends the run through its ``finally``: the gunicorn
    servers it started stop with it instead of serving on, orphaned."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def main(argv: list[str]) -> int:
    options = arguments(argv)
    stop_cleanly_on_sigterm()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian/Ubuntu: apt install wrk; macOS: brew install wrk)")
    base_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    first_port = int(os.environ.get("BENCH_PORT", "8700"))
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()
    if load_before[0] > LOAD_WARNING_PER_CORE * cores:
        print(f"WARNING: load average {load()} on {cores} CPUs: the figures will be noisy.")
    labels = [size_label(size) for size in options.sizes]
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    servers: dict[str, Server] = {}
    plans: dict[str, list[wrk.Endpoint]] = {}
    probes: dict[str, dict[str, dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="ublog-bench-") as tmp:
        workdir = Path(tmp)
        try:
            for offset, (size, label) in enumerate(zip(options.sizes, labels)):
                size_redis_url = redis_url_for(redis_url, offset)
                flush_redis(size_redis_url)
                env = server_env(workdir, database_url(base_url, size), size_redis_url)
                env["BENCH_SIZE"] = str(size)
                servers[label], plans[label], probes[label] = start_server(
                    options, env, label, workdir, first_port + offset
                )
            samples = drive(options, servers, plans, workdir)
        finally:
            for server in servers.values():
                server.process.terminate()
                server.process.wait(timeout=30)
    load_after = os.getloadavg()
    meta = {
        "mode": "quick" if options.quick else "full",
        "started": started,
        "machine": machine(),
        "app_dir": str(options.app_dir),
        "load_before": ", ".join(f"{v:.2f}" for v in load_before),
        "load_after": ", ".join(f"{v:.2f}" for v in load_after),
        "load_warning": max(load_before[0], load_after[0]) > LOAD_WARNING_PER_CORE * cores,
        "wrk": f"-t{options.threads} -c{options.connections}, gunicorn {options.workers} workers",
        "rounds": options.rounds,
        "duration": options.duration,
        "sizes": labels,
    }
    write_results(options.out, samples, probes, labels, meta)
    return 0


def write_results(
    out: Path,
    samples: list[dict[str, Any]],
    probes: dict[str, dict[str, dict[str, Any]]],
    labels: list[str],
    meta: dict[str, Any],
) -> None:
    summary = report.summarise(samples, probes)
    out.mkdir(parents=True, exist_ok=True)
    table = report.markdown(summary, labels, meta)
    (out / "results.md").write_text(table)
    everything = {"meta": meta, "summary": summary, "samples": samples, "probes": probes}
    (out / "results.json").write_text(json.dumps(everything, indent=2))
    title = f"μblog bench, {meta['mode']}, {meta['started']}"
    report.plot(summary, labels, out / "throughput.png", title)
    print(table)
    if meta["load_warning"]:
        print(f"WARNING: load average was high ({meta['load_before']} → {meta['load_after']}).")
    print(f"Results in {out}/ (results.md, results.json, throughput.png)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
