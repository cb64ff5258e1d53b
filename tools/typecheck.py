"""mypy over the whole project, as `[tool.mypy]` in pyproject.toml configures it (the pre-commit
hook `mypy`): the mypy and stubs of requirements_dev.txt, from nox's virtualenv.

    python tools/typecheck.py [mypy options]
"""

import subprocess
import sys

from dev_virtualenv import ROOT, ensure_module


def main(argv: list[str]) -> int:
    ensure_module("mypy")
    return subprocess.run([sys.executable, "-m", "mypy", *argv], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
