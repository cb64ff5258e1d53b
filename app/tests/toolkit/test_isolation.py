"""Test processes that run at the same time stay apart (tests/isolation.py): xdist workers and
concurrent runs never share cache keys, and mutmut's forked processes never share a database."""

import os
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from tests.isolation import (
    MutationSlot,
    add_slot_suffix,
    clear_own_cache,
    hold_mutation_slot,
    keep_database,
)


def test_each_process_keeps_its_cache_keys_under_its_own_prefix():
    assert settings.CACHES["default"]["KEY_PREFIX"] == f"test:{os.getpid()}"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the real Redis")
def test_clearing_leaves_other_processes_keys_in_redis():  # pragma: no cover -- needs Redis
    mine = caches.create_connection("default")
    theirs = caches.create_connection("default")
    theirs.key_prefix = "test:another-process"
    mine.set("throttle", 1)
    theirs.set("throttle", 2)

    clear_own_cache(mine)

    assert mine.get("throttle") is None
    assert theirs.get("throttle") == 2
    theirs.delete("throttle")


def test_a_local_memory_cache_is_cleared_whole():
    cache = LocMemCache("isolation-test", {})
    cache.set("key", "value")

    clear_own_cache(cache)

    assert cache.get("key") is None


def test_outside_mutmut_no_slot_is_taken():
    slots = hold_mutation_slot("ublog", environ={})

    assert next(slots) is None


def test_concurrent_mutants_take_different_slots_and_a_freed_one_is_taken_again(tmp_path):
    first, second = MutationSlot(tmp_path, "run"), MutationSlot(tmp_path, "run")
    first.release()
    third = MutationSlot(tmp_path, "run")

    assert (first.number, second.number, third.number) == (0, 1, 0)
    # Slot 0's database is made afresh once per run, then kept for the run's later mutants.
    assert (first.first_use, second.first_use, third.first_use) == (True, True, False)
    second.release()
    third.release()
    assert MutationSlot(tmp_path, "next run").first_use  # slot 0 again, afresh for a new run


def test_a_slot_names_the_test_database_and_keeps_it_after_its_first_use(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    slots = hold_mutation_slot("/data/ublog.sqlite3", environ={"MUTANT_UNDER_TEST": "x"})
    slot = next(slots)
    databases: dict[str, dict[str, Any]] = {
        "default": {"ENGINE": "config.postgresql", "NAME": "ublog"},
        "named": {"ENGINE": "config.postgresql", "NAME": "other", "TEST": {"NAME": "t_other"}},
        "embedded": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"},
    }

    add_slot_suffix(databases, slot)
    add_slot_suffix(databases, slot)  # as in each later run of the process mutmut forks from

    assert (tmp_path / "ublog-mutation-ublog.sqlite3" / "slot-0.lock").exists()
    assert databases["default"]["TEST"]["NAME"] == "test_ublog_mutmut0"
    assert databases["named"]["TEST"]["NAME"] == "t_other_mutmut0"
    assert "TEST" not in databases["embedded"]
    assert keep_database(slot, reuse_db=False) is False  # slot 0's first use in this run
    assert keep_database(None, reuse_db=True) is True  # outside mutmut: --reuse-db decides
    with pytest.raises(StopIteration):
        next(slots)
