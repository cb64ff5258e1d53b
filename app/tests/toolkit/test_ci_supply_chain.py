"""The GitHub workflows' supply chain (zizmor checks the same in `nox -s lint`): every action
pinned to a full commit SHA with its tag beside it, no persisted checkout credentials, and
read-only permissions granted per job."""

import re

from tests.helpers import REPO_DIR, yaml_of

WORKFLOW = REPO_DIR / ".github/workflows/ci.yml"
PINNED = re.compile(r"\s*- uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+")


def jobs():
    return yaml_of(WORKFLOW.read_text())["jobs"]


def test_every_action_is_pinned_to_a_commit_sha_with_its_version():
    lines = [
        line
        for workflow in WORKFLOW.parent.glob("*.yml")
        for line in workflow.read_text().splitlines()
        if "uses:" in line
    ]

    assert lines
    assert [line for line in lines if not PINNED.fullmatch(line)] == []


def test_checkout_never_persists_credentials():
    checkouts = [
        step
        for job in jobs().values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/checkout@")
    ]

    assert len(checkouts) == len(jobs())
    assert all(step["with"]["persist-credentials"] is False for step in checkouts)


def test_permissions_are_nothing_by_default_and_read_only_per_job():
    assert yaml_of(WORKFLOW.read_text())["permissions"] == {}
    assert {name: job["permissions"] for name, job in jobs().items()} == {
        name: {"contents": "read"} for name in jobs()
    }
