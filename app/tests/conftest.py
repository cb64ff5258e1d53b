"""Fixtures shared by every test: isolated media folder and cache, a dead Redis, the usual cast
of users."""

import itertools
import logging
import socket

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from config.settings.base import redis_cache
from interfaces.fragments import fragments
from tests.factories import PostFactory, UserFactory
from tests.isolation import add_slot_suffix, clear_own_cache, hold_mutation_slot, keep_database

MEDIA_FOLDER_NUMBERS = itertools.count()


@pytest.fixture(scope="session")
def media_roots(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def media_root(settings, media_roots):
    """A media folder of the test's own, made only if the test stores a file (the storage makes
    it): a ``tmp_path`` per test made and cleaned 1,200 folders a run for the few that upload."""
    settings.MEDIA_ROOT = media_roots / str(next(MEDIA_FOLDER_NUMBERS))
    return settings.MEDIA_ROOT


def clear_caches():
    """This process's keys of the shared cache (other test processes may share its Redis
    database) and the per-process fragments."""
    clear_own_cache(cache)
    fragments.clear()


@pytest.fixture(scope="session", autouse=True)
def caches_empty_at_start():
    clear_caches()


@pytest.fixture(autouse=True)
def clear_cache(caches_empty_at_start):
    """Every test starts with empty caches: they are empty when the session starts, and every
    test empties them when it ends (a fixture torn down after the test's own fixtures)."""
    yield
    clear_caches()


@pytest.fixture(scope="session")
def mutation_slot():
    """Under mutmut, the database slot this process holds (tests/isolation.py); else None."""
    yield from hold_mutation_slot(django_settings.DATABASES["default"]["NAME"])


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, mutation_slot):
    """pytest-django's hook for the test databases' names: xdist's suffix (``_gw0``) is on them
    already; a mutant's process adds its slot's."""
    add_slot_suffix(django_settings.DATABASES, mutation_slot)


@pytest.fixture(scope="session")
def django_db_keepdb(request, mutation_slot):
    return keep_database(mutation_slot, request.config.getvalue("reuse_db"))


@pytest.fixture
def redis_down(settings, caplog):
    """The production cache (``redis_cache``) pointed at a port where nothing listens; yields
    ``caplog`` with the cache's ERROR records."""
    with socket.socket() as closed:  # bound, never listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        settings.CACHES = {
            **settings.CACHES,
            "default": redis_cache(f"redis://127.0.0.1:{closed.getsockname()[1]}/0"),
        }
        caplog.set_level(logging.ERROR, logger="django_redis.cache")
        yield caplog


@pytest.fixture
def throttle_rates(settings):
    """Set throttle rates for one test: ``throttle_rates(token="1/min")`` (every interface's
    throttles read them per request)."""

    def set_rates(**rates):
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**current, **rates},
        }

    return set_rates


@pytest.fixture
def user(db):
    return UserFactory.create()


@pytest.fixture
def other_user(db):
    return UserFactory.create()


@pytest.fixture
def staff_user(db):
    return UserFactory.create(staff=True)


@pytest.fixture
def inactive_user(db):
    return UserFactory.create(inactive=True)


@pytest.fixture
def post(user):
    return PostFactory.create(author=user)
