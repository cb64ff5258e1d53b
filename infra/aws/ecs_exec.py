"""Run a command in a running μblog task with ECS Exec (docs/deploy.md).

    nox -s ecs_exec -- ENVIRONMENT [web|worker] shell
    nox -s ecs_exec -- ENVIRONMENT [web|worker] manage COMMAND [ARGS...]

e.g. `nox -s ecs_exec -- prod manage createsuperuser`, `nox -s ecs_exec -- dev worker shell`.
The task is the first running one of the service (web by default); the cluster and service
names come from the stack's outputs. Needs the AWS CLI v2 with the Session Manager plugin and
credentials for the environment's account.
"""

import argparse
import json
import shlex
import subprocess
import sys
from typing import Any

SERVICES = {"web": "WebServiceName", "worker": "WorkerServiceName"}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nox -s ecs_exec --", description=__doc__.split("\n")[0])
    parser.add_argument("environment", help="dev, prod... (the stack Ublog-<environment>)")
    parser.add_argument("process", choices=SERVICES, help="web (default) or worker")
    parser.add_argument("action", choices=["shell", "manage"])
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="manage.py's arguments")
    # The process is optional: argparse cannot tell it from the action, so web is filled in.
    if len(argv) > 1 and argv[1] not in SERVICES:
        argv = [argv[0], "web", *argv[1:]]
    args = parser.parse_args(argv)
    if args.action == "manage" and not args.arguments:
        parser.error("manage needs a command, e.g. manage createsuperuser")
    return args


def container_command(action: str, arguments: list[str]) -> str:
    """The command line ECS Exec runs in the container (its working directory is /app/app)."""
    if action == "shell":
        return "/bin/bash"
    return shlex.join(["python", "manage.py", *arguments])


def aws(*args: str) -> Any:
    return json.loads(
        subprocess.run(
            ["aws", *args, "--output", "json"], check=True, capture_output=True, text=True
        ).stdout
    )


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    stack = f"Ublog-{args.environment}"
    outputs = {
        output["OutputKey"]: output["OutputValue"]
        for output in aws(
            "cloudformation",
            "describe-stacks",
            "--stack-name",
            stack,
            "--query",
            "Stacks[0].Outputs",
        )
    }
    cluster, service = outputs["ClusterName"], outputs[SERVICES[args.process]]
    tasks = aws(
        "ecs",
        "list-tasks",
        "--cluster",
        cluster,
        "--service-name",
        service,
        "--desired-status",
        "RUNNING",
        "--query",
        "taskArns",
    )
    if not tasks:
        sys.exit(f"{service} has no running task in {cluster}")
    command = [
        "aws",
        "ecs",
        "execute-command",
        "--cluster",
        cluster,
        "--task",
        tasks[0],
        "--container",
        args.process,
        "--interactive",
        "--command",
        container_command(args.action, args.arguments),
    ]
    print("+", shlex.join(command), flush=True)
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
