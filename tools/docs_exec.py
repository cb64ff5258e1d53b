"""Execute the Debian/Ubuntu setup guide as a newcomer would: `nox -s docs_exec`.

Every shell block of docs/setup/debian.md runs, in order, in a new empty directory, with a clean
environment (a system PATH, no DATABASE_URL or other project variable; only the machine's proxy
and CA bundle settings pass through). The only changes to the
blocks are the substitutions committed in tools/docs_exec.toml, each of which must be used.

How a block runs is written in the guide, on the line before it:

    % exec: run                 run it; a non-zero exit fails the run
    % exec: background <URL>    start it, wait until <URL> answers 200, keep it running while
                                the next blocks run (a server in a second terminal), stop it
                                at the end

A shell block without a marker, a marker without a block, or an unknown mode fails before
anything runs, so no block can be skipped silently. A block's working directory is where the
previous one ended (`cd ublog` carries over).

Usage: python3 tools/docs_exec.py [--guide PATH] [--keep]
"""

import argparse
import getpass
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs/setup/debian.md"
TABLE = ROOT / "tools/docs_exec.toml"
SHELL_LANGUAGES = {"bash", "sh", "shell"}
MARKER = re.compile(r"^% exec: (\S+)(?: (.+))?$")
FENCE = re.compile(r"^(`{3,})(\S*)\s*$")
MODES = {"run": False, "background": True}  # mode: needs an argument
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# How this machine reaches the network (a proxy, the CA bundle it trusts): passed through, since
# they are the machine's setup rather than anything a guide should have to say.
MACHINE_VARIABLES = re.compile(
    r"(?i)^((https?|no|all)_proxy|SSL_CERT_(FILE|DIR)|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|PIP_CERT)$"
)
BLOCK_TIMEOUT = 1800
SERVER_TIMEOUT = 900


class GuideError(Exception):
    """The guide or the table cannot be executed as written."""


@dataclass
class Block:
    line: int
    mode: str
    argument: str
    code: str


def parse_blocks(text: str) -> list[Block]:
    """The guide's shell blocks with their markers, in order; GuideError when one lacks a
    marker, a marker lacks a block, or a mode is unknown."""
    blocks: list[Block] = []
    lines, index = text.splitlines(), 0
    pending: tuple[int, str, str] | None = None  # (line number, mode, argument) of the last marker
    while index < len(lines):
        line = lines[index]
        if marker := MARKER.match(line):
            if pending:
                raise GuideError(
                    f"line {pending[0]}: `% exec:` marker with no shell block after it"
                )
            mode, argument = marker[1], (marker[2] or "").strip()
            if mode not in MODES:
                raise GuideError(f"line {index + 1}: unknown exec mode {mode!r}")
            if MODES[mode] and not argument:
                raise GuideError(f"line {index + 1}: `% exec: {mode}` needs an argument")
            pending = (index + 1, mode, argument)
        elif fence := FENCE.match(line):
            end = next(
                (i for i in range(index + 1, len(lines)) if lines[i].strip() == fence[1]), None
            )
            if end is None:
                raise GuideError(f"line {index + 1}: code block never closed")
            if fence[2] in SHELL_LANGUAGES:
                if not pending:
                    raise GuideError(
                        f"line {index + 1}: shell block without a `% exec:` marker"
                        " (every shell block of this guide runs)"
                    )
                blocks.append(
                    Block(index + 1, pending[1], pending[2], "\n".join(lines[index + 1 : end]))
                )
                pending = None
            elif pending:
                raise GuideError(
                    f"line {pending[0]}: `% exec:` marker before a {fence[2] or 'plain'} block"
                )
            index = end
        elif line.strip() and pending:
            raise GuideError(f"line {pending[0]}: `% exec:` marker with no shell block after it")
        index += 1
    if pending:
        raise GuideError(f"line {pending[0]}: `% exec:` marker with no shell block after it")
    if not blocks:
        raise GuideError("no shell block found")
    return blocks


def read_table(path: Path = TABLE, checkout: Path = ROOT) -> tuple[dict[str, str], dict[str, str]]:
    """(substitutions, environment) from the committed table; `{checkout}` is this clone."""
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    substitutions = {
        old: new.replace("{checkout}", str(checkout))
        for old, new in table.get("substitutions", {}).items()
    }
    return substitutions, {key: str(value) for key, value in table.get("environment", {}).items()}


def substitute(blocks: list[Block], substitutions: dict[str, str]) -> list[Block]:
    """The blocks with the table applied; GuideError when an entry matches nothing (a stale
    table would hide that the guide changed)."""
    used: set[str] = set()
    for block in blocks:
        for old, new in substitutions.items():
            if old in block.code:
                used.add(old)
                block.code = block.code.replace(old, new)
            if old in block.argument:
                used.add(old)
                block.argument = block.argument.replace(old, new)
    if unused := sorted(set(substitutions) - used):
        raise GuideError(f"substitutions matching no block: {unused}")
    return blocks


def clean_environment(
    extra: dict[str, str], inherited: Mapping[str, str] | None = None
) -> dict[str, str]:
    """What a newcomer's fresh login shell has, plus the machine's network settings and the
    table's variables."""
    inherited = os.environ if inherited is None else inherited
    environment = {
        **{name: value for name, value in inherited.items() if MACHINE_VARIABLES.match(name)},
        "HOME": os.environ.get("HOME", "/root"),
        "PATH": SYSTEM_PATH,
        "LANG": "C.UTF-8",
        "USER": getpass.getuser(),
        "TERM": "dumb",
    }
    return {**environment, **extra}


def expand(text: str, environment: dict[str, str]) -> str:
    """`${NAME}` replaced from the blocks' environment (a marker's URL)."""

    def value(match: re.Match[str]) -> str:
        if match[1] not in environment:
            raise GuideError(f"${{{match[1]}}} is not in the environment of the blocks")
        return environment[match[1]]

    return re.sub(r"\$\{(\w+)\}", value, text)


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = SERVER_TIMEOUT) -> bool:
    """Poll url until it answers 200; False when the process ends first or time runs out.
    Between polls it waits on the process, so an exit is seen at once; the pause grows from
    0.05 s (a server up in a moment) to 2 s (one that builds for minutes first)."""
    deadline, pause = time.monotonic() + timeout, 0.05
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        try:
            process.wait(timeout=pause)
        except subprocess.TimeoutExpired:
            pause = min(pause * 2, 2)
    return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a background block and everything it started (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def execute(
    blocks: list[Block], workdir: str, environment: dict[str, str]
) -> list[tuple[Block, float]]:
    """Run the blocks in order; returns [(block, seconds)]; raises GuideError on a failure."""
    cwd = Path(workdir)
    background: list[tuple[subprocess.Popen[bytes], TextIO]] = []
    timings: list[tuple[Block, float]] = []
    state = Path(workdir) / ".docs-exec-cwd"
    try:
        for number, block in enumerate(blocks, start=1):
            print(f"\n=== block {number}/{len(blocks)} (line {block.line}, {block.mode}) ===")
            print(block.code, flush=True)
            started = time.monotonic()
            if block.mode == "run":
                script = f"set -euo pipefail\n{block.code}\npwd > {state}\n"
                result = subprocess.run(
                    ["bash", "-c", script], cwd=cwd, env=environment, timeout=BLOCK_TIMEOUT
                )
                if result.returncode:
                    raise GuideError(
                        f"block {number} (line {block.line}) exited {result.returncode}"
                    )
                cwd = Path(state.read_text().strip())
            else:
                url = expand(block.argument, environment)
                log = open(Path(workdir) / f"background-{number}.log", "w")
                process = subprocess.Popen(
                    ["bash", "-c", f"set -euo pipefail\n{block.code}"],
                    cwd=cwd,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                background.append((process, log))
                if not wait_for(url, process):
                    log.flush()
                    tail = Path(log.name).read_text()[-3000:]
                    raise GuideError(
                        f"block {number} (line {block.line}): {url} never answered\n{tail}"
                    )
                print(f"{url} answers 200; left running", flush=True)
            timings.append((block, time.monotonic() - started))
    finally:
        for process, output in background:
            stop(process)
            output.close()
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guide", type=Path, default=GUIDE)
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        substitutions, extra = read_table()
        blocks = substitute(parse_blocks(args.guide.read_text(encoding="utf-8")), substitutions)
    except GuideError as error:
        sys.exit(f"docs_exec: {args.guide}: {error}")
    workdir = tempfile.mkdtemp(prefix="ublog-docs-exec-")
    print(f"docs_exec: {len(blocks)} blocks of {args.guide.relative_to(ROOT)} in {workdir}")
    try:
        timings = execute(blocks, workdir, clean_environment(extra))
    except (GuideError, subprocess.TimeoutExpired) as error:
        sys.exit(f"docs_exec: FAILED: {error} (working directory kept: {workdir})")
    print(f"\ndocs_exec: all {len(blocks)} blocks ran in {time.monotonic() - started:.0f} s:")
    for block, seconds in timings:
        print(f"  line {block.line:>3} {block.mode:<10} {seconds:6.1f} s")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
