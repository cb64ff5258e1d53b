"""From wrk samples to the bench's results: medians per endpoint and size, the Markdown table,
the JSON and the PNG plot."""

import statistics
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# endpoint key → data size label ("1k") → figures (rps, p50_ms, p99_ms, errors, queries...).
Summary = dict[str, dict[str, dict[str, Any]]]

CEILING = "healthz"
# A list's own SQL and cache read with a prebuilt page (floor/urls.py): what no list can beat.
FLOORS = ("floor api", "floor web")
REFERENCES = (CEILING, *FLOORS)


def table_order(key: str) -> tuple[int, str]:
    """The ceiling, then the floors, then the endpoints by name."""
    return (REFERENCES.index(key) if key in REFERENCES else len(REFERENCES), key)


def _median(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def summarise(
    samples: list[dict[str, Any]], probes: dict[str, dict[str, dict[str, Any]]]
) -> Summary:
    """Median req/s, p50 and p99 over the rounds; errors summed; SQL and in-process time from
    the probe. ``samples`` are dicts with key, size, rps, p50_ms, p99_ms, errors; ``probes``
    maps size → key → probe figures."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for sample in samples:
        grouped.setdefault(sample["key"], {}).setdefault(sample["size"], []).append(sample)
    summary: Summary = {}
    for key, by_size in grouped.items():
        summary[key] = {}
        for size, runs in by_size.items():
            probe = probes.get(size, {}).get(key, {})
            summary[key][size] = {
                "rps": statistics.median(run["rps"] for run in runs),
                "p50_ms": _median(run["p50_ms"] for run in runs),
                "p99_ms": _median(run["p99_ms"] for run in runs),
                "errors": sum(run["errors"] for run in runs),
                "rounds": len(runs),
                "queries": probe.get("queries"),
                "inprocess_ms": probe.get("inprocess_ms"),
            }
    for key, figures_by_size in summary.items():
        for size, figures in figures_by_size.items():
            ceiling = summary.get(CEILING, {}).get(size, {}).get("rps")
            figures["ceiling_pct"] = 100 * figures["rps"] / ceiling if ceiling else None
    return summary


def p50_growth(summary: Summary, small: str, large: str) -> dict[str, float]:
    """Per endpoint: p50 at the large size over p50 at the small one (1.0 = flat)."""
    return {
        key: by_size[large]["p50_ms"] / by_size[small]["p50_ms"]
        for key, by_size in summary.items()
        if small in by_size
        and large in by_size
        and by_size[small]["p50_ms"]
        and by_size[large]["p50_ms"] is not None
    }


def number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def markdown(summary: Summary, sizes: list[str], meta: dict[str, Any]) -> str:
    """The results table, one row per endpoint, a column group per data size."""
    head = ["endpoint"]
    for size in sizes:
        head += [f"{size} req/s", f"{size} p50 ms", f"{size} p99 ms", f"{size} % ceiling"]
    head += ["SQL/req", "in-process ms", "errors"]
    if len(sizes) > 1:
        head.append(f"p50 {sizes[-1]}/{sizes[0]}")
    growth = p50_growth(summary, sizes[0], sizes[-1]) if len(sizes) > 1 else {}
    rows = []
    for key in sorted(summary, key=table_order):
        by_size = summary[key]
        row = [key]
        for size in sizes:
            figures = by_size.get(size, {})
            row += [
                number(figures.get("rps"), 0),
                number(figures.get("p50_ms"), 2),
                number(figures.get("p99_ms"), 2),
                number(figures.get("ceiling_pct")),
            ]
        row.append(" / ".join(str(by_size.get(s, {}).get("queries", "–")) for s in sizes))
        row.append(" / ".join(number(by_size.get(s, {}).get("inprocess_ms"), 2) for s in sizes))
        row.append(str(sum(by_size.get(s, {}).get("errors", 0) for s in sizes)))
        if growth:
            row.append(number(growth.get(key), 2))
        rows.append(row)
    lines = [
        f"# μblog bench ({meta['mode']}, {meta['started']})",
        "",
        f"Machine: {meta['machine']}",
        f"Load average: {meta['load_before']} before, {meta['load_after']} after"
        + (" (HIGH: figures are noisy)" if meta.get("load_warning") else ""),
        f"wrk: {meta['wrk']}; {meta['rounds']} round(s) of {meta['duration']} s per endpoint "
        "and size, medians.",
        "SQL/req and in-process ms per size, in size order; errors are non-2xx/3xx responses "
        "plus socket errors.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" for _ in head) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def plot(summary: Summary, sizes: list[str], path: Path, title: str) -> None:
    """Horizontal bars: req/s per endpoint at each size, the /healthz ceiling as lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = sorted((k for k in summary if k != CEILING), key=table_order, reverse=True)
    height = 0.8 / len(sizes)
    figure, axes = plt.subplots(figsize=(11, 0.32 * len(keys) * len(sizes) + 2))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, size in enumerate(sizes):
        positions = [row + index * height for row in range(len(keys))]
        values = [summary[key].get(size, {}).get("rps", 0) for key in keys]
        axes.barh(positions, values, height=height, label=f"{size} posts", color=colours[index])
        ceiling = summary.get(CEILING, {}).get(size, {}).get("rps")
        if ceiling:
            axes.axvline(
                ceiling,
                color=colours[index],
                linestyle="--",
                label=f"/healthz ceiling, {size}: {ceiling:,.0f} req/s",
            )
    axes.set_yticks([row + height * (len(sizes) - 1) / 2 for row in range(len(keys))])
    axes.set_yticklabels(keys, fontsize=8)
    axes.set_xlabel("requests per second (median over rounds)")
    axes.set_title(title)
    axes.legend(loc="lower right", fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
