"""One environment's sizes and names, read from cdk.json's context (`environments.<name>`).

Any key can be overridden on the command line with `-c <environment>.<key>=<value>`, e.g.
`cdk deploy Ublog-prod -c prod.domain=ublog.example.com -c prod.hosted_zone_id=Z0123
-c prod.hosted_zone_name=example.com`.
"""

from dataclasses import dataclass, fields
from typing import Any, Protocol


class ContextNode(Protocol):
    """What reads the CDK context: an app's ``node`` (or the tests' stand-in)."""

    def try_get_context(self, key: str) -> Any: ...


@dataclass(frozen=True)
class EnvironmentConfig:
    name: str
    # Network: NAT gateways for the private subnets' egress (one per AZ for high availability).
    max_azs: int
    nat_gateways: int
    # Web service (gunicorn): Fargate size, task count bounds and scaling targets.
    web_cpu: int
    web_memory: int
    web_min_tasks: int
    web_max_tasks: int
    web_cpu_target: int
    web_requests_per_target: int
    gunicorn_workers: int
    gunicorn_threads: int
    # Celery worker service.
    worker_cpu: int
    worker_memory: int
    worker_min_tasks: int
    worker_max_tasks: int
    worker_cpu_target: int
    # PostgreSQL and Redis.
    db_instance_type: str
    db_allocated_storage: int
    db_multi_az: bool
    db_backup_days: int
    deletion_protection: bool
    redis_node_type: str
    redis_nodes: int
    # CloudWatch Logs retention, in days (a value CloudWatch accepts).
    log_retention_days: int
    # HTTPS: with a domain, an ACM certificate validated in the hosted zone, an alias record and
    # an HTTP->HTTPS redirect; without one, plain HTTP on the load balancer's own name.
    domain: str = ""
    hosted_zone_id: str = ""
    hosted_zone_name: str = ""

    @classmethod
    def from_context(cls, node: ContextNode, name: str) -> "EnvironmentConfig":
        environments = node.try_get_context("environments") or {}
        if name not in environments:
            raise ValueError(f"no environment {name!r} in cdk.json (have {sorted(environments)})")
        values = {"name": name, **environments[name]}
        for field in fields(cls):
            override = node.try_get_context(f"{name}.{field.name}")
            if override is not None:
                values[field.name] = _coerce(field.type, override)
        config = cls(**values)
        if config.domain and not (config.hosted_zone_id and config.hosted_zone_name):
            raise ValueError(f"{name}: a domain needs hosted_zone_id and hosted_zone_name")
        return config


def _coerce(kind: object, value: object) -> object:
    """Context values given with -c arrive as strings."""
    if not isinstance(value, str):
        return value
    if kind in (bool, "bool"):
        return value.lower() in {"1", "true", "yes"}
    if kind in (int, "int"):
        return int(value)
    return value


def cdk_json_context() -> dict[str, Any]:
    """cdk.json's context, as the CDK CLI passes it to the app (the tests build apps with it)."""
    import json
    from pathlib import Path

    context: dict[str, Any] = json.loads((Path(__file__).parents[1] / "cdk.json").read_text())[
        "context"
    ]
    return context
