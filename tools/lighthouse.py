"""Score μblog's pages with Lighthouse; `nox -s lighthouse` runs this (not CI: on a shared
2-core runner the performance score swings by several points from run to run).

It serves the demo data as production would (gunicorn, DEBUG off, collected static files; see
tools/api_fuzz/run.py), runs Lighthouse's default (mobile) configuration against Chromium on the
two post lists and a post page, prints the four category scores, writes them with the full
reports under the output folder, and fails when a score is under the minimum.

    python -m tools.lighthouse --lighthouse PATH [--chromium PATH] [--runs N] [--min 95]
                               [--output DIR]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.api_fuzz.run import ROOT, live_ublog, server_env

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Post 1 of the demo data has an image: its page shows it full size.
PAGES = {
    "fbv-list": "/mtv/fbv/posts/",
    "cbv-list": "/mtv/cbv/posts/",
    "detail": "/mtv/fbv/posts/1/",
}


def score(lighthouse: str, chromium: str, url: str, report: Path) -> dict[str, int]:
    """One Lighthouse run: the four category scores (0-100); the JSON report goes to ``report``."""
    subprocess.run(
        [
            lighthouse,
            url,
            f"--chrome-path={chromium}",
            # --no-sandbox: Chromium refuses to start as root (containers, CI) without it.
            "--chrome-flags=--headless=new --no-sandbox",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        check=True,
    )
    categories = json.loads(report.read_text())["categories"]
    return {name: round(categories[name]["score"] * 100) for name in CATEGORIES}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse", required=True, help="the lighthouse executable")
    parser.add_argument(
        "--chromium",
        default=os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH", "/usr/bin/chromium"),
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median counts")
    parser.add_argument("--min", type=int, default=95, help="lowest acceptable score")
    parser.add_argument("--output", type=Path, default=ROOT / ".lighthouse")
    options = parser.parse_args(argv)
    options.output.mkdir(parents=True, exist_ok=True)

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="ublog-lighthouse-") as tmp:
        workdir = Path(tmp)
        env = {**server_env(workdir), "LOG_LEVEL": "WARNING"}
        with live_ublog(workdir, env) as base_url:
            for page, path in PAGES.items():
                runs = [
                    score(
                        options.lighthouse,
                        options.chromium,
                        base_url + path,
                        options.output / f"{page}-{run}.json",
                    )
                    for run in range(1, options.runs + 1)
                ]
                results[page] = {
                    name: statistics.median(run[name] for run in runs) for name in CATEGORIES
                }
    (options.output / "scores.json").write_text(json.dumps(results, indent=2) + "\n")

    print(f"\n{'page':<10}" + "".join(f"{name:>16}" for name in CATEGORIES))
    for page, scores in results.items():
        print(f"{page:<10}" + "".join(f"{scores[name]:>16g}" for name in CATEGORIES))
    print(f"\nMedian of {options.runs} run(s) per page; reports in {options.output}/")
    low = [
        f"{page} {name} {value:g}"
        for page, scores in results.items()
        for name, value in scores.items()
        if value < options.min
    ]
    if low:
        print(f"Under {options.min}: {', '.join(low)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
