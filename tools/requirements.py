"""Export requirements*.txt from poetry.lock, or check (--check) that the committed files match.

One script so that nox, pre-commit and CI agree on how the files are made. Hashes are left out:
pip refuses `-c requirements_dev.txt` constraints that carry hashes, and the Makefile bootstrap
needs exactly that; poetry.lock itself keeps every hash.
"""

import difflib
import sys
from pathlib import Path

from cleo.io.inputs.argv_input import ArgvInput
from cleo.io.outputs.buffered_output import BufferedOutput
from poetry.console.application import Application

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "requirements.txt": ["--only", "main"],
    "requirements_dev.txt": ["--with", "dev"],
    # infra/ (AWS CDK, cdk8s, cfn-lint): only the infra sessions install it.
    "requirements_infra.txt": ["--only", "infra"],
}
HEADER = "# Generated from poetry.lock by `nox -s requirements`; do not edit by hand.\n"


def poetry(*args: str) -> str:
    """Run a poetry command in this process and return what it printed: the four commands of a
    check share one import of poetry (a process each spent most of its time importing it)."""
    application = Application()
    application.auto_exits(False)
    output, errors = BufferedOutput(), BufferedOutput()
    command = ArgvInput(["poetry", "--directory", str(ROOT), *args])
    if code := application.run(command, output, errors):
        sys.exit(f"poetry {' '.join(args)} exited {code}:\n{errors.fetch()}{output.fetch()}")
    return output.fetch()


def exported(options: list[str]) -> str:
    return HEADER + poetry("export", "--format", "requirements.txt", "--without-hashes", *options)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    if check:
        poetry("check", "--lock")
    stale = []
    for name, options in TARGETS.items():
        path, wanted = ROOT / name, exported(options)
        current = path.read_text() if path.exists() else ""
        if current == wanted:
            continue
        if check:
            stale.append(name)
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(True), wanted.splitlines(True), name, f"{name} (from lock)"
                )
            )
        else:
            path.write_text(wanted)
            print(f"wrote {name}")
    if stale:
        print(f"\nStale: {', '.join(stale)}. Run `nox -s requirements` and commit the result.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
