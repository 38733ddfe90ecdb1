"""One small cursor interface over the two stores the views live in.

SQL in the projections is written once with `?` placeholders; on PostgreSQL
they are rewritten to `%s`. Rows come back as plain tuples on both.

On SQLite the views use a connection of their own to the same file, tuned for
bulk writes: a large page cache (the default 2 MB thrashed and made meeting
inserts three times slower) and `synchronous=NORMAL`, which skips the fsync
at each commit. That is safe for derived data: a view batch and its tracking
position still commit atomically, a power cut can only lose the latest
batches (which the next catch-up redoes), and the events themselves keep
the event store's full durability on its own connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import TYPE_CHECKING, Any

from domain.errors import StoreBusy
from domain.store import busy_message, lock_timeout

if TYPE_CHECKING:
    from eventsourcing.persistence import ApplicationRecorder

SQLITE_CACHE_KIB = 256 * 1024


class Cursor:
    def __init__(self, raw: Any, placeholder: str) -> None:
        self._raw = raw
        self._placeholder = placeholder

    @property
    def is_sqlite(self) -> bool:
        return self._placeholder == "?"

    def _sql(self, statement: str) -> str:
        return statement if self._placeholder == "?" else statement.replace("?", "%s")

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Cursor:
        self._raw.execute(self._sql(statement), params)
        return self

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            self._raw.executemany(self._sql(statement), rows)

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Bulk insert: COPY on PostgreSQL, where row-by-row inserts ran ~20 us a
        row; on SQLite, statements of many rows each (`_sqlite_insert`)."""
        if not rows:
            return
        names = ", ".join(columns)
        if self._placeholder == "?":
            # OR FAIL: a statement of many rows that may abort part-way otherwise
            # keeps a journal of every page it changes, to undo itself (373 MB
            # of temporary file in a replay of the 1M store). The views' writes
            # never outlive a failed statement: their transaction is rolled back.
            insert = f"INSERT OR FAIL INTO {table} ({names}) VALUES "
            _sqlite_insert(self._raw, insert, columns, rows)
            return
        with self._raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            text = _copy_text(rows, len(columns))
            if text is not None:
                copy.write(text)
                return
            for row in rows:
                copy.write_row(row)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._raw.fetchall()]

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self._raw.fetchone()
        return None if row is None else tuple(row)

    @property
    def rowcount(self) -> int:
        return int(self._raw.rowcount)


# Parameters in one SQLite statement: within the limit of any SQLite version
# (999 before 3.32), and past the point where more rows a statement gain.
_SQLITE_PARAMETERS = 999


def _sqlite_insert(
    raw: Any, insert: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Inserts `rows` a few hundred to a statement: each row of an `executemany`
    costs a step and a reset of its statement and Python's handling of the row
    (the 1M store's 950k meetings: 1.28-1.37 s of CPU one a statement,
    1.07-1.12 s this way)."""
    width = len(columns)
    per = max(1, _SQLITE_PARAMETERS // width)
    one = "(" + ", ".join("?" for _ in columns) + ")"
    whole = len(rows) - len(rows) % per
    if whole:
        flat = list(chain.from_iterable(rows[:whole]))
        step = per * width
        raw.executemany(
            insert + ", ".join([one] * per),
            [flat[start : start + step] for start in range(0, len(flat), step)],
        )
    if whole < len(rows):
        raw.executemany(insert + one, rows[whole:])


# Text that COPY would read otherwise than `str()` wrote it: escapes, and the
# words `str()` gives NULL and booleans (`write_row` sends \\N, t and f).
_NOT_PLAIN = ("\\", "\r", "None", "True", "False")


def _copy_text(rows: Sequence[Sequence[Any]], width: int) -> bytes | None:
    """Rows in COPY's text format, made in one join (`write_row` costs ~2 us a
    row in Python, a third of a meeting's replay budget); None, for `write_row`
    to take over, unless every value is plain: numbers, and text without tabs,
    newlines or backslashes (counted: a stray one makes the counts wrong)."""
    text = "\n".join(["\t".join(map(str, row)) for row in rows])
    if (
        text.count("\t") != (width - 1) * len(rows)
        or text.count("\n") != len(rows) - 1
        or any(word in text for word in _NOT_PLAIN)
    ):
        return None
    return (text + "\n").encode()


class ViewDatabase:
    """Transactions on the database that holds the events and the views.

    `lock_timeout` (seconds) bounds how long a write waits for another
    process's lock; by default, as long as the event store waits.
    """

    def __init__(self, recorder: ApplicationRecorder, lock_timeout: int | None = None) -> None:
        from eventsourcing.sqlite import SQLiteApplicationRecorder

        self.recorder = recorder
        self.is_sqlite = isinstance(recorder, SQLiteApplicationRecorder)
        self._sqlite: sqlite3.Connection | None = None
        self.lock_timeout = lock_timeout
        self.in_memory = False

    @classmethod
    def in_memory_for(cls, recorder: ApplicationRecorder) -> ViewDatabase:
        """Views in a private in-memory SQLite database, for a store that cannot hold them."""
        db = cls(recorder)
        db.is_sqlite = db.in_memory = True
        db._sqlite = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        return db

    def lock_seconds(self) -> int:
        return self.lock_timeout if self.lock_timeout is not None else lock_timeout()

    def has_table(self, cursor: Cursor, table: str) -> bool:
        if self.is_sqlite:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            )
        else:
            cursor.execute("SELECT 1 WHERE to_regclass(?) IS NOT NULL", (table,))
        return cursor.fetchone() is not None

    def _sqlite_connection(self) -> sqlite3.Connection:
        if self._sqlite is None:
            datastore: Any = getattr(self.recorder, "datastore")  # noqa: B009
            connection = sqlite3.connect(
                datastore.pool.db_name,
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=self.lock_seconds(),
            )
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            self._sqlite = connection
        return self._sqlite

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Cursor]:
        if self.is_sqlite:
            with self._sqlite_transaction(commit=commit) as cursor:
                yield cursor
            return
        import psycopg
        from eventsourcing.persistence import IntegrityError, InternalError, OperationalError
        from psycopg.rows import tuple_row

        datastore: Any = getattr(self.recorder, "datastore")  # noqa: B009
        try:
            with datastore.get_connection() as conn, conn.transaction(force_rollback=not commit):
                cursor = conn.cursor(row_factory=tuple_row)
                if commit and self.lock_timeout is not None:  # else the session's
                    cursor.execute(f"SET LOCAL lock_timeout = '{self.lock_timeout}s'")
                if commit:
                    # Statistics lag a batch's own writes; the planner then took
                    # 40 ms updates for costly and spent ~150 ms JIT-compiling them.
                    cursor.execute("SET LOCAL jit = off")
                if not commit:  # several reads must see one state, as on SQLite
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield Cursor(cursor, "%s")
        # The same error classes as the event store raises, so callers handle one set.
        except psycopg.errors.IntegrityError as error:
            raise IntegrityError(error) from error
        except psycopg.errors.InternalError as error:
            raise InternalError(error) from error
        except psycopg.OperationalError as error:
            raise OperationalError(error) from error

    @contextmanager
    def _sqlite_transaction(self, *, commit: bool) -> Iterator[Cursor]:
        connection = self._sqlite_connection()
        raw = connection.cursor()
        try:
            # A writer takes the lock up front, so it waits for other writers
            # instead of failing when its read snapshot goes stale.
            raw.execute("BEGIN IMMEDIATE" if commit else "BEGIN")
        except sqlite3.OperationalError as error:
            if error.sqlite_errorname.startswith("SQLITE_BUSY"):
                raise StoreBusy(busy_message(self.lock_seconds())) from error
            raise _event_store_error("OperationalError", error) from error
        try:
            yield Cursor(raw, "?")
        except sqlite3.IntegrityError as error:  # the event store's class, as on PostgreSQL
            connection.rollback()
            raise _event_store_error("IntegrityError", error) from error
        except BaseException:
            connection.rollback()
            raise
        try:
            connection.commit() if commit else connection.rollback()
        except sqlite3.OperationalError as error:
            raise _event_store_error("OperationalError", error) from error

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None


def _event_store_error(name: str, error: Exception) -> Exception:
    """eventsourcing's error class `name` for a driver's `error`, imported only
    when there is one (queries that read straight from the views never load it)."""
    from eventsourcing import persistence

    found: Exception = getattr(persistence, name)(error)
    return found
