"""What many tests need, defined once: paths of the repository, and (below) small helpers to
speak to each interface. Fixtures that use them are in conftest.py."""

from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
APP_DIR = REPO_DIR / "app"
