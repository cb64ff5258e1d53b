"""The ECS Exec wrapper's command line (nox -s ecs_exec -- ...)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "aws"))

import ecs_exec  # noqa: E402


def test_manage_runs_manage_py_in_a_web_task_by_default():
    args = ecs_exec.parse(["prod", "manage", "createsuperuser", "--username", "ada lovelace"])

    assert (args.environment, args.process) == ("prod", "web")
    assert ecs_exec.container_command(args.action, args.arguments) == (
        "python manage.py createsuperuser --username 'ada lovelace'"
    )


def test_shell_opens_bash_in_the_chosen_process():
    args = ecs_exec.parse(["dev", "worker", "shell"])

    assert args.process == "worker"
    assert ecs_exec.container_command(args.action, args.arguments) == "/bin/bash"


def test_manage_without_a_command_is_refused(capsys):
    with pytest.raises(SystemExit):
        ecs_exec.parse(["dev", "manage"])

    assert "manage needs a command" in capsys.readouterr().err
