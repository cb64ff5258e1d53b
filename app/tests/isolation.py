"""Keeping test processes that run at the same time apart (docs/testing.md, "Running in parallel").

- pytest-xdist workers: pytest-django gives each worker its own database (``test_<name>_gw0``).
  A Redis database may be shared (by the workers, or by concurrent runs), so each process keeps
  its cache keys under a prefix of its own (``KEY_PREFIX`` in the test settings: its process id)
  and clears only those (``clear_own_cache``), never the whole Redis database: nobody else's
  throttle counters are seen or flushed. The tests that start a real Celery worker send their
  tasks to a queue named after the process (``not_eager`` in test_email_delivery.py).
- mutmut (``nox -s mutation``) forks a process per mutant, several at once. Each takes a free
  numbered slot (a lock file) and uses that slot's database, kept between mutants: creating a
  test database per mutant would cost more than most mutants' tests.
"""

import fcntl
import os
import re
import tempfile
from pathlib import Path


def clear_own_cache(cache):
    """Forget this process's keys. django-redis's ``clear()`` is FLUSHDB, which would empty
    the keyspace of every other process using the same Redis database."""
    if hasattr(cache, "delete_pattern"):  # django-redis: the keys under our prefix, by SCAN
        # One SCAN round trip for a test's few keys, not one per ten keys of the database.
        cache.delete_pattern("*", itersize=10_000)  # pragma: no cover -- only with REDIS_URL set
    else:  # local memory: this process's own already
        cache.clear()


class MutationSlot:
    """A numbered slot, held with ``flock`` until ``release`` (or the process's end)."""

    def __init__(self, folder, run):
        folder.mkdir(parents=True, exist_ok=True)
        self.number, self._lock = self._take(folder)
        # The slot's database is made afresh on its first use in a run (the models may have
        # changed since the last run), then kept for the run's later mutants.
        marker = folder / f"slot-{self.number}.{run}"
        self.first_use = not marker.exists()
        marker.touch()

    @staticmethod
    def _take(folder):
        number = 0
        while True:
            lock = open(folder / f"slot-{number}.lock", "w")
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.close()
                number += 1
            else:
                return number, lock

    def release(self):
        # Before mutmut forks the next mutant, which must not inherit the lock.
        self._lock.close()


def hold_mutation_slot(database_name, environ=os.environ):
    """Yield the slot this process holds under mutmut (which sets MUTANT_UNDER_TEST in every
    process that runs the tests), or None outside it."""
    if "MUTANT_UNDER_TEST" not in environ:
        yield None
        return
    folder = Path(tempfile.gettempdir()) / f"ublog-mutation-{Path(database_name).name}"
    slot = MutationSlot(folder, environ.get("UBLOG_MUTATION_RUN", "manual"))
    yield slot
    slot.release()


def add_slot_suffix(databases, slot):
    """Give each server database's test copy the slot's suffix (SQLite's is in memory)."""
    if slot is None:
        return
    for database in databases.values():
        if database["ENGINE"] != "django.db.backends.sqlite3":
            test = database.setdefault("TEST", {})
            # mutmut forks each mutant from a process whose earlier pytest runs named it already.
            name = re.sub(r"(_mutmut\d+)+$", "", test.get("NAME") or f"test_{database['NAME']}")
            test["NAME"] = f"{name}_mutmut{slot.number}"


def keep_database(slot, reuse_db):
    """pytest-django's keepdb: --reuse-db's, or for a slot, every use but its run's first."""
    return reuse_db if slot is None else not slot.first_use
