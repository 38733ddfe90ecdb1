"""The PostgreSQL event recorder, safe for the large transactions of a unit of work.

eventsourcing inserts a transaction's events in psycopg's pipeline mode. With
one very large batch (an `import` of 50,000 events) client and server then wait
for each other forever: psycopg 3.3.9 sits in `poll`, the server in
`ClientRead` (psycopg issue #685 describes the same deadlock). Up to
`PIPELINE_LIMIT` events the stock path is used; above it, the same statements
run in one ordinary transaction. Chosen by `domain.store` through
APPLICATION_RECORDER_TOPIC, so it is imported only for PostgreSQL stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder

PIPELINE_LIMIT = 10_000  # the synthetic generator's chunk size: known to work


class BulkSafePostgresApplicationRecorder(PostgresApplicationRecorder):
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if len(stored_events) <= PIPELINE_LIMIT or self.datastore.enable_db_functions:
            stock: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return stock
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            self._insert_events(curs, stored_events, **kwargs)
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
