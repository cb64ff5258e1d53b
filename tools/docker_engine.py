"""A Docker engine and a local base image for machines without a registry (`nox -s docker_real`).

`engine()` reuses a running dockerd or starts one with the flags this kind of machine needs (no
bridge, no iptables, low ulimits) and stops it again on exit. `base_image()` makes a Debian
bookworm image with Python 3.11 by debootstrap, once (it is kept and reused), trusting this
machine's CA bundle so pip inside a build reaches the package registry; the Dockerfile takes it
as its `BASE_IMAGE` build argument and stays the one users build on python:3.11-slim-bookworm.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

DOCKER = shutil.which("docker", path="/usr/bin") or "docker"
DOCKERD_FLAGS = [
    "--bridge=none",
    "--iptables=false",
    "--ip6tables=false",
    "--default-ulimit",
    "nofile=1024:1024",
    "--default-ulimit",
    "nproc=1024:1024",
]
BASE_IMAGE = "ublog-local-base:bookworm"
DEBIAN_MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def log(message: str) -> None:
    print(f"[docker] {message}", file=sys.stderr, flush=True)


def output(command: Sequence[str], timeout: float, check: bool = True, **kwargs: Any) -> str:
    """Run a command with a timeout, its output captured; raise with that output if it fails."""
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-4000:]}{result.stderr}")
    return str(result.stdout)


def docker(*args: str, timeout: float = 120, check: bool = True, **kwargs: Any) -> str:
    """Run the docker CLI with a timeout; return its stdout."""
    return output([DOCKER, *args], timeout, check, **kwargs)


def engine_running() -> bool:
    """True when a daemon answers (`docker version` fails without one; `docker info` need not)."""
    try:
        result = subprocess.run(
            [DOCKER, "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    return result.returncode == 0 and result.stdout.strip() != ""


@contextlib.contextmanager
def engine(state_dir: Path) -> Iterator[None]:
    """Yield with a Docker engine answering; stop it afterwards if this call started it."""
    if engine_running():
        log("reusing the running Docker engine")
        yield
        return
    dockerd = shutil.which("dockerd")
    if dockerd is None:
        raise RuntimeError("no dockerd: apt-get install docker.io")
    state_dir.mkdir(parents=True, exist_ok=True)
    log_file = (state_dir / "dockerd.log").open("ab")
    log(f"starting dockerd (log: {state_dir / 'dockerd.log'})")
    process = subprocess.Popen(
        [dockerd, *DOCKERD_FLAGS], stdout=log_file, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while not engine_running():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dockerd did not start; see {state_dir / 'dockerd.log'}")
            time.sleep(1)
        yield
    finally:
        log("stopping the dockerd this session started")
        stop(process, timeout=60)
        log_file.close()


def stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Terminate a child process; kill it if it is still running after `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def image_exists(tag: str) -> bool:
    result = subprocess.run(
        [DOCKER, "image", "inspect", tag], capture_output=True, timeout=30, check=False
    )
    return result.returncode == 0


def base_image(tag: str = BASE_IMAGE) -> str:
    """The local Debian bookworm + Python 3.11 base image; made by debootstrap the first time."""
    if image_exists(tag):
        log(f"base image {tag} exists: reused")
        return tag
    if shutil.which("debootstrap") is None:
        raise RuntimeError("no debootstrap: apt-get install debootstrap")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ublog-rootfs-") as rootfs:
        log(f"debootstrap bookworm into {rootfs} (one to three minutes)")
        try:
            subprocess.run(
                [
                    "debootstrap",
                    "--variant=minbase",
                    "--include=python3,python3-venv,ca-certificates",
                    "bookworm",
                    rootfs,
                    DEBIAN_MIRROR,
                ],
                check=True,
                timeout=900,
                stdout=subprocess.DEVNULL,
            )
        finally:
            # An interrupted debootstrap leaves /proc and /sys mounted in the root it fills.
            for mount in ("proc", "sys"):
                subprocess.run(["umount", "--lazy", f"{rootfs}/{mount}"], capture_output=True)
        # The machine's bundle, so TLS through this machine's proxy verifies inside builds.
        shutil.copyfile(CA_BUNDLE, Path(rootfs) / CA_BUNDLE.lstrip("/"))
        shutil.rmtree(Path(rootfs) / "var/cache/apt/archives", ignore_errors=True)
        shutil.rmtree(Path(rootfs) / "var/lib/apt/lists", ignore_errors=True)
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        docker(
            "import",
            "--change",
            f"ENV PIP_CERT={CA_BUNDLE}",
            "--change",
            f"ENV SSL_CERT_FILE={CA_BUNDLE}",
            "--change",
            "ENV LANG=C.UTF-8",
            "--change",
            'CMD ["python3"]',
            "-",
            tag,
            stdin=tar.stdout,
            timeout=300,
        )
        if tar.stdout is not None:  # always: stdout=PIPE
            tar.stdout.close()
        if tar.wait(timeout=60) != 0:
            raise RuntimeError("tar of the debootstrap root failed")
    log(f"base image {tag} made in {time.monotonic() - started:.0f} s")
    return tag


if __name__ == "__main__":  # make (or find) the base image by hand
    with engine(Path(".docker-real")):
        print(base_image())
