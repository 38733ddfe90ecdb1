"""One small cursor interface over the two stores the views live in.

SQL in the projections is written once with `?` placeholders; on PostgreSQL
they are rewritten to `%s`. Rows come back as plain tuples on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from projections.schema import TABLES


class Cursor:
    def __init__(self, raw: Any, placeholder: str) -> None:
        self._raw = raw
        self._placeholder = placeholder

    def _sql(self, statement: str) -> str:
        return statement if self._placeholder == "?" else statement.replace("?", "%s")

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Cursor:
        self._raw.execute(self._sql(statement), params)
        return self

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            self._raw.executemany(self._sql(statement), rows)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._raw.fetchall()]

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self._raw.fetchone()
        return None if row is None else tuple(row)

    @property
    def rowcount(self) -> int:
        return int(self._raw.rowcount)


class ViewDatabase:
    """Transactions on the database that holds the events and the views."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        self.recorder = recorder
        self.is_sqlite = isinstance(recorder, SQLiteApplicationRecorder)
        self._schema_ready = False

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Cursor]:
        datastore: Any = getattr(self.recorder, "datastore")  # noqa: B009
        if self.is_sqlite:
            with datastore.transaction(commit=commit) as cursor:
                yield Cursor(cursor.sqlite_cursor, "?")
            return
        from psycopg.rows import tuple_row

        with datastore.get_connection() as conn, conn.transaction(force_rollback=not commit):
            yield Cursor(conn.cursor(row_factory=tuple_row), "%s")

    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self.transaction(commit=True) as cursor:
            for statement in TABLES:
                cursor.execute(statement)
        self._schema_ready = True
