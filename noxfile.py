"""Every workflow of μblog, defined once. `nox --list` is the menu; CI only calls these sessions.

Sessions install from requirements_dev.txt (exported from poetry.lock), so nox, pre-commit and the
three CI providers run the same versions. uv makes the virtualenvs when it is installed.
"""

import os
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYTHON = (ROOT / ".python-version").read_text().strip()
REQUIREMENTS_DEV = "requirements_dev.txt"

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests"]

# Tests never read a developer's .env: only what the session or CI exports counts.
TEST_ENV = {"ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "config.settings.test"}


def install_dev(session):
    session.install("-r", REQUIREMENTS_DEV)


def manage(session, *args, **kwargs):
    session.run("python", "app/manage.py", *args, **kwargs)


@nox.session(python=PYTHON)
def lint(session):
    """Run every pre-commit hook on all files: hygiene, black, flake8, lock and schema checks."""
    install_dev(session)
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


@nox.session(python=PYTHON)
def format(session):
    """Reformat the code with black."""
    install_dev(session)
    session.run("black", ".")


@nox.session(python=PYTHON)
def tests(session):
    """Run the test suite with 100% line and branch coverage enforced (e2e excluded)."""
    install_dev(session)
    session.run(
        "pytest",
        # The browser tests run in their own session (e2e); without the Playwright plugin no
        # unit test is parametrised by browser.
        "--ignore=app/tests/e2e",
        "-p",
        "no:playwright",
        "--cov",
        "--cov-report=term",
        "--cov-report=xml",
        *session.posargs,
        env=TEST_ENV,
    )
    # GitHub shows coverage on the run's page from this file (act sets it too); GitLab reads the
    # TOTAL line and coverage.xml instead.
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a") as summary:
            session.run("coverage", "report", "--format=markdown", stdout=summary)


@nox.session(python=PYTHON)
def e2e(session):
    """Drive /usr/bin/chromium through the web app and GraphiQL with Playwright."""
    install_dev(session)
    session.run("pytest", "-m", "e2e", "app/tests/e2e", *session.posargs, env=TEST_ENV)


@nox.session(python=False)
def requirements(session):
    """Export requirements.txt and requirements_dev.txt from poetry.lock."""
    session.run("python", "tools/requirements.py", external=True)


@nox.session(python=PYTHON)
def requirements_check(session):
    """Fail when poetry.lock or the exported requirements files are stale."""
    install_dev(session)
    session.run("python", "tools/requirements.py", "--check")


@nox.session(python=PYTHON)
def schemas(session):
    """Export the committed API schemas (OpenAPI, GraphQL SDL) from the live code."""
    install_dev(session)
    session.run("python", "tools/checks.py", "--write")


@nox.session(python=PYTHON)
def api_fuzz(session):
    """Fuzz the REST API with schemathesis against a live server: 0 server errors allowed."""
    install_dev(session)
    # Starts gunicorn on a throwaway SQLite database; options after -- go to `schemathesis run`.
    session.run("python", "tools/api_fuzz/run.py", *session.posargs)


@nox.session(python=PYTHON)
def dev(session):
    """Run μblog at http://127.0.0.1:8000 on the embedded defaults, with demo data."""
    install_dev(session)
    if (ROOT / ".git").exists() and shutil.which("git"):
        session.run("pre-commit", "install", silent=True)
    manage(session, "migrate", "--noinput")
    manage(session, "seed_demo")
    address = session.posargs[0] if session.posargs else "127.0.0.1:8000"
    manage(session, "runserver", address)


@nox.session(python=PYTHON)
def worker(session):
    """Run a Celery worker for the default queue (needs REDIS_URL)."""
    install_dev(session)
    session.run(
        "celery",
        "--workdir",
        "app",
        "-A",
        "config",
        "worker",
        "-Q",
        "default",
        "-l",
        "INFO",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def beat(session):
    """Run Celery beat, which schedules the purge of never-activated accounts (needs REDIS_URL)."""
    install_dev(session)
    session.run(
        "celery", "--workdir", "app", "-A", "config", "beat", "-l", "INFO", *session.posargs
    )


@nox.session(python=PYTHON)
def ci_local(session):
    """Run the three CI pipelines here: GitHub's with act, GitLab's with gitlab-ci-local, Bitbucket's steps in order."""  # noqa: E501
    install_dev(session)
    # gitlab-ci-local (npm) and bb-run (PyPI, Python 3.12+) are pinned in tools/ci_local.py and
    # kept in this session's folder.
    session.env["GITLAB_CI_LOCAL_PREFIX"] = str(Path(session.virtualenv.location) / "node")
    session.env["BB_RUN_PREFIX"] = str(Path(session.virtualenv.location) / "bb-run")
    session.run("python", "tools/ci_local.py", *session.posargs)


@nox.session(python=PYTHON)
def bench(session):
    """Benchmark every list and detail endpoint with wrk at 1k and 100k posts (--quick for CI)."""
    install_dev(session)
    # The bench's own helpers (wrk output, tables) are tested before they report anything.
    session.run("pytest", "-q", "-p", "no:playwright", "tools/bench", env=TEST_ENV)
    # Options after -- go to tools/bench/run.py (--quick, --sizes, --rounds, --duration, --only).
    session.run("python", "tools/bench/run.py", *session.posargs)
