"""One transaction, written a chunk at a time: how a unit of work saves.

A batch (an import, the demo) may hold millions of events. Kept until the end,
they would all be in memory at once (about 6 KB an event as domain events);
written in several transactions, a crash half-way would leave half an import.
So the batch opens one transaction on the recorder's own connection, inserts
each chunk of stored events into it as the chunk is ready, and commits once at
the end; an error rolls everything back, and so does a killed process (the
database never sees the commit).

The chunks go through the recorders' own insert methods, so whatever a recorder
does when it inserts (PostgreSQL's table lock and NOTIFY, sealing into the hash
chain) happens here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from types import TracebackType
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent


class BulkWriter:
    """`write` chunks of stored events; `commit` once; `close` rolls back if not committed."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.recorder = recorder
        self._stack: ExitStack | None = None
        self._cursor: Any = None
        self.written = 0

    def cursor(self) -> Any:
        """The cursor of the batch's transaction (begun now if need be), for rows
        that must commit or roll back with the events (the people's keys)."""
        if self._stack is None:
            self._begin()
        return self._cursor

    def write(self, stored_events: Sequence[StoredEvent]) -> None:
        if not stored_events:
            return
        self.cursor()
        if _is_postgres(self.recorder):
            positions = _postgres_copy(self.recorder, self._cursor, stored_events)
            # Seals the chunk into the hash chain in this transaction (domain.store_postgres).
            self.recorder._seal(self._cursor, stored_events, positions)  # type: ignore[attr-defined]
        else:
            _sqlite_insert(self.recorder, self._cursor, stored_events)
            # Seals the chunk into the hash chain in this transaction (domain.store_sqlite).
            self.recorder.seal_appended(self._cursor, stored_events)  # type: ignore[attr-defined]
        self.written += len(stored_events)

    def commit(self) -> None:
        if self._stack is not None:
            stack, self._stack = self._stack, None
            stack.close()

    def close(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        """Rolls back what was written and not committed."""
        if self._stack is None:
            return
        stack, self._stack = self._stack, None
        error = exc or RuntimeError("the batch was abandoned")
        try:
            stack.__exit__(type(error), error, tb)
        except BaseException as raised:  # the transaction re-raises what rolled it back
            if raised is not error:
                raise

    def _begin(self) -> None:
        stack = ExitStack()
        datastore: Any = self.recorder.datastore  # type: ignore[attr-defined]
        if _is_postgres(self.recorder):
            connection = stack.enter_context(datastore.get_connection())
            stack.enter_context(connection.transaction())
            self._cursor = stack.enter_context(connection.cursor())
        else:
            self._cursor = stack.enter_context(datastore.transaction(commit=True))
            _larger_sqlite_cache(self._cursor, stack)
        self._stack = stack


def _is_postgres(recorder: ApplicationRecorder) -> bool:
    return type(recorder).__module__.startswith(("eventsourcing.postgres", "domain.store_postgres"))


def _postgres_copy(recorder: Any, cursor: Any, stored_events: Sequence[StoredEvent]) -> list[int]:
    """Inserts a chunk with COPY, about eight times as fast here as the stock
    INSERT of an array of composites, under the same table lock and NOTIFY as
    the stock path; returns the chunk's positions, in its order."""
    from psycopg import sql

    recorder._lock_table(cursor)
    recorder._notify_channel(cursor)
    table = sql.Identifier(recorder.datastore.schema, recorder.events_table_name)
    cursor.execute(sql.SQL("SELECT max(notification_id) AS last FROM {}").format(table))
    last = cursor.fetchone()["last"] or 0
    columns = "(originator_id, originator_version, topic, state)"
    copy = sql.SQL("COPY {} " + columns + " FROM STDIN").format(table)
    with cursor.copy(copy) as rows:
        for s in stored_events:
            rows.write_row((s.originator_id, s.originator_version, s.topic, s.state))
    # Rows take the sequence's values in the order they are copied, and the table
    # lock keeps every other writer out until this transaction ends.
    cursor.execute(
        sql.SQL("SELECT notification_id FROM {} WHERE notification_id > %s ORDER BY 1").format(
            table
        ),
        (last,),
    )
    positions = [row["notification_id"] for row in cursor.fetchall()]
    if len(positions) != len(stored_events):
        raise RuntimeError(f"copied {len(stored_events)} events but found {len(positions)}")
    return positions


BATCH_CACHE_KIB = 65_536


def _larger_sqlite_cache(cursor: Any, stack: ExitStack) -> None:
    """SQLite's default page cache (2 MB) holds little of the events' primary-key
    index, into which random UUIDs insert all over: with 64 MB, a large batch's
    inserts ran about 1.5 times as fast. The connection goes back to the pool
    afterwards, so its own size is restored."""
    cursor.execute("PRAGMA cache_size")
    before = cursor.fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = -{BATCH_CACHE_KIB}")
    stack.callback(cursor.execute, f"PRAGMA cache_size = {int(before)}")


def _sqlite_insert(recorder: Any, cursor: Any, stored_events: Sequence[StoredEvent]) -> None:
    """One `executemany`: the stock recorder runs one statement per event to
    learn each rowid, which a batch does not need, at about three times the cost."""
    cursor.executemany(
        recorder.insert_events_statement,
        [
            (
                s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
                s.originator_version,
                s.topic,
                s.state,
            )
            for s in stored_events
        ],
    )
