"""Fuzz the REST API with schemathesis against a live μblog; `nox -s api_fuzz` runs this.

It migrates and seeds a throwaway SQLite database, serves it with gunicorn on a free port,
signs in as the demo user (so operations that need an account are exercised, not just refused),
and runs every schemathesis check against /api/schema/, once per flavour (see RUNS). Any
failure fails the run. tools/api_fuzz/schemathesis.toml and hooks.py say what is configured and
why; docs/api.md has the figures.

    python tools/api_fuzz/run.py [extra schemathesis run options, e.g. --seed 1]
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "app"))
from domain.demo import DEMO_EMAIL, DEMO_PASSWORD  # noqa: E402

# live_ublog is re-exported for tools/lighthouse.py.
from tests.live import live_ublog as live_ublog  # noqa: E402
from tests.live import throwaway_env  # noqa: E402

# Per operation and phase; 20 operations x 100 examples (plus the coverage and stateful
# phases) keep the two runs at about a minute and a half on a laptop.
MAX_EXAMPLES = "100"
# A fixed seed makes every CI run test the same cases, so a red run means the code changed, not
# the dice. Explore beyond it with `nox -s api_fuzz -- --seed $RANDOM`.
DEFAULT_SEED = "20261125"


def server_env(workdir: Path) -> dict[str, str]:
    return throwaway_env(
        workdir,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="false",
        # The fuzzer sends thousands of requests from one address; the limits are tested elsewhere.
        THROTTLE_ANON_POST_CREATE="1000000/min",
        THROTTLE_SIGNUP="1000000/min",
        THROTTLE_TOKEN="1000000/min",
        THROTTLE_RESEND_ACTIVATION="1000000/min",
        # schemathesis sends wrong passwords by the hundred; the lockout is the abuse suite's.
        AXES_FAILURE_LIMIT="1000000",
        JWT_ACCESS_MINUTES="60",
        LOG_LEVEL="ERROR",
    )


def obtain_token(base_url: str) -> str:
    request = urllib.request.Request(
        f"{base_url}/api/token/",
        data=json.dumps({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        token: str = json.load(response)["access"]
        return token


# One run per flavour: both flavours are doors to the same posts, which schemathesis cannot
# know, so a post deleted through /fbv/ would look "lost" to a stateful step through /cbv/.
RUNS = [r"^/api/(drf/fbv/|auth/|token/)", r"^/api/drf/cbv/"]


def fuzz(base_url: str, token: str, workdir: Path, options: list[str]) -> int:
    command: list[str | Path] = [
        BIN / "schemathesis",
        "--config-file",
        HERE / "schemathesis.toml",
        "run",
        f"{base_url}/api/schema/",
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        MAX_EXAMPLES,
        "--workers",
        "1",
        *([] if "--seed" in options else ["--seed", DEFAULT_SEED]),
        *options,
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HERE / "hooks.py")}
    # schemathesis keeps its caches in the working directory: the throwaway one.
    return subprocess.run(command, cwd=workdir, env=env).returncode


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="ublog-api-fuzz-") as tmp:
        workdir = Path(tmp)
        # No request-line limit: the app, not gunicorn's 414, must answer huge URLs.
        unlimited = ["--limit-request-line", "0"]
        with live_ublog(workdir, server_env(workdir), gunicorn_options=unlimited) as base_url:
            token = obtain_token(base_url)
            failed = [
                fuzz(base_url, token, workdir, ["--include-path-regex", paths, *argv])
                for paths in RUNS
            ]
        if any(failed):
            # The server's side of the failures (tracebacks of any 500) is in its log.
            print("".join((workdir / "server.log").read_text().splitlines(True)[-200:]))
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
