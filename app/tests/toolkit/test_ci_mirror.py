"""GitHub Actions, GitLab CI and Bitbucket Pipelines run one pipeline, not three.

Each file is read into the same shape (job name -> nox sessions, service containers, commands)
and the shapes are compared, so a session, an image or a Python version changed in one file only
fails here. Running the files for real is `nox -s ci_local`'s job, not the unit suite's: their jobs
call nox and pytest themselves (docs/ci.md).
"""

import ast
import importlib.util
import re
import shlex
from typing import Any

import pytest

from tests.helpers import REPO_DIR, yaml_of

PYTHON_VERSION = (REPO_DIR / ".python-version").read_text().strip()
BOOTSTRAP = "make .tools/bin/nox"
NOX = ".tools/bin/nox"
# The only commands a job may run besides nox: provider plumbing that nox cannot do for it.
PLUMBING = [
    r"command -v chromium >/dev/null \|\| \(apt-get update && apt-get install -y chromium\)",
    r'export (DATABASE_URL|REDIS_URL)="\$\{\1:-[a-z]+://[^"]+\}"',
    # Deploy jobs outside GitHub: Node for the CDK CLI and the Docker CLI (GitLab's dind).
    r"command -v npm >/dev/null \|\| \(apt-get update && apt-get install -y nodejs npm"
    r"( docker\.io)?\)",
]
DEPLOY_STAGE = "deploy"
GITLAB_KEYWORDS = {"default", "variables", "stages", "workflow", "include", "image", "cache"}


def load(name, root=REPO_DIR):
    return yaml_of((root / name).read_text())


def sessions_of(commands):
    """The nox sessions that a job's commands run, in order."""
    sessions = []
    for command in commands:
        words = shlex.split(command)
        if words[:2] == [NOX, "-s"]:
            # Arguments after `--` go to the session, e.g. `nox -s deploy -- dev`.
            rest = words[2:]
            sessions += rest[: rest.index("--")] if "--" in rest else rest
    return tuple(sessions)


def job(commands, services):
    return {"commands": commands, "sessions": sessions_of(commands), "services": services}


def github_jobs(root=REPO_DIR):
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


def gitlab_specs(pipeline, deploy=False):
    """The check jobs (or the deploy jobs) of a GitLab pipeline: every top-level key but
    keywords and hidden templates."""
    return {
        name: spec
        for name, spec in pipeline.items()
        if name not in GITLAB_KEYWORDS
        and not name.startswith(".")
        and (spec.get("stage") == DEPLOY_STAGE) is deploy
    }


def gitlab_jobs(root=REPO_DIR, deploy=False):
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
        for name, spec in gitlab_specs(pipeline, deploy).items()
    }


def bitbucket_steps(pipeline):
    """The steps of the default pipeline, with parallel groups flattened."""
    return [
        entry["step"]
        for item in pipeline["pipelines"]["default"]
        for entry in item.get("parallel", [item])
    ]


def bitbucket_jobs(root=REPO_DIR):
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


# --- Deployment: a manual job per provider, outside the check pipeline (docs/deploy.md) --------
def github_deploy_jobs(root=REPO_DIR):
    workflow = load(".github/workflows/deploy.yml", root)
    return {
        name: job([step["run"] for step in spec["steps"] if "run" in step], {})
        for name, spec in workflow["jobs"].items()
    }


def gitlab_deploy_jobs(root=REPO_DIR):
    return {name: {**spec, "services": {}} for name, spec in gitlab_jobs(root, True).items()}


def bitbucket_deploy_steps(pipeline):
    """The steps of the custom (run by hand) pipelines: {pipeline name: step}."""
    return {
        name: entry["step"]
        for name, items in pipeline["pipelines"].get("custom", {}).items()
        for entry in items
    }


def bitbucket_deploy_jobs(root=REPO_DIR):
    jobs: dict[str, Any] = {}
    for step in bitbucket_deploy_steps(load("bitbucket-pipelines.yml", root)).values():
        spec = job(step["script"], {})
        assert jobs.setdefault(step["name"], spec) == spec, "deploy steps differ"
    return jobs


DEPLOY_PROVIDERS = {
    "github": github_deploy_jobs,
    "gitlab": gitlab_deploy_jobs,
    "bitbucket": bitbucket_deploy_jobs,
}


def shape(provider, field):
    return {name: spec[field] for name, spec in PROVIDERS[provider]().items()}


def noxfile_sessions():
    tree = ast.parse((REPO_DIR / "noxfile.py").read_text())
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


@pytest.mark.parametrize("readers", [PROVIDERS, DEPLOY_PROVIDERS], ids=["check", "deploy"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_jobs_only_bootstrap_nox_and_call_it(readers, provider):
    for name, spec in readers[provider]().items():
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
    images += [
        spec.get("image", gitlab["default"]["image"])
        for spec in gitlab_specs(gitlab, True).values()
    ]
    images += [
        step.get("image", bitbucket["image"])
        for step in bitbucket_deploy_steps(bitbucket).values()
    ]

    assert len(images) == 11
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
    text = (REPO_DIR / name).read_text()
    assert edit[0] in text
    copy.write_text(text.replace(edit[0], edit[1]))

    assert read(tmp_path) != read(REPO_DIR)


def test_sessions_are_read_from_nox_calls_only():
    commands = [BOOTSTRAP, "echo nox -s fake", f"{NOX} -s lint requirements_check"]

    assert sessions_of(commands) == ("lint", "requirements_check")


def test_gitlab_coverage_regex_reads_the_total_of_coverage_py_report():
    pattern = load(".gitlab-ci.yml")["tests"]["coverage"].strip("/")
    report = (
        "Name    Stmts   Miss Branch BrPart  Cover\nTOTAL    2244    295    248     33    85%\n"
    )

    match = re.search(pattern, report, re.M)

    assert match is not None and match.group(1) == "85"


def test_gitlab_shows_the_cobertura_report_the_tests_session_writes():
    artifacts = load(".gitlab-ci.yml")["tests"]["artifacts"]

    assert artifacts["reports"]["coverage_report"] == {
        "coverage_format": "cobertura",
        "path": "coverage.xml",
    }
    assert "--cov-report=xml" in (REPO_DIR / "noxfile.py").read_text()


def test_excerpts_in_the_ci_docs_match_the_files():
    excerpts = re.findall(
        r"```yaml\n# (\S+)\n(.*?)```", (REPO_DIR / "docs/ci.md").read_text(), re.S
    )

    assert len(excerpts) >= 3
    for path, excerpt in excerpts:
        assert excerpt in (REPO_DIR / path).read_text(), f"docs/ci.md's excerpt of {path} is stale"


@pytest.mark.parametrize("provider", ["gitlab", "bitbucket"])
def test_every_provider_deploys_with_the_same_nox_session(provider):
    deploys = {name: spec["sessions"] for name, spec in DEPLOY_PROVIDERS[provider]().items()}

    assert deploys == {"deploy": ("deploy",)}
    assert deploys == {name: spec["sessions"] for name, spec in github_deploy_jobs().items()}
    assert "deploy" in noxfile_sessions()


def test_deploys_run_only_by_hand_and_gated_by_protected_refs_or_environments():
    github = load(".github/workflows/deploy.yml")
    gitlab = load(".gitlab-ci.yml")
    bitbucket = load("bitbucket-pipelines.yml")

    # GitHub: a manual workflow whose job runs in the chosen (protected) environment.
    # YAML 1.1 reads the key `on` as True.
    assert set(github.get("on", github.get(True))) == {"workflow_dispatch"}
    assert github["jobs"]["deploy"]["environment"] == "${{ inputs.environment }}"
    # GitLab: a manual job, only on protected branches and tags.
    assert gitlab["deploy"]["rules"] == [
        {"if": '$CI_COMMIT_REF_PROTECTED == "true"', "when": "manual"}
    ]
    # Bitbucket: custom pipelines (started by hand), each bound to a deployment environment.
    steps = bitbucket_deploy_steps(bitbucket)
    assert {step["deployment"] for step in steps.values()} == {"dev", "prod"}
    assert all(step["name"] != "deploy" for step in bitbucket_steps(bitbucket))


def test_deploys_authenticate_with_short_lived_oidc_credentials_only():
    github = load(".github/workflows/deploy.yml")["jobs"]["deploy"]
    (aws,) = [s for s in github["steps"] if "configure-aws-credentials" in s.get("uses", "")]
    gitlab = load(".gitlab-ci.yml")["deploy"]
    bitbucket = bitbucket_deploy_steps(load("bitbucket-pipelines.yml"))

    assert github["permissions"]["id-token"] == "write"
    assert set(aws["with"]) == {"role-to-assume", "aws-region"}
    assert gitlab["id_tokens"] == {"AWS_ID_TOKEN": {"aud": "sts.amazonaws.com"}}
    assert all(step["oidc"] is True for step in bitbucket.values())
    for name in (".github/workflows/deploy.yml", ".gitlab-ci.yml", "bitbucket-pipelines.yml"):
        assert "AWS_SECRET_ACCESS_KEY" not in (REPO_DIR / name).read_text()
        assert "aws-access-key-id" not in (REPO_DIR / name).read_text()


def test_ci_local_never_runs_a_deploy_job():
    spec = importlib.util.spec_from_file_location("ci_local", REPO_DIR / "tools/ci_local.py")
    assert spec is not None and spec.loader is not None
    ci_local = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ci_local)
    local = ci_local.without_deploy_jobs(load(".gitlab-ci.yml"))

    assert ci_local.WORKFLOW == ".github/workflows/ci.yml"
    assert set(gitlab_specs(local, deploy=True)) == set()
    assert set(gitlab_specs(local)) == set(gitlab_jobs())
