"""The migration runner the deploy's Trigger invokes: a failed migration fails the deploy."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "aws/ublog_infra/migration_runner"))

import index  # noqa: E402

ENVIRONMENT = {
    "CLUSTER": "arn:aws:ecs:eu-west-1:123456789012:cluster/ublog",
    "TASK_DEFINITION": "arn:aws:ecs:eu-west-1:123456789012:task-definition/migrate:7",
    "CONTAINER": "migrate",
    "SUBNETS": "subnet-a,subnet-b",
    "SECURITY_GROUP": "sg-app",
}
TASK = "arn:aws:ecs:eu-west-1:123456789012:task/ublog/abc"


class RecordingEcs:
    """Answers the three ECS calls the runner makes, as the ECS API documents them."""

    def __init__(self, exit_code=0, failures=()):
        self.exit_code, self.failures, self.calls = exit_code, list(failures), []

    def run_task(self, **kwargs):
        self.calls.append(("run_task", kwargs))
        tasks = [] if self.failures else [{"taskArn": TASK}]
        return {"tasks": tasks, "failures": self.failures}

    def get_waiter(self, name):
        self.calls.append(("get_waiter", name))
        return self

    def wait(self, **kwargs):
        self.calls.append(("wait", kwargs))

    def describe_tasks(self, **kwargs):
        self.calls.append(("describe_tasks", kwargs))
        container = {"name": "migrate", "exitCode": self.exit_code, "reason": ""}
        return {"tasks": [{"containers": [container], "stoppedReason": "Essential container"}]}


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)


def test_runs_the_task_in_the_private_subnets_and_waits_for_it_to_stop():
    ecs = RecordingEcs()

    assert index.handler({}, None, ecs=ecs) == {"taskArn": TASK}
    (_, run), (_, waiter), (_, wait), _ = ecs.calls
    assert run["taskDefinition"] == ENVIRONMENT["TASK_DEFINITION"]
    assert run["networkConfiguration"]["awsvpcConfiguration"] == {
        "subnets": ["subnet-a", "subnet-b"],
        "securityGroups": ["sg-app"],
        "assignPublicIp": "DISABLED",
    }
    assert waiter == "tasks_stopped"
    assert wait["tasks"] == [TASK]


def test_a_failed_migration_fails_the_deployment():
    with pytest.raises(RuntimeError, match="migrate exited with 1"):
        index.handler({}, None, ecs=RecordingEcs(exit_code=1))


def test_a_task_that_cannot_start_fails_the_deployment():
    with pytest.raises(RuntimeError, match="did not start"):
        index.handler({}, None, ecs=RecordingEcs(failures=[{"reason": "RESOURCE:MEMORY"}]))
