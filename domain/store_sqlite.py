"""The SQLite event recorder that seals every event into the hash chain.

Sealing happens in `_insert_events`, inside the transaction that inserts the
events: every write path (a command's save, a unit of work, `import --events`,
the demo generator) goes through it, and SQLite's write lock serialises writers,
so the last link read here is the one the new events follow. Chosen by
`domain.store` through APPLICATION_RECORDER_TOPIC.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from domain.chain import GENESIS, SealRow, check_follows
from domain.chain_reader import BEFORE_ALL, PAGE, SEAL_COLUMNS, ChainReading, hex_id, stored_rows
from domain.chain_reader import StoredRow as Row
from domain.errors import DamagedStore


class SealingSQLiteApplicationRecorder(ChainReading, SQLiteApplicationRecorder):
    position_column = "rowid"

    def _events_table(self) -> str:
        return self.events_table_name

    def _chain_table(self) -> str:
        return f"{self.events_table_name}_chain"

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {self._chain_table()} ("
            "position INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, state_hash BLOB NOT NULL, "
            "stamp TEXT, link BLOB NOT NULL)",
        ]

    def has_chain(self) -> bool:
        return bool(
            self._rows(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                (self._chain_table(),),
            )
        )

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        if positions:
            self._seal(c, stored_rows(stored_events), positions)
        return positions

    def append_chunk(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> None:
        """Inserts and seals a batch's chunk in the batch's open transaction
        (`domain.bulk_write`)."""
        self.append_rows(c, stored_rows(stored_events))

    def append_rows(self, c: SQLiteCursor, rows: Sequence[Row]) -> None:
        """`append_chunk` of rows as the table holds them. One `executemany`: the
        stock insert runs one statement per event to learn each rowid, at about
        three times the cost."""
        c.executemany(self.insert_events_statement, rows)
        self._seal_appended(c, rows)

    def _seal_appended(self, c: SQLiteCursor, rows: Sequence[Row]) -> None:
        """Seals events that one `executemany` just appended in this transaction,
        which returns no positions: a rowid table gives appended rows the largest
        rowid plus one, so they hold the last positions."""
        c.execute(f"SELECT MAX(rowid) FROM {self.events_table_name}")
        end = int(c.fetchone()[0])
        positions = range(end - len(rows) + 1, end + 1)
        c.execute(
            f"SELECT originator_id, originator_version FROM {self.events_table_name} "
            "WHERE rowid IN (?, ?) ORDER BY rowid",
            (positions[0], end),
        )
        found = [(hex_id(o), v) for o, v in c.fetchall()]
        expected = [row[:2] for row in (rows[0], rows[-1])]
        if found != expected[: len(found)] or len(found) != len({positions[0], end}):
            raise DamagedStore(
                f"the log is broken at event {positions[0]}: the events just written are not "
                "the last ones; run mentorship verify"
            )
        self._seal(c, rows, positions)

    def _seal(self, c: SQLiteCursor, rows: Sequence[Row], positions: Sequence[int]) -> None:
        """Seals `rows`, just inserted at `positions` (ascending), after the last link."""
        c.execute(
            f"SELECT position, link FROM {self._chain_table()} ORDER BY position DESC LIMIT 1"
        )
        last = c.fetchone()
        if last is None:  # the first write since sealing began: seal what came before
            previous = self._seal_before(c, positions[0])
        else:
            previous = bytes(last[1])
            check_follows(int(last[0]), positions[0])
        new = ((p, *row) for p, row in zip(positions, rows, strict=True))
        self._seal_in_pages(c, previous, new)

    def _seal_before(self, c: SQLiteCursor, first: int) -> bytes:
        """Seals the events before position `first`, a page at a time; the last link."""
        previous, after = GENESIS, BEFORE_ALL
        while True:
            c.execute(
                f"SELECT rowid, originator_id, originator_version, topic, state "
                f"FROM {self.events_table_name} WHERE rowid > ? AND rowid < ? "
                "ORDER BY rowid LIMIT ?",
                (after, first, PAGE),
            )
            page = [(p, hex_id(o), v, t, bytes(s)) for p, o, v, t, s in c.fetchall()]
            if not page:
                return previous
            previous, after = self._seal_in_pages(c, previous, page), page[-1][0]

    def _insert_seals(self, c: SQLiteCursor, seals: Sequence[SealRow]) -> None:
        c.executemany(
            f"INSERT INTO {self._chain_table()} ({SEAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            seals,
        )


def write_alone(recorder: Any, connection: Any) -> Callable[[], None] | None:
    """Takes the SQLite file for a batch (`domain.bulk_write`) into a store that
    holds no event yet, if nobody else has it open: a rollback journal instead
    of the write-ahead log, so that each page is written once, into the file,
    not first into the log and then again by the checkpoint at the commit (1M
    events and their seals, bare: commit 0.3 s instead of 2.3 s, the whole write
    1.4 times as fast). The journal keeps the few pages the file had; rolling
    back, or recovering from a killed process, puts them back and cuts the file
    to its old size. Other processes wait for the batch, as for any writer,
    but cannot read meanwhile either, nor can other connections of this one:
    this is for filling a new store from a log (`domain.log_import`), with
    nothing else to read. `connection` must not be in a transaction.

    What to call after the commit (or rollback) to go back to the write-ahead
    log, or None if the file stays as it is (not empty, or open elsewhere)."""
    cursor = connection.cursor()
    cursor.execute(f"SELECT 1 FROM {recorder.events_table_name} LIMIT 1")
    if cursor.fetchone() is not None:
        return None
    # The idle connections of this process's pool (eventsourcing 9's private
    # attributes; without them, the switch below fails and the batch shares the file).
    pool = recorder.datastore.pool
    lock, idle = getattr(pool, "_put_condition", None), getattr(pool, "_pool", None)
    if lock is not None and idle is not None:
        with lock:
            while idle:
                idle.popleft().close()
    cursor.execute("PRAGMA busy_timeout")
    waits = int(cursor.fetchone()[0])
    cursor.execute("PRAGMA busy_timeout = 0")  # someone else has it: do not wait, share it
    try:
        cursor.execute("PRAGMA journal_mode = DELETE")
        taken = str(cursor.fetchone()[0]).lower() == "delete"
    except sqlite3.OperationalError:  # "database is locked"
        taken = False
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {waits}")

    def give_back() -> None:
        # If a process opened the file meanwhile, that one puts it back (eventsourcing does).
        with suppress(sqlite3.OperationalError):
            cursor.execute("PRAGMA journal_mode = WAL")

    return give_back if taken else None
