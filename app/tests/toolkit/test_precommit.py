"""pre-commit works with only a package registry and runs the versions poetry.lock pins."""

import re

from tests.helpers import REPO_DIR, yaml_of


def hooks():
    config = yaml_of((REPO_DIR / ".pre-commit-config.yaml").read_text())
    return config["repos"]


def locked_versions():
    pins = re.findall(
        r"^([A-Za-z0-9_.-]+)==([^ ;\n]+)", (REPO_DIR / "requirements_dev.txt").read_text(), re.M
    )
    return {name.lower().replace("_", "-"): version for name, version in pins}


def test_no_hook_is_fetched_from_a_git_host():
    assert {repo["repo"] for repo in hooks()} == {"local"}


def test_hook_tool_versions_are_the_locked_ones():
    locked = locked_versions()
    pinned = [
        dependency
        for repo in hooks()
        for hook in repo["hooks"]
        for dependency in hook.get("additional_dependencies", [])
    ]

    assert pinned
    for dependency in pinned:
        name, _, version = dependency.partition("==")
        assert version, f"{dependency} is not pinned"
        assert locked[name.lower()] == version, f"{dependency} differs from poetry.lock"


def test_requirements_check_and_django_checks_are_hooks():
    ids = {hook["id"] for repo in hooks() for hook in repo["hooks"]}

    assert {"black", "flake8", "requirements-check", "django-checks"} <= ids


def test_mypy_runs_from_the_lint_virtualenv_at_the_locked_versions():
    """mypy cannot be an isolated hook: it imports the project and its libraries. It is a
    system hook, so the mypy that runs is the one `nox -s lint` installed from the lock."""
    (mypy,) = [hook for repo in hooks() for hook in repo["hooks"] if hook["id"] == "mypy"]
    locked = locked_versions()

    assert mypy["language"] == "system" and mypy["entry"] == "python tools/typecheck.py"
    # The whole project, as configured in pyproject.toml, not only the staged files.
    assert mypy["pass_filenames"] is False
    assert {"mypy", "django-stubs", "djangorestframework-stubs"} <= set(locked)
    assert 'session.install("-r", REQUIREMENTS_DEV)' in (REPO_DIR / "noxfile.py").read_text()
