"""The image's gunicorn settings come from the environment (PORT, GUNICORN_WORKERS/THREADS)."""

import importlib

import config.gunicorn


def load(monkeypatch, **env):
    for name in ("PORT", "GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(config.gunicorn)


def test_defaults_serve_port_8000_with_two_workers_of_four_threads(monkeypatch):
    settings = load(monkeypatch)

    assert (settings.bind, settings.workers, settings.threads) == ("0.0.0.0:8000", 2, 4)


def test_port_workers_and_threads_come_from_the_environment(monkeypatch):
    settings = load(monkeypatch, PORT="8101", GUNICORN_WORKERS="3", GUNICORN_THREADS="8")

    assert (settings.bind, settings.workers, settings.threads) == ("0.0.0.0:8101", 3, 8)


def test_bind_narrows_the_address(monkeypatch):
    assert load(monkeypatch, GUNICORN_BIND="127.0.0.1:8101").bind == "127.0.0.1:8101"


def test_shutdown_is_graceful_within_docker_stops_grace_period(monkeypatch):
    # docker stop waits 10 s after SIGTERM before SIGKILL.
    assert 0 < load(monkeypatch).graceful_timeout < 10
