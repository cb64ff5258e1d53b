"""GitHub Actions, GitLab CI and Bitbucket Pipelines run one pipeline, not three.

Each file is read into the same shape (job name -> nox sessions, service containers, commands)
and the shapes are compared, so a session, an image or a Python version changed in one file only
fails here. Running the files for real is `nox -s ci_local`'s job, not the unit suite's: their jobs
call nox and pytest themselves (docs/ci.md).
"""

import ast
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PYTHON_VERSION = (ROOT / ".python-version").read_text().strip()
BOOTSTRAP = "make .tools/bin/nox"
NOX = ".tools/bin/nox"
# The only commands a job may run besides nox: provider plumbing that nox cannot do for it.
PLUMBING = [
    r"command -v chromium >/dev/null \|\| \(apt-get update && apt-get install -y chromium\)",
    r'export (DATABASE_URL|REDIS_URL)="\$\{\1:-[a-z]+://[^"]+\}"',
]
GITLAB_KEYWORDS = {"default", "variables", "stages", "workflow", "include", "image", "cache"}


def load(name, root=ROOT):
    return yaml.safe_load((root / name).read_text())


def sessions_of(commands):
    """The nox sessions that a job's commands run, in order."""
    sessions = []
    for command in commands:
        words = shlex.split(command)
        if words[:2] == [NOX, "-s"]:
            sessions += words[2:]
    return tuple(sessions)


def job(commands, services):
    return {"commands": commands, "sessions": sessions_of(commands), "services": services}


def github_jobs(root=ROOT):
    workflow = load(".github/workflows/ci.yml", root)
    return {
        name: job(
            [step["run"] for step in spec["steps"] if "run" in step],
            {
                service["image"]: service.get("env", {})
                for service in spec.get("services", {}).values()
            },
        )
        for name, spec in workflow["jobs"].items()
    }


def gitlab_specs(pipeline):
    """The jobs of a GitLab pipeline: every top-level key but keywords and hidden templates."""
    return {
        name: spec
        for name, spec in pipeline.items()
        if name not in GITLAB_KEYWORDS and not name.startswith(".")
    }


def gitlab_jobs(root=ROOT):
    pipeline = load(".gitlab-ci.yml", root)
    default = pipeline.get("default", {})
    return {
        name: job(
            spec.get("before_script", default.get("before_script", [])) + spec["script"],
            {
                service["name"]: service.get("variables", {})
                for service in spec.get("services", [])
            },
        )
        for name, spec in gitlab_specs(pipeline).items()
    }


def bitbucket_steps(pipeline):
    """The steps of the default pipeline, with parallel groups flattened."""
    return [
        entry["step"]
        for item in pipeline["pipelines"]["default"]
        for entry in item.get("parallel", [item])
    ]


def bitbucket_jobs(root=ROOT):
    pipeline = load("bitbucket-pipelines.yml", root)
    services = pipeline["definitions"]["services"]
    return {
        step["name"]: job(
            step["script"],
            {
                services[name]["image"]: services[name].get("variables", {})
                for name in step.get("services", [])
            },
        )
        for step in bitbucket_steps(pipeline)
    }


PROVIDERS = {"github": github_jobs, "gitlab": gitlab_jobs, "bitbucket": bitbucket_jobs}


def shape(provider, field):
    return {name: spec[field] for name, spec in PROVIDERS[provider]().items()}


def noxfile_sessions():
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("nox.session" in ast.unparse(decorator) for decorator in node.decorator_list)
    }


@pytest.mark.parametrize("provider", ["gitlab", "bitbucket"])
def test_provider_runs_the_same_nox_sessions_in_the_same_jobs_as_github(provider):
    assert shape(provider, "sessions") == shape("github", "sessions")


@pytest.mark.parametrize("provider", ["gitlab", "bitbucket"])
def test_provider_gives_the_same_jobs_the_same_service_containers_as_github(provider):
    assert shape(provider, "services") == shape("github", "services")


def test_pipeline_runs_lint_checks_tests_browser_tests_and_api_fuzzing():
    assert shape("github", "sessions") == {
        "lint": ("lint", "requirements_check", "docs"),
        "tests": ("tests",),
        "e2e": ("e2e",),
        "api-fuzz": ("api_fuzz",),
    }


def test_tests_run_against_postgresql_15_and_redis_7_0():
    images = sorted(shape("github", "services")["tests"])

    assert [image.rsplit(".", 1)[0] for image in images] == ["postgres:15", "redis:7.0"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_service_images_are_pinned_to_a_release(provider):
    images = [image for services in shape(provider, "services").values() for image in services]

    assert images
    for image in images:
        assert re.fullmatch(r"[a-z]+:\d+\.\d+(\.\d+)?", image), f"{image} is not pinned"


def test_every_session_ci_calls_is_defined_in_the_noxfile():
    called = {session for sessions in shape("github", "sessions").values() for session in sessions}

    assert called <= noxfile_sessions()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_jobs_only_bootstrap_nox_and_call_it(provider):
    for name, spec in PROVIDERS[provider]().items():
        commands = spec["commands"]
        assert commands.index(BOOTSTRAP) < len(commands) - 1, f"{name} does not bootstrap nox"
        assert commands[-1].startswith(f"{NOX} -s "), f"{name} does not end by calling nox"
        for command in commands[:-1]:
            assert command == BOOTSTRAP or any(
                re.fullmatch(pattern, command) for pattern in PLUMBING
            ), f"{name} runs logic outside nox: {command}"


def test_github_takes_python_from_the_python_version_file():
    workflow = load(".github/workflows/ci.yml")
    setups = [
        step
        for spec in workflow["jobs"].values()
        for step in spec["steps"]
        if step.get("uses", "").startswith("actions/setup-python@")
    ]

    assert len(setups) == len(workflow["jobs"])
    for step in setups:
        assert step["with"]["python-version-file"] == ".python-version"
        assert "python-version" not in step["with"]


def test_every_gitlab_and_bitbucket_job_runs_in_the_python_version_file_image():
    gitlab, bitbucket = load(".gitlab-ci.yml"), load("bitbucket-pipelines.yml")
    images = [
        spec.get("image", gitlab["default"]["image"]) for spec in gitlab_specs(gitlab).values()
    ]
    images += [step.get("image", bitbucket["image"]) for step in bitbucket_steps(bitbucket)]

    assert len(images) == 8
    assert set(images) == {f"python:{PYTHON_VERSION}-bookworm"}


@pytest.mark.parametrize(
    "name, read, edit",
    [
        (".gitlab-ci.yml", gitlab_jobs, ("nox -s e2e", "nox -s e2e api_fuzz")),
        ("bitbucket-pipelines.yml", bitbucket_jobs, ("image: redis:7.0.15", "image: redis:7.2.4")),
        (".github/workflows/ci.yml", github_jobs, ("POSTGRES_DB: test", "POSTGRES_DB: other")),
    ],
)
def test_an_edit_to_one_file_is_seen_by_its_reader(tmp_path, name, read, edit):
    copy = tmp_path / name
    copy.parent.mkdir(parents=True, exist_ok=True)
    text = (ROOT / name).read_text()
    assert edit[0] in text
    copy.write_text(text.replace(edit[0], edit[1]))

    assert read(tmp_path) != read(ROOT)


def test_sessions_are_read_from_nox_calls_only():
    commands = [BOOTSTRAP, "echo nox -s fake", f"{NOX} -s lint requirements_check"]

    assert sessions_of(commands) == ("lint", "requirements_check")


def test_gitlab_coverage_regex_reads_the_total_of_coverage_py_report():
    pattern = load(".gitlab-ci.yml")["tests"]["coverage"].strip("/")
    report = (
        "Name    Stmts   Miss Branch BrPart  Cover\nTOTAL    2244    295    248     33    85%\n"
    )

    assert re.search(pattern, report, re.M).group(1) == "85"


def test_gitlab_shows_the_cobertura_report_the_tests_session_writes():
    artifacts = load(".gitlab-ci.yml")["tests"]["artifacts"]

    assert artifacts["reports"]["coverage_report"] == {
        "coverage_format": "cobertura",
        "path": "coverage.xml",
    }
    assert "--cov-report=xml" in (ROOT / "noxfile.py").read_text()


def test_excerpts_in_the_ci_docs_match_the_files():
    excerpts = re.findall(r"```yaml\n# (\S+)\n(.*?)```", (ROOT / "docs/ci.md").read_text(), re.S)

    assert len(excerpts) >= 3
    for path, excerpt in excerpts:
        assert excerpt in (ROOT / path).read_text(), f"docs/ci.md's excerpt of {path} is stale"
