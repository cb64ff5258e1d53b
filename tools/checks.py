"""Project checks that need Django: migrations up to date, committed API schemas up to date.

    python tools/checks.py            # check; exit 1 and show a diff when something is stale
    python tools/checks.py --write    # regenerate the committed schema files

nox runs it with its own virtualenv. As a git hook (pre-commit, `language: system`) the shell's
`python` may lack Django; then it re-runs itself with nox's virtualenv (dev_virtualenv.py).
"""

import difflib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from dev_virtualenv import ensure_module

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
# (committed file, manage.py command that writes a schema to the path given last)
SCHEMAS = [
    (
        Path("docs/api/openapi.yaml"),
        ["spectacular", "--validate", "--fail-on-warn", "--file"],
    ),
    (
        Path("docs/api/schema.graphql"),
        ["graphql_schema", "--schema", "interfaces.graphql.schema.schema", "--out"],
    ),
]


def manage(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "ENV_FILE": ""}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=APP,
        env=env,
        check=check,
        text=True,
        capture_output=True,
    )


def check_migrations() -> bool:
    result = manage("makemigrations", "--check", "--dry-run", check=False)
    if result.returncode:
        print(result.stdout + result.stderr)
        print("Models changed without a migration: run `python app/manage.py makemigrations`.")
    return result.returncode == 0


def check_schema(committed: Path, command: list[str], write: bool) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / committed.name
        manage(*command, str(fresh))
        # graphql_schema ends without a newline; the end-of-file hook would add one.
        wanted = fresh.read_text().rstrip("\n") + "\n"
    current = committed.read_text() if committed.exists() else ""
    if current == wanted:
        return True
    if write:
        committed.write_text(wanted)
        print(f"wrote {committed.relative_to(ROOT)}")
        return True
    name = str(committed.relative_to(ROOT))
    sys.stdout.writelines(
        difflib.unified_diff(current.splitlines(True), wanted.splitlines(True), name, "live")
    )
    print(f"\n{name} is stale: run `nox -s schemas` and commit it.")
    return False


def main(argv: list[str]) -> int:
    ensure_module("django")
    write = "--write" in argv
    results = [] if write else [check_migrations()]
    results += [check_schema(ROOT / path, command, write) for path, command in SCHEMAS]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
