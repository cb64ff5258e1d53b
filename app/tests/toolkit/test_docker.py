"""The Docker files agree with the rest of the project: the compose stack passes only variables
the settings read and .env.example documents, runs the CI files' PostgreSQL and Redis, orders
start-up by health and migration; the dev container and the docs name what exists.

The images are built and run for real by `nox -s docker_real` (tools/docker_real.py); these
tests are the static part, with `docker compose config` and hadolint in `nox -s lint`.
"""

import ast
import json
import re

import pytest
import yaml

from tests.helpers import REPO_DIR, yaml_of

APP_SERVICES = {"migrate", "backend", "celery_default", "beat"}
SERVICES = APP_SERVICES | {"postgres", "redis", "pgadmin", "redis-commander", "maildev"}
# Read by Django itself (manage.py, wsgi.py, celery.py), not by a settings module.
READ_BY_DJANGO = {"DJANGO_SETTINGS_MODULE"}


class ComposeLoader(yaml.SafeLoader):
    """Compose's YAML: `!reset` and `!override` (override files) read as their plain value."""


def plain_value(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    assert isinstance(node, yaml.ScalarNode)
    return loader.construct_scalar(node)


for tag in ("!reset", "!override"):
    ComposeLoader.add_constructor(tag, plain_value)


def compose(name="docker-compose.yml"):
    return yaml.load((REPO_DIR / name).read_text(), Loader=ComposeLoader)


def without_comments(text):
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def interpolated(name):
    return set(re.findall(r"\$\{([A-Z_]+)", without_comments((REPO_DIR / name).read_text())))


def documented():
    return set(re.findall(r"^([A-Z_]+)=", (REPO_DIR / ".env.example").read_text(), re.M))


def read_by_the_app():
    """Variables the settings read (env.X("NAME")), and gunicorn's config (os.environ)."""
    settings = "\n".join(p.read_text() for p in (REPO_DIR / "app/config/settings").glob("*.py"))
    gunicorn = (REPO_DIR / "app/config/gunicorn.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings)) | set(
        re.findall(r"os\.environ\.get\(\s*[\"']([A-Z_]+)", gunicorn)
    )


def image(service):
    return compose()["services"][service]["image"]


def test_the_stack_has_the_usual_services():
    assert set(compose()["services"]) == SERVICES


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.host.yml"])
def test_every_variable_passed_to_the_app_is_documented_and_read(name):
    passed = {
        variable
        for service, spec in compose(name)["services"].items()
        if service in APP_SERVICES
        for variable in spec.get("environment", {})
    }

    assert {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= passed
    assert passed - documented() == set()
    assert passed - read_by_the_app() - READ_BY_DJANGO == set()


def compose_variables_in_the_docs():
    """{variable: default} from docs/docker.md's table of compose variables."""
    text = (REPO_DIR / "docs/docker.md").read_text()
    return dict(re.findall(r"^\| `([A-Z_]+)` \| `([^`]*)` \|", text, re.M))


def test_every_variable_the_compose_file_interpolates_is_documented_with_its_default():
    defaults = re.findall(
        r"\$\{([A-Z_]+):-([^}]*)\}", (REPO_DIR / "docker-compose.yml").read_text()
    )

    assert {"BACKEND_PORT", "POSTGRES_PORT", "BASE_IMAGE"} <= interpolated("docker-compose.yml")
    assert dict(defaults) == compose_variables_in_the_docs()


def ci_service_images():
    jobs = yaml_of((REPO_DIR / ".github/workflows/ci.yml").read_text())["jobs"]
    return {
        service["image"].split(":")[0]: service["image"]
        for spec in jobs.values()
        for service in spec.get("services", {}).values()
    }


@pytest.mark.parametrize("service", ["postgres", "redis"])
def test_postgres_and_redis_are_the_ci_files_versions(service):
    assert image(service) == ci_service_images()[service]


def test_every_image_is_pinned_to_a_release():
    for service, spec in compose()["services"].items():
        if "build" in spec:
            continue
        assert re.fullmatch(r"[\w./-]+:\d+\.\d+(\.\d+)?", spec["image"]), service


def test_the_real_run_uses_the_compose_files_maildev():
    tree = ast.parse((REPO_DIR / "tools/docker_real.py").read_text())
    version = next(
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == "MAILDEV_VERSION"
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )
    lock = json.loads((REPO_DIR / "tools/maildev/package-lock.json").read_text())

    assert image("maildev") == f"maildev/maildev:{version}"
    assert lock["packages"][""]["dependencies"] == {"maildev": version}
    assert lock["packages"]["node_modules/maildev"]["version"] == version


def test_the_app_waits_for_healthy_services_and_a_finished_migration():
    services = compose()["services"]

    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in APP_SERVICES - {"migrate"}:
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}
        for backing in ("postgres", "redis", "maildev"):
            assert depends_on[backing] == {"condition": "service_healthy"}, (name, backing)


def test_long_running_services_have_health_checks_and_data_is_in_named_volumes():
    spec = compose()
    services = spec["services"]

    # maildev's image has its own HEALTHCHECK (maildev 3's bin/healthcheck.js).
    for name in SERVICES - {"migrate", "beat", "maildev"}:
        assert services[name]["healthcheck"]["test"], name
    assert services["beat"]["healthcheck"] == {"disable": True}
    for name, path in [("postgres", "/var/lib/postgresql/data"), ("redis", "/data")]:
        volume = next(v for v in services[name]["volumes"] if v.endswith(f":{path}"))
        assert volume.split(":")[0] in spec["volumes"]


def test_app_services_get_a_grace_period_longer_than_gunicorns_graceful_timeout():
    import config.gunicorn

    for name in APP_SERVICES:
        seconds = int(compose()["services"][name]["stop_grace_period"].rstrip("s"))
        assert config.gunicorn.graceful_timeout < seconds, name


def test_backing_services_listen_on_localhost_only():
    for name, spec in compose()["services"].items():
        for mapping in spec.get("ports", []):
            assert mapping.startswith("127.0.0.1:"), (name, mapping)


def test_pgadmin_has_the_compose_postgres_registered():
    servers = json.loads((REPO_DIR / "docker/pgadmin/servers.json").read_text())["Servers"]
    postgres = compose()["services"]["postgres"]["environment"]

    assert [(s["Host"], s["Port"], s["Username"]) for s in servers.values()] == [
        ("postgres", 5432, postgres["POSTGRES_USER"])
    ]
    assert "./docker/pgadmin/servers.json:/pgadmin4/servers.json:ro" in (
        compose()["services"]["pgadmin"]["volumes"]
    )


# --- the dev container ---------------------------------------------------------------------------


def devcontainer():
    text = (REPO_DIR / ".devcontainer/devcontainer.json").read_text()
    lines = [line for line in text.splitlines() if not line.strip().startswith("//")]
    return json.loads("\n".join(lines))


def published(service):
    """The container ports a compose service publishes."""
    return {int(mapping.rsplit(":", 1)[1]) for mapping in compose()["services"][service]["ports"]}


def test_devcontainer_opens_the_compose_backend():
    config = devcontainer()

    assert config["dockerComposeFile"] == ["../docker-compose.yml"]
    assert config["service"] == "backend"
    assert set(config["runServices"]) <= SERVICES
    assert config["workspaceFolder"] == "/app"
    assert "/app" in {v.split(":")[1] for v in compose()["services"]["backend"]["volumes"]}
    settings = config["customizations"]["vscode"]["settings"]
    assert settings["python.defaultInterpreterPath"] == "/opt/venv/bin/python"


def test_devcontainer_forwards_ports_the_compose_services_publish():
    ports = devcontainer()["forwardPorts"]

    assert 8000 in ports
    for port in ports:
        service, _, number = str(port).rpartition(":")
        assert int(number) in published(service or "backend"), port


def test_devcontainer_has_the_python_black_and_flake8_extensions():
    extensions = devcontainer()["customizations"]["vscode"]["extensions"]

    assert {"ms-python.python", "ms-python.black-formatter", "ms-python.flake8"} <= set(extensions)


# --- the Dockerfile ------------------------------------------------------------------------------


def dockerfile():
    return (REPO_DIR / "Dockerfile").read_text()


def test_dockerfile_builds_with_the_classic_builder_on_the_python_version_files_base():
    text = dockerfile()
    python = (REPO_DIR / ".python-version").read_text().strip()

    assert f"ARG BASE_IMAGE=python:{python}-slim-bookworm\n" in text
    assert "--mount" not in without_comments(text)
    assert not re.search(r"^#\s*syntax\s*=", text, re.M | re.I)


def test_dockerfile_production_is_the_default_stage_and_runs_unprivileged():
    stages = re.findall(r"^FROM \S+ AS (\S+)$", dockerfile(), re.M)
    production = dockerfile().split("AS production")[1]

    assert {"dev", "production"} <= set(stages)
    assert stages[-1] == "production"
    assert re.search(r"^USER 10001:10001$", production, re.M)
    assert re.search(r"^HEALTHCHECK .*/app/docker/healthcheck\.py", production, re.M)
    assert "/healthz" in (REPO_DIR / "docker/healthcheck.py").read_text()


def test_requirements_are_installed_before_the_code_is_copied():
    text = dockerfile()

    assert text.index("requirements.txt") < text.index("COPY app ")
    assert text.index("requirements_dev.txt") < text.index("COPY --chown=ublog:ublog . /app")


@pytest.mark.parametrize(
    "ignored", [".git", ".nox", ".tools", "media", ".env", "**/__pycache__", "node_modules"]
)
def test_dockerignore_keeps_local_state_out_of_the_build_context(ignored):
    assert ignored in (REPO_DIR / ".dockerignore").read_text().splitlines()


# --- sessions, make targets and docs -------------------------------------------------------------

SESSIONS = [
    "docker_build",
    "docker_up",
    "docker_down",
    "docker_logs",
    "docker_shell",
    "docker_manage",
    "docker_test",
    "docker_services",
    "docker_real",
]


def nox_sessions():
    tree = ast.parse((REPO_DIR / "noxfile.py").read_text())
    return {
        node.name: ast.get_docstring(node)
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("nox.session" in ast.unparse(decorator) for decorator in node.decorator_list)
    }


def make_targets():
    return dict(re.findall(r"^([a-z0-9-]+):.*## (.+)$", (REPO_DIR / "Makefile").read_text(), re.M))


def test_docker_sessions_exist_with_a_one_line_docstring():
    sessions = nox_sessions()

    for name in SESSIONS:
        assert sessions[name] and "\n" not in sessions[name], name


def test_docker_make_targets_exist_with_help():
    targets = make_targets()

    for name in SESSIONS[:7] + ["services-up", "services-down"]:
        assert name.replace("_", "-") in targets


def test_sessions_targets_and_services_the_docs_name_exist():
    text = (REPO_DIR / "docs/docker.md").read_text()
    named_sessions = set(re.findall(r"nox -s (\w+)", text))
    named_targets = set(re.findall(r"make ([a-z][a-z0-9-]+)", text))
    named_services = set(re.findall(r"`([a-z_-]+)` service", text))

    assert {"docker_real", "docker_services"} <= named_sessions <= set(nox_sessions())
    assert {"docker-up", "services-up"} <= named_targets <= set(make_targets())
    assert named_services and named_services <= SERVICES
