"""The type checking stays as strict as it is: no new `type: ignore`, none without a reason,
no relaxation of the mypy configuration without a comment saying why."""

import io
import re
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Lower it when an ignore goes; raising it needs a reason in the review.
TYPE_IGNORES = 8

IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<codes>\[[^\]]*\])?")


def mypy_config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]


def checked_files():
    """The Python files mypy checks. Read from the folders, as mypy reads them, not from git:
    the backend image (nox -s docker_test) has no .git."""
    config = mypy_config()
    return python_files(ROOT, config["files"], config.get("exclude", []))


def python_files(root, files, exclude):
    """The ``.py`` files of ``files`` (files and folders under ``root``) that no ``exclude``
    pattern matches, as mypy's `files` and `exclude` settings select them."""
    excluded = [re.compile(pattern) for pattern in exclude]
    found = []
    for entry in files:
        top = root / entry
        for path in [top] if top.is_file() else sorted(top.rglob("*.py")):
            if not any(pattern.search(path.relative_to(root).as_posix()) for pattern in excluded):
                found.append(path)
    return found


def test_the_checked_files_are_mypys_files_less_its_exclusions(tmp_path):
    for name in ("app/views.py", "app/mutants/views.py", "app/notes.txt", "noxfile.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")

    found = python_files(tmp_path, ["app", "noxfile.py"], ["^app/mutants/"])

    assert [path.relative_to(tmp_path).as_posix() for path in found] == [
        "app/views.py",
        "noxfile.py",
    ]


def type_ignores(path):
    """(line number, comment, previous line) of every `type: ignore` comment in ``path``; the
    tokenizer tells comments from strings that merely mention one."""
    source = path.read_text(encoding="utf-8")
    if not IGNORE.search(source):  # most files: no need to tokenize them
        return []
    lines = source.splitlines()
    return [
        (token.start[0], token.string, lines[token.start[0] - 2].strip())
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT and IGNORE.search(token.string)
    ]


def all_type_ignores():
    return {
        f"{path.relative_to(ROOT)}:{line}": (comment, previous)
        for path in checked_files()
        for line, comment, previous in type_ignores(path)
    }


def test_the_number_of_type_ignores_never_grows():
    found = all_type_ignores()

    assert len(found) <= TYPE_IGNORES, f"new `type: ignore` comments: {sorted(found)}"
    assert (
        len(found) == TYPE_IGNORES
    ), f"{TYPE_IGNORES - len(found)} fewer `type: ignore`: lower TYPE_IGNORES to {len(found)}"


def test_every_type_ignore_names_its_error_and_says_why():
    for where, (comment, previous) in all_type_ignores().items():
        match = IGNORE.search(comment)
        assert match is not None and match["codes"], f"{where}: name the error code"
        # The reason is a comment on the line above (the ignore's own line is code).
        assert previous.startswith("#"), f"{where}: say why on the line above"


def test_the_counter_sees_ignores_in_comments_only(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'TEXT = "# type: ignore[misc]"\n# why\nvalue = call()  # type: ignore[no-untyped-call]\n'
    )

    assert type_ignores(sample) == [(3, "# type: ignore[no-untyped-call]", "# why")]


def test_mypy_is_strict_with_the_django_and_drf_plugins():
    config = mypy_config()

    assert config["strict"] is True
    assert set(config["plugins"]) == {"mypy_django_plugin.main", "mypy_drf_plugin.main"}
    assert {"app", "tools", "infra", "noxfile.py"} <= set(config["files"])


def test_every_relaxation_is_per_module_and_commented():
    """Relaxations live in [[tool.mypy.overrides]] only, each under a comment saying why."""
    lines = (ROOT / "pyproject.toml").read_text().splitlines()
    overrides = [number for number, line in enumerate(lines) if line == "[[tool.mypy.overrides]]"]

    assert len(overrides) == len(mypy_config()["overrides"])
    for number in overrides:
        assert lines[number - 1].startswith("#"), f"pyproject.toml:{number + 1}: say why"
    # Globally, nothing strict turns off.
    for option, value in mypy_config().items():
        assert not (option.startswith(("disallow_", "warn_", "check_")) and value is False)
        assert option not in {"ignore_missing_imports", "ignore_errors", "disable_error_code"}
