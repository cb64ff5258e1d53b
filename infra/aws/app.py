"""The μblog CDK app: one stack per environment in cdk.json (`Ublog-dev`, `Ublog-prod`).

Stacks are environment-agnostic (no account or region lookups), so `cdk synth` works offline;
the account and region come from the credentials at deploy time. Synthesise one environment
with `-c only=dev`.
"""

from typing import Any

import aws_cdk as cdk
from ublog_infra.config import EnvironmentConfig
from ublog_infra.stack import UblogStack


def build(app: cdk.App) -> dict[str, Any]:
    only = app.node.try_get_context("only")
    stacks: dict[str, UblogStack] = {}
    for name in app.node.try_get_context("environments") or {}:
        if only in (None, name):
            config = EnvironmentConfig.from_context(app.node, name)
            stacks[name] = UblogStack(
                app,
                f"Ublog-{name}",
                config=config,
                description=f"μblog, {name} environment (infra/aws)",
                termination_protection=config.deletion_protection,
            )
            cdk.Tags.of(stacks[name]).add("project", "ublog")
            cdk.Tags.of(stacks[name]).add("environment", name)
    return stacks


if __name__ == "__main__":
    app = cdk.App()
    build(app)
    app.synth()
