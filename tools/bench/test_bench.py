"""Tests of the bench's own helpers (`nox -s bench` runs them first): reading wrk's output,
building the plan and the report. They assert what the helpers compute, never a timing."""

import json
import os
import signal
import time

import pytest
import report
import run
import wrk

WRK_OUTPUT = """\
Running 1s test @ http://127.0.0.1:8700/api/drf/fbv/posts/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.34ms    3.21ms  50.00ms   80.00%
    Req/Sec   500.00     50.00   600.00     70.00%
  Latency Distribution
     50%  830.00us
     75%   13.00ms
     90%   15.00ms
     99%    1.02s
  8000 requests in 8.00s, 10.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 5
Requests/sec:   1000.50
Transfer/sec:      1.25MB
"""


@pytest.mark.parametrize(
    "text, expected",
    [("830.00us", 0.83), ("1.25ms", 1.25), ("1.02s", 1020.0), ("2.00m", 120_000.0)],
)
def test_duration_in_milliseconds(text, expected):
    assert wrk.duration_ms(text) == pytest.approx(expected)


def test_duration_refuses_what_wrk_does_not_print():
    with pytest.raises(ValueError):
        wrk.duration_ms("12 parsecs")


def test_parse_reads_throughput_percentiles_and_errors():
    figures = wrk.parse(WRK_OUTPUT)
    assert figures == {
        "rps": 1000.5,
        "p50_ms": pytest.approx(0.83),
        "p99_ms": 1020.0,
        "requests": 8000,
        "non_2xx_3xx": 5,
        "socket_errors": 3,
        "errors": 8,
    }


def test_parse_without_errors_counts_none():
    output = WRK_OUTPUT.replace("  Socket errors: connect 0, read 2, write 0, timeout 1\n", "")
    output = output.replace("  Non-2xx or 3xx responses: 5\n", "")
    assert wrk.parse(output)["errors"] == 0


def test_a_run_without_answers_has_no_latency():
    output = WRK_OUTPUT.replace("8000 requests in", "0 requests in")

    figures = wrk.parse(output)

    assert (figures["rps"], figures["p50_ms"], figures["p99_ms"]) == (1000.5, None, None)


def test_summary_skips_runs_without_latency():
    samples = [_sample("healthz", "1k", 10, 1), {**_sample("healthz", "1k", 0, 1), "p50_ms": None}]

    assert report.summarise(samples, {})["healthz"]["1k"]["p50_ms"] == 1


def test_parse_refuses_output_without_latency_distribution():
    with pytest.raises(ValueError, match="p50_ms"):
        wrk.parse("Requests/sec: 10.0\n")


def test_get_endpoints_send_headers_on_the_command_line():
    endpoint = {"method": "GET", "path": "/x/", "headers": {"Cookie": "sessionid=abc"}}
    assert wrk.lua_script(endpoint) is None
    args = wrk.command("http://h", endpoint, threads=2, connections=16, duration=5)
    assert args == [
        "wrk", "-t2", "-c16", "-d5s", "--latency", "-H", "Cookie: sessionid=abc", "http://h/x/"
    ]  # fmt: skip


def test_post_endpoints_get_a_lua_script_with_body_and_headers(tmp_path):
    endpoint = {"method": "POST", "path": "/graphql/", "body": '{"query":"{me{id}}"}',
                "headers": {"Authorization": "Bearer t"}}  # fmt: skip
    script = wrk.lua_script(endpoint)
    assert 'wrk.method = "POST"' in script
    assert 'wrk.body = [==[{"query":"{me{id}}"}]==]' in script
    assert 'wrk.headers["Content-Type"] = [==[application/json]==]' in script
    assert 'wrk.headers["Authorization"] = [==[Bearer t]==]' in script
    args = wrk.command("http://h", endpoint, threads=1, connections=1, duration=1,
                       script_path=tmp_path / "s.lua")  # fmt: skip
    assert args[-3:] == ["-s", str(tmp_path / "s.lua"), "http://h/graphql/"]


FACTS = {"posts": 1001, "search": "zephyr", "author_id": 7, "newest_post_id": 99,
         "sessionid": "sess", "access": "jwt"}  # fmt: skip


def test_plan_covers_every_interface_list_variant_detail_and_the_ceiling():
    keys = [endpoint["key"] for endpoint in run.plan(FACTS)]
    assert keys[:3] == ["healthz", "floor api", "floor web"]
    for interface in run.INTERFACES:
        for kind in ("list", "last page", "search", "author", "detail"):
            assert f"{interface} {kind}" in keys
        assert f"{interface} list (signed in)" in keys
        assert f"{interface} detail (signed in)" in keys
    assert len(keys) == len(set(keys)) == 3 + 5 * 5 + 5 * 2


def test_plan_paths_name_the_last_page_and_the_newest_post():
    endpoints = {endpoint["key"]: endpoint for endpoint in run.plan(FACTS)}
    assert endpoints["drf-cbv last page"]["path"] == "/api/drf/cbv/posts/?page=51"
    assert endpoints["web-fbv detail"]["path"] == "/mtv/fbv/posts/99/"
    assert endpoints["web-cbv author"]["path"] == "/mtv/cbv/posts/?author=7"
    body = json.loads(endpoints["graphql search"]["body"])
    assert body["variables"] == {"search": "zephyr"}
    assert json.loads(endpoints["graphql detail"]["body"])["variables"] == {"id": "99"}


def test_signed_in_endpoints_carry_session_or_token():
    endpoints = {endpoint["key"]: endpoint for endpoint in run.plan(FACTS)}
    assert endpoints["web-fbv list (signed in)"]["headers"] == {"Cookie": "sessionid=sess"}
    assert endpoints["graphql detail (signed in)"]["headers"] == {"Authorization": "Bearer jwt"}
    assert "headers" not in endpoints["drf-fbv list"]


def test_database_url_names_one_database_per_size():
    base = "postgres://postgres@127.0.0.1:5432/ublog_bench"
    assert run.database_url(base, 100_000) == "postgres://postgres@127.0.0.1:5432/ublog_bench_100k"
    assert run.size_label(1500) == "1500"


def _sample(key, size, rps, p50, errors=0):
    return {"key": key, "size": size, "rps": rps, "p50_ms": p50, "p99_ms": 2 * p50,
            "errors": errors}  # fmt: skip


def test_summary_takes_medians_sums_errors_and_relates_to_the_ceiling():
    samples = [
        _sample("healthz", "1k", 1000, 1), _sample("healthz", "1k", 3000, 1),
        _sample("healthz", "1k", 2000, 1),
        _sample("drf-fbv list", "1k", 100, 10, errors=1), _sample("drf-fbv list", "1k", 500, 30),
        _sample("drf-fbv list", "1k", 300, 20, errors=2),
    ]  # fmt: skip
    probes = {"1k": {"drf-fbv list": {"queries": 2, "inprocess_ms": 3.5}}}
    figures = report.summarise(samples, probes)["drf-fbv list"]["1k"]
    assert figures["rps"] == 300
    assert figures["p50_ms"] == 20
    assert figures["errors"] == 3
    assert figures["queries"] == 2
    assert figures["ceiling_pct"] == pytest.approx(15.0)


def test_growth_and_table():
    samples = [
        _sample("healthz", "1k", 2000, 1), _sample("healthz", "100k", 2000, 1),
        _sample("drf-fbv list", "1k", 200, 10), _sample("drf-fbv list", "100k", 100, 12),
        _sample("floor api", "1k", 1000, 2), _sample("floor api", "100k", 1000, 2),
    ]  # fmt: skip
    summary = report.summarise(samples, {})
    assert report.p50_growth(summary, "1k", "100k")["drf-fbv list"] == pytest.approx(1.2)
    meta = {"mode": "quick", "started": "now", "machine": "m", "load_before": "1",
            "load_after": "2", "load_warning": True, "wrk": "-t2", "rounds": 1,
            "duration": 1}  # fmt: skip
    table = report.markdown(summary, ["1k", "100k"], meta)
    assert "(HIGH: figures are noisy)" in table
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    # The ceiling, then the floors, then the endpoints.
    assert rows[1].startswith("| healthz |")
    assert rows[2].startswith("| floor api |")
    assert rows[3].split(" | ")[:5] == ["| drf-fbv list", "200", "10.00", "20.00", "10.0"]
    assert rows[3].endswith(" | 1.20 |")


def test_plot_writes_a_png(tmp_path):
    summary = report.summarise(
        [_sample("healthz", "1k", 2000, 1), _sample("web-fbv list", "1k", 100, 10)], {}
    )
    report.plot(summary, ["1k"], tmp_path / "plot.png", "test")
    assert (tmp_path / "plot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_each_size_gets_its_own_redis_database():
    assert run.redis_url_for("redis://127.0.0.1:6379/14", 1) == "redis://127.0.0.1:6379/15"


def test_sigterm_ends_the_run_through_its_cleanup():
    previous = signal.getsignal(signal.SIGTERM)
    try:
        run.stop_cleanly_on_sigterm()
        with pytest.raises(SystemExit) as stopped:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler runs at the next bytecode; never reached
    finally:
        signal.signal(signal.SIGTERM, previous)

    assert stopped.value.code == 128 + signal.SIGTERM
