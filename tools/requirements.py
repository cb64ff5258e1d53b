"""Export requirements*.txt from poetry.lock, or check (--check) that the committed files match.

One script so that nox, pre-commit and CI agree on how the files are made. Hashes are left out:
pip refuses `-c requirements_dev.txt` constraints that carry hashes, and the Makefile bootstrap
needs exactly that; poetry.lock itself keeps every hash.
"""

import difflib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "requirements.txt": ["--only", "main"],
    "requirements_dev.txt": ["--with", "dev"],
    # infra/ (AWS CDK, cdk8s, cfn-lint): only the infra sessions install it.
    "requirements_infra.txt": ["--only", "infra"],
}
HEADER = "# Generated from poetry.lock by `nox -s requirements`; do not edit by hand.\n"


def poetry(*args: str) -> str:
    return subprocess.run(
        ["poetry", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


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
