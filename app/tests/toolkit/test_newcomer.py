"""The dead ends a newcomer hit on a fresh clone, each pinned by a test: exporting requirements
without a global poetry, beat's schedule file, doubled log lines, the favicon, the licence, a
superuser for /admin/ and the first, long runs that said nothing."""

import fnmatch
import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.staticfiles import finders

from tests.helpers import REPO_DIR


def load_noxfile():
    spec = importlib.util.spec_from_file_location("ublog_noxfile", REPO_DIR / "noxfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeSession:
    """Records what a nox session function asks nox to do, in order."""

    def __init__(self, location, posargs=()):
        self.virtualenv = SimpleNamespace(location=str(location))
        self.posargs = list(posargs)
        self.env = {}
        self.calls = []

    def log(self, message):
        self.calls.append(("log", message))

    def install(self, *args):
        self.calls.append(("install", *args))

    def run(self, *args, **kwargs):
        self.calls.append(("run", *args))


@pytest.fixture(scope="module")
def noxfile():
    return load_noxfile()


def run_session(noxfile, name, tmp_path, posargs=()):
    session = FakeSession(tmp_path, posargs)
    getattr(noxfile, name)(session)
    return session.calls


# --- make requirements / make lock: poetry comes from the lock, not from the machine -----------


@pytest.mark.parametrize("name", ["requirements", "lock"])
def test_requirement_sessions_get_poetry_from_the_lock(noxfile, tmp_path, name):
    calls = run_session(noxfile, name, tmp_path)

    assert calls[0] == (
        "install",
        "-c",
        "requirements_dev.txt",
        "poetry",
        "poetry-plugin-export",
    )
    assert calls[-1] == ("run", "python", "tools/requirements.py")


def test_lock_session_locks_before_it_exports(noxfile, tmp_path):
    calls = run_session(noxfile, "lock", tmp_path, posargs=["--regenerate"])

    assert [call for call in calls if call[0] == "run"] == [
        ("run", "poetry", "lock", "--regenerate"),
        ("run", "python", "tools/requirements.py"),
    ]


def test_export_runs_with_nothing_but_a_virtualenv_made_from_the_lock():
    """What `nox -s requirements` does, with PATH cut down to this virtualenv (made from
    requirements_dev.txt like the session's): no poetry of the machine's can be used."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PATH", "VIRTUAL_ENV", "POETRY_HOME"}
    }
    env["PATH"] = str(Path(sys.executable).parent)

    result = subprocess.run(
        [sys.executable, "tools/requirements.py", "--check"],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_changes_dependencies_through_the_lock_target():
    readme = (REPO_DIR / "README.md").read_text()
    step = next(line for line in readme.splitlines() if line.startswith("| change dependencies"))

    assert "`make lock`" in step
    assert re.search(r"^lock: .*## ", (REPO_DIR / "Makefile").read_text(), re.M)


# --- make beat ----------------------------------------------------------------------------------


def run_django(code, **env):
    """Run ``code`` after ``django.setup()`` in a fresh interpreter, from app/ (where the nox
    sessions run manage.py and celery), on the local settings and no .env or services."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BEAT_SCHEDULE_FILENAME", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update({"ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "config.settings.local", **env})
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=REPO_DIR / "app",
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def schedule_files_in_the_tree():
    """celerybeat-schedule* files in the working tree, skipping the dot folders (.nox's and
    .tools' virtualenvs, .git) and node_modules: tens of thousands of files, none beat's."""
    found = set()
    for folder, subfolders, files in os.walk(REPO_DIR):
        subfolders[:] = [name for name in subfolders if name[0] != "." and name != "node_modules"]
        found |= {Path(folder, name) for name in fnmatch.filter(files, "celerybeat-schedule*")}
    return found


def test_beat_writes_its_schedule_outside_the_working_tree(tmp_path):
    """The scheduler `celery beat` runs, opened from app/ (the beat session's --workdir)."""
    before = schedule_files_in_the_tree()

    result = run_django(
        "from celery.beat import Service\n"
        "from config.celery import app\n"
        "service = Service(app)\n"
        "service.get_scheduler().close()\n"
        "print(service.schedule_filename)",
        TMPDIR=str(tmp_path),
    )

    assert result.stdout.strip() == str(tmp_path / "ublog-celerybeat-schedule")
    assert list(tmp_path.glob("ublog-celerybeat-schedule*"))
    assert schedule_files_in_the_tree() == before


def test_beat_schedule_files_are_ignored_by_git():
    patterns = [
        line.strip()
        for line in (REPO_DIR / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    for name in ("celerybeat-schedule", "celerybeat-schedule.db", "celerybeat-schedule.dat"):
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name


# --- make run: each log line once --------------------------------------------------------------


LOGGERS = ["django.request", "django.utils.autoreload", "django.server", "domain.posts"]


@pytest.mark.parametrize("debug", ["true", "false"])
def test_a_log_record_is_printed_once(debug):
    """As under `make run`: the local settings, DEBUG on (and off), Django's logging set up; one
    record from Django's loggers (runserver's own among them) and one from μblog's."""
    result = run_django(
        "import logging\n"
        f"for name in {LOGGERS!r}: logging.getLogger(name).warning('marker from %s', name)",
        DEBUG=debug,
    )

    assert {name: result.stderr.count(f"marker from {name}\n") for name in LOGGERS} == {
        name: 1 for name in LOGGERS
    }, result.stderr


# --- favicon, robots.txt, licence -------------------------------------------------------------


def test_favicon_is_served_at_the_root(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # ICO header


def test_pages_link_the_svg_favicon(client, db):
    page = client.get("/mtv/fbv/posts/").content.decode()
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert match is not None
    href = match.group(1)

    assert finders.find(href.removeprefix("/static/"))


def test_robots_txt_is_served(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert b"User-agent: *" in b"".join(response.streaming_content)


def test_licence_file_matches_pyproject():
    licence = (REPO_DIR / "LICENSE").read_text()
    declared = tomllib.loads((REPO_DIR / "pyproject.toml").read_text())["project"]["license"]

    assert declared == "MIT"
    assert licence.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in licence


# --- a superuser for /admin/ ---------------------------------------------------------------------


def test_manage_session_runs_any_manage_py_command(noxfile, tmp_path):
    calls = run_session(noxfile, "manage_command", tmp_path, posargs=["createsuperuser"])

    assert calls[-1] == ("run", "python", "app/manage.py", "createsuperuser")


@pytest.mark.parametrize("name", ["dev", "worker", "beat", "manage_command"])
def test_the_sessions_that_run_ublog_for_a_developer_read_the_dotenv(
    noxfile, tmp_path, monkeypatch, name
):
    monkeypatch.delenv("DJANGO_READ_DOT_ENV_FILE", raising=False)
    session = FakeSession(tmp_path)

    getattr(noxfile, name)(session)

    assert session.env["DJANGO_READ_DOT_ENV_FILE"] == "true"


def test_make_superuser_migrates_then_asks_for_the_superuser():
    makefile = (REPO_DIR / "Makefile").read_text()
    match = re.search(r"^superuser: .*## .*\n((?:\t.*\n)+)", makefile, re.M)
    assert match is not None
    recipe = match.group(1)

    assert recipe.split("\n")[:2] == [
        "\t$(NOX) -s manage -- migrate --noinput",
        "\t$(NOX) -s manage -- createsuperuser",
    ]


# --- long first runs say what they do ------------------------------------------------------------


def test_first_install_in_a_session_says_what_it_is_doing_and_later_ones_do_not(noxfile, tmp_path):
    first = FakeSession(tmp_path)
    assert noxfile.install_dev(first) is True
    again = FakeSession(tmp_path)
    assert noxfile.install_dev(again) is False

    assert first.calls[0][0] == "log" and "about a minute" in first.calls[0][1]
    assert [call[0] for call in again.calls] == ["install"]


def test_first_lint_warns_that_pre_commit_builds_its_environments(noxfile, tmp_path):
    first = run_session(noxfile, "lint", tmp_path)
    again = run_session(noxfile, "lint", tmp_path)

    assert any("pre-commit builds" in call[1] for call in first if call[0] == "log")
    assert not any(call[0] == "log" for call in again)


def test_makefile_bootstrap_says_what_it_is_doing():
    makefile = (REPO_DIR / "Makefile").read_text()
    match = re.search(r"^\$\(NOX\): .*\n((?:\t.*\n)+)", makefile, re.M)
    assert match is not None
    recipe = match.group(1)

    assert recipe.startswith("\t@echo ") and "about a minute" in recipe.split("\n")[0]
