"""Driving wrk (https://github.com/wg/wrk) and reading what it prints."""

import re
import subprocess
from pathlib import Path
from typing import Any

# An endpoint of the plan (run.py): method, path, and optionally body and headers.
Endpoint = dict[str, Any]
# What one run measured: rps, p50_ms, p99_ms (None when nothing answered), requests, errors...
Figures = dict[str, Any]

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^([\d.]+)(us|ms|s|m|h)$")


def duration_ms(text: str) -> float:
    """``"1.25ms"`` → 1.25, ``"830.00us"`` → 0.83, ``"1.02s"`` → 1020.0."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse(output: str) -> Figures:
    """The figures of one ``wrk --latency`` run: req/s, p50/p99 in ms, requests, errors."""
    result: Figures = {"requests": 0, "errors": 0, "non_2xx_3xx": 0, "socket_errors": 0}
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(line.split()[1])
        elif re.match(r"^(50|99)%\s", line):
            percent, value = line.split()
            result[f"p{percent[:-1]}_ms"] = duration_ms(value)
        elif re.match(r"^\d+ requests in ", line):
            result["requests"] = int(line.split()[0])
        elif line.startswith("Non-2xx or 3xx responses:"):
            result["non_2xx_3xx"] = int(line.split(":")[1])
        elif line.startswith("Socket errors:"):
            result["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", line))
    missing = {"rps", "p50_ms", "p99_ms"} - result.keys()
    if missing:
        raise ValueError(f"wrk output lacks {sorted(missing)}:\n{output}")
    result["errors"] = result["non_2xx_3xx"] + result["socket_errors"]
    if not result["requests"]:
        # Nothing answered within the run: wrk prints zeros, which are no latency at all.
        result["p50_ms"] = result["p99_ms"] = None
    return result


def lua_script(endpoint: Endpoint) -> str | None:
    """A wrk script sending ``endpoint``'s method, body and headers; None for a plain GET (its
    headers go on the command line)."""
    if endpoint["method"] == "GET":
        return None
    lines = [f'wrk.method = "{endpoint["method"]}"', f"wrk.body = [==[{endpoint['body']}]==]"]
    headers = {"Content-Type": "application/json", **endpoint.get("headers", {})}
    lines += [f'wrk.headers["{name}"] = [==[{value}]==]' for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def command(
    url: str,
    endpoint: Endpoint,
    *,
    threads: int,
    connections: int,
    duration: int,
    script_path: Path | None = None,
) -> list[str]:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script_path:
        args += ["-s", str(script_path)]
    else:
        for name, value in endpoint.get("headers", {}).items():
            args += ["-H", f"{name}: {value}"]
    return args + [url + endpoint["path"]]


def run(args: list[str], timeout: float) -> Figures:
    completed = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=True)
    return parse(completed.stdout)
