"""Synthesise the CDK app and the cdk8s app once per test session (jsii makes each synth slow)."""

import json
import os
import sys
from pathlib import Path

import pytest

INFRA_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(INFRA_DIR), str(INFRA_DIR / "aws"), str(INFRA_DIR / "k8s")]

ENVIRONMENTS = ["dev", "prod"]
# The prod stack gets a domain (a documentation name) so the HTTPS path is asserted too.
DOMAIN = {
    "prod.domain": "ublog.example.com",
    "prod.hosted_zone_id": "Z0000000000EXAMPLE",
    "prod.hosted_zone_name": "example.com",
}


class Synthesised:
    """A stack's template: its JSON, read once, and aws_cdk.assertions' Template over it."""

    def __init__(self, template):
        self.assertions = template
        self.json = template.to_json()

    def __getattr__(self, name):
        return getattr(self.assertions, name)


@pytest.fixture(scope="session")
def cdk_out(tmp_path_factory):
    """The cloud assembly: the one `nox -s infra` synthesised with the CDK CLI (UBLOG_CDK_OUT,
    with the same context), or a fresh in-process synth when the tests run on their own."""
    if os.environ.get("UBLOG_CDK_OUT"):
        return Path(os.environ["UBLOG_CDK_OUT"])
    import aws_cdk as cdk
    from ublog_infra.config import cdk_json_context

    # infra/aws/app.py, on sys.path; mypy takes `app` for the repository's app/ folder.
    from app import build  # type: ignore[attr-defined]

    app = cdk.App(
        context={**cdk_json_context(), **DOMAIN}, outdir=str(tmp_path_factory.mktemp("cdk.out"))
    )
    build(app)
    return Path(app.synth().directory)


@pytest.fixture(scope="session")
def configs():
    from ublog_infra.config import EnvironmentConfig, cdk_json_context

    context = {**cdk_json_context(), **DOMAIN}
    node = type("Node", (), {"try_get_context": staticmethod(context.get)})
    return {name: EnvironmentConfig.from_context(node, name) for name in ENVIRONMENTS}


@pytest.fixture(scope="session")
def templates(cdk_out):
    from aws_cdk.assertions import Template

    return {
        name: Synthesised(
            Template.from_json(json.loads((cdk_out / f"Ublog-{name}.template.json").read_text()))
        )
        for name in ENVIRONMENTS
    }


@pytest.fixture(scope="session")
def manifests(tmp_path_factory):
    """Every target's Kubernetes objects: {target: [object, ...]}, from the manifests
    `nox -s infra` wrote (UBLOG_K8S_OUT) or from a fresh synth."""
    import yaml
    from main import TARGETS, synth

    if os.environ.get("UBLOG_K8S_OUT"):
        out = Path(os.environ["UBLOG_K8S_OUT"])
    else:
        out = tmp_path_factory.mktemp("k8s")
        synth(out)
    return {
        name: [doc for doc in yaml.safe_load_all((out / name / "ublog.k8s.yaml").read_text())]
        for name in TARGETS
    }
