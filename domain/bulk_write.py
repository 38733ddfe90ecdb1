"""One transaction, written a chunk at a time: how a unit of work saves.

A batch (an import, the demo) may hold millions of events. Kept until the end,
they would all be in memory at once (about 6 KB an event as domain events);
written in several transactions, a crash half-way would leave half an import.
So the batch opens one transaction on the recorder's own connection, inserts
each chunk of stored events into it as the chunk is ready, and commits once at
the end; an error rolls everything back, and so does a killed process (the
database never sees the commit).

Each recorder appends a chunk its own fastest way (`append_chunk`: SQLite's
`executemany`, into a file it may take for itself if the store is empty;
PostgreSQL's COPY under the stock table lock and NOTIFY) and
seals it into the hash chain in the same transaction (`domain.store_sqlite`,
`domain.store_postgres`).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from types import TracebackType
from typing import Any, Protocol

from eventsourcing.persistence import StoredEvent

from domain.chain_reader import StoredRow


class ChunkRecorder(Protocol):
    """The recorders of `domain.store_sqlite` and `domain.store_postgres`."""

    datastore: Any

    def append_chunk(self, cursor: Any, stored_events: Sequence[StoredEvent]) -> None: ...

    def append_rows(self, cursor: Any, rows: Sequence[StoredRow]) -> None: ...


class BulkWriter:
    """`write` chunks of stored events; `commit` once; `close` rolls back if not committed."""

    def __init__(self, recorder: ChunkRecorder, *, alone: bool = False) -> None:
        """`alone`: nothing reads the store through another connection while the
        batch writes; on SQLite it may then take an empty store's file for
        itself (`domain.store_sqlite.write_alone`), which would leave such a
        read waiting for the commit."""
        self.recorder = recorder
        self.alone = alone
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
        self.recorder.append_chunk(self.cursor(), stored_events)
        self.written += len(stored_events)

    def write_rows(self, rows: Sequence[StoredRow]) -> None:
        """`write` of events already in the table's form (`domain.log_restore`)."""
        if not rows:
            return
        self.recorder.append_rows(self.cursor(), rows)
        self.written += len(rows)

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
        datastore = self.recorder.datastore
        if _is_postgres(self.recorder):
            connection = stack.enter_context(datastore.get_connection())
            stack.enter_context(connection.transaction())
            self._cursor = stack.enter_context(connection.cursor())
        else:
            from domain.store_sqlite import write_alone

            connection = stack.enter_context(datastore.get_connection(commit=True))
            give_back = write_alone(self.recorder, connection) if self.alone else None
            if give_back is not None:
                stack.callback(give_back)  # after the transaction ends (last in, first out)
            self._cursor = stack.enter_context(connection.transaction(commit=True))
            _larger_sqlite_cache(self._cursor, stack)
        self._stack = stack


def _is_postgres(recorder: ChunkRecorder) -> bool:
    return type(recorder).__module__.startswith(("eventsourcing.postgres", "domain.store_postgres"))


BATCH_CACHE_KIB = 65_536


def _larger_sqlite_cache(cursor: Any, stack: ExitStack) -> None:
    """SQLite's default page cache (2 MB) holds little of the events' primary-key
    index, into which random UUIDs insert all over: with 64 MB, a large batch's
    inserts ran 1.3 to 1.8 times as fast in a bare test here. The connection goes back to the pool
    afterwards, so its own size is restored."""
    cursor.execute("PRAGMA cache_size")
    before = cursor.fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = -{BATCH_CACHE_KIB}")
    stack.callback(cursor.execute, f"PRAGMA cache_size = {int(before)}")
