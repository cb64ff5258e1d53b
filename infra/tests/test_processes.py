"""One list of processes (infra/processes.py) for compose, the image, ECS and Kubernetes.

ECS and Kubernetes build their containers from the list (test_aws.py and test_k8s.py check the
results); here the list is held against what docker-compose.yml and the Dockerfile, written by
hand, run.
"""

import json
import shlex
from pathlib import Path

import processes
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose_services():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def words(command):
    return command if isinstance(command, list) else shlex.split(command)


def environment_names(service):
    environment = service.get("environment", {})
    if isinstance(environment, dict):
        return set(environment)
    return {item.split("=", 1)[0] for item in environment}


def production_cmd():
    """The CMD of the Dockerfile's production stage (the last stage, the image's default)."""
    stage, command = None, None
    for line in (ROOT / "Dockerfile").read_text().replace("\\\n", " ").splitlines():
        keyword, _, rest = line.strip().partition(" ")
        if keyword.upper() == "FROM":
            stage, command = rest.split()[-1].lower(), None
        elif keyword.upper() == "CMD":
            rest = rest.strip()
            command = json.loads(rest) if rest.startswith("[") else shlex.split(rest)
    assert stage == "production", "the production stage must be the Dockerfile's last"
    return command


@pytest.mark.parametrize("process", ["worker", "beat", "migrate"])
def test_compose_runs_the_same_command(process):
    service = compose_services()[processes.COMPOSE_SERVICES[process]]

    assert words(service["command"]) == list(processes.PROCESSES[process].command)


def test_the_web_command_is_the_production_images_default():
    assert production_cmd() == list(processes.WEB.command)


@pytest.mark.parametrize("process", list(processes.PROCESSES))
def test_compose_configures_the_same_services_through_the_same_names(process):
    service = compose_services()[processes.COMPOSE_SERVICES[process]]

    assert set(processes.COMPOSE_SHARED) <= environment_names(service)
    assert set(processes.COMPOSE_SHARED) <= processes.environment_names(
        processes.PROCESSES[process]
    )


def test_every_variable_the_orchestrators_set_is_documented_in_env_example():
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    names = set().union(*map(processes.environment_names, processes.PROCESSES.values()))

    assert names <= documented, sorted(names - documented)
