"""PostgreSQL that waits for the server to come back before giving up on a new connection.

A PostgreSQL restart (a minor upgrade, a failover, an OOM kill) refuses connections for a second
or two. Django would answer every request in that window with a 500; this backend retries the
connection with backoff for ``CONNECT_RETRY_SECONDS`` (env ``DATABASE_CONNECT_RETRY_SECONDS``),
so the restart costs those requests a pause instead. Only opening a connection is retried: a
query that was running when the server went away fails, and Django closes that connection at
the end of the request (docs/decisions.md, "PostgreSQL restarts").
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db.backends.postgresql import base

logger = logging.getLogger(__name__)

FIRST_DELAY, MAX_DELAY = 0.1, 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        deadline = time.monotonic() + self.settings_dict.get("CONNECT_RETRY_SECONDS", 0)
        delay = FIRST_DELAY
        while True:
            try:
                return super().get_new_connection(conn_params)
            except self.Database.OperationalError as error:
                if time.monotonic() + delay > deadline:
                    raise
                logger.warning(
                    "PostgreSQL refused a connection (%s); retrying in %.1f s",
                    str(error).strip(),
                    delay,
                )
                time.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)
