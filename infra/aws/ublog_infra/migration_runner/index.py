"""Run the migrate task definition once and fail unless its container exits with 0.

A CDK Trigger invokes this during `cdk deploy`, after the database and the new task definitions
exist and before the services switch to the new revision: the services depend on the trigger,
so a failed migration fails the deployment and the running tasks keep serving.
"""

import os
from typing import Any

# 80 polls 10 s apart: the Lambda's own 14-minute timeout ends the wait first.
WAITER = {"Delay": 10, "MaxAttempts": 80}


# ``ecs`` is a boto3 ECS client (boto3 ships no types; the Lambda runtime provides it).
def handler(event: dict[str, Any], context: Any, ecs: Any = None) -> dict[str, str]:
    if ecs is None:  # pragma: no cover - the Lambda runtime's boto3; tests pass their client
        import boto3

        ecs = boto3.client("ecs")
    cluster = os.environ["CLUSTER"]
    started = ecs.run_task(
        cluster=cluster,
        taskDefinition=os.environ["TASK_DEFINITION"],
        launchType="FARGATE",
        count=1,
        startedBy="ublog-migrate",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": os.environ["SUBNETS"].split(","),
                "securityGroups": [os.environ["SECURITY_GROUP"]],
                "assignPublicIp": "DISABLED",
            }
        },
    )
    if started["failures"] or not started["tasks"]:
        raise RuntimeError(f"the migrate task did not start: {started['failures']}")
    task_arn = started["tasks"][0]["taskArn"]
    print(f"migrate task {task_arn} started")
    ecs.get_waiter("tasks_stopped").wait(cluster=cluster, tasks=[task_arn], WaiterConfig=WAITER)
    task = ecs.describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"][0]
    container = next(c for c in task["containers"] if c["name"] == os.environ["CONTAINER"])
    if container.get("exitCode") != 0:
        raise RuntimeError(
            f"migrate exited with {container.get('exitCode')}: "
            f"{task.get('stoppedReason', '')} {container.get('reason', '')}".strip()
        )
    print(f"migrate task {task_arn} succeeded")
    return {"taskArn": task_arn}
