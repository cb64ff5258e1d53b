"""Re-run a hook's script with nox's virtualenv when the shell's Python lacks what it needs.

The `language: system` pre-commit hooks (tools/checks.py, tools/typecheck.py) need the project's
libraries. `nox -s lint` runs them inside its virtualenv, where requirements_dev.txt is
installed; as a git hook they run with whatever `python` the shell has, and then re-run
themselves with the virtualenv that `nox -s lint` (or `nox -s dev`) made.
"""

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIRTUALENVS = (".nox/lint", ".nox/dev", ".venv")
# Set on the re-run, so a virtualenv that lacks the module too ends the run instead of a loop.
REEXECUTED = "UBLOG_HOOK_REEXECUTED"


def ensure_module(name: str) -> None:
    """Return when ``name`` can be imported; otherwise re-run this process with the first of
    nox's virtualenvs that exists, or exit saying what to run instead."""
    if importlib.util.find_spec(name) is not None:
        return
    if not os.environ.get(REEXECUTED):
        for venv in VIRTUALENVS:
            python = ROOT / venv / "bin" / "python"
            if python.exists():
                os.environ[REEXECUTED] = "1"
                os.execv(python, [str(python), *sys.argv])
    sys.exit(f"{name} is not installed here: run `nox -s lint` (or `make lint`) instead.")
