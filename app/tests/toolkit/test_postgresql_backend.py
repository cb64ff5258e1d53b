"""The PostgreSQL backend retries a refused connection until CONNECT_RETRY_SECONDS run out, so
a server restart is a pause for the requests that arrive meanwhile, not a 500. (The fault suite,
nox -s faults, restarts a real server under load.)"""

import logging
import time
from typing import Any

import psycopg2
import pytest
from django.db.backends.postgresql import base as django_postgresql

from config.postgresql import base

SETTINGS = {
    "ENGINE": "config.postgresql",
    "NAME": "ublog",
    "USER": "",
    "PASSWORD": "",
    "HOST": "127.0.0.1",
    "PORT": "",
    "OPTIONS": {},
    "CONN_MAX_AGE": 0,
    "CONN_HEALTH_CHECKS": False,
    "AUTOCOMMIT": True,
    "ATOMIC_REQUESTS": False,
    "TIME_ZONE": None,
    "TEST": {},
}


@pytest.fixture
def server(monkeypatch):
    """A PostgreSQL that refuses ``refusals`` connections, then accepts; time is simulated."""
    state: dict[str, Any] = {"refusals": 0, "attempts": 0, "now": 0.0, "slept": []}

    def connect(wrapper, conn_params):
        state["attempts"] += 1
        if state["attempts"] <= state["refusals"]:
            raise psycopg2.OperationalError("connection refused\n")
        return "connection"

    def sleep(seconds):
        state["slept"].append(seconds)
        state["now"] += seconds

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "get_new_connection", connect)
    # The backend's module reads the clock through ``time``, the module patched here.
    monkeypatch.setattr(time, "sleep", sleep)
    monkeypatch.setattr(time, "monotonic", lambda: state["now"])
    return state


def wrapper(retry_seconds):
    return base.DatabaseWrapper({**SETTINGS, "CONNECT_RETRY_SECONDS": retry_seconds})


def test_a_restarting_server_is_waited_for_with_backoff(server, caplog):
    server["refusals"] = 5

    with caplog.at_level(logging.WARNING, logger="config.postgresql.base"):
        assert wrapper(5).get_new_connection({}) == "connection"

    assert server["slept"] == [0.1, 0.2, 0.4, 0.8, 1.0]
    assert len(caplog.records) == 5
    assert "refused a connection (connection refused); retrying in 0.1 s" in caplog.text


def test_a_server_still_down_after_the_retry_window_is_an_error(server):
    server["refusals"] = 100

    with pytest.raises(psycopg2.OperationalError):
        wrapper(2).get_new_connection({})

    assert sum(server["slept"]) <= 2
    assert server["attempts"] == 5  # 0.1 + 0.2 + 0.4 + 0.8 = 1.5 s; another 1 s would pass 2


def test_without_a_retry_window_the_first_refusal_is_an_error(server):
    server["refusals"] = 1

    with pytest.raises(psycopg2.OperationalError):
        wrapper(0).get_new_connection({})

    assert server["slept"] == []
