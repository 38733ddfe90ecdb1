"""The `person_keys` table, on SQLite and PostgreSQL: the only SQL of the key ring.

One row a person: `person_id` (aggregate id in hex), `employee_id` (to name
them in messages), `key` (32 random bytes; NULL once destroyed) and
`forgotten_at`. It lives beside the events, never in the event log. Rows
come back as (person_id, employee_id, key) tuples.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from domain.errors import DamagedStore
from domain.store_guard import UNDEFINED_TABLE, error_chain

TABLE = "person_keys"
MISSING = (
    f"the key table ({TABLE}) is missing from the store: personal data cannot be read; "
    f"restore {TABLE} from a key backup (see docs/audit.md)"
)
_COLUMNS = "person_id, employee_id, key"
Row = tuple[str, str, bytes | None]
NewKey = tuple[str, str, bytes]  # a key made, not yet stored


class KeyTable:
    def __init__(self, recorder: Any) -> None:
        self.datastore = recorder.datastore
        self.is_sqlite = type(self.datastore).__name__.startswith("SQLite")

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[_Cursor]:
        try:
            with self.datastore.transaction(commit=commit) as cursor:
                if self.is_sqlite and commit:
                    # Freed space is zeroed, so a destroyed key (or a copy left
                    # behind when a page split) does not linger in the file.
                    cursor.execute("PRAGMA secure_delete = ON")
                yield _Cursor(cursor, self.is_sqlite)
        except Exception as error:
            if any(
                getattr(e, "sqlstate", None) == UNDEFINED_TABLE
                or f"no such table: {TABLE}" in str(e)
                for e in error_chain(error)
            ):
                raise DamagedStore(MISSING) from None
            raise

    def create(self) -> None:
        blob = "BLOB" if self.is_sqlite else "BYTEA"
        with self._cursor(commit=True) as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (person_id TEXT PRIMARY KEY, "
                f"employee_id TEXT NOT NULL, key {blob}, forgotten_at TEXT)"
            )

    def insert(self, rows: Sequence[NewKey], within: Any = None) -> list[Row]:
        """Inserts keys, keeping any that exists already (a lost race, a retry);
        returns the rows now stored for those people. `within`: the open cursor
        of a batch's transaction, whose events the keys then commit (or roll back) with."""
        if within is not None:
            return _insert(_Cursor(within, self.is_sqlite), rows)
        with self._cursor(commit=True) as cursor:
            return _insert(cursor, rows)

    def read(self, person: str | None = None) -> list[Row]:
        """One person's row, or every row."""
        with self._cursor(commit=False) as cursor:
            if person is None:
                cursor.execute(f"SELECT {_COLUMNS} FROM {TABLE}")
            else:
                cursor.execute(f"SELECT {_COLUMNS} FROM {TABLE} WHERE person_id = ?", (person,))
            return cursor.fetchall()

    def destroy(self, person: str, when: str) -> bool:
        """Sets the key to NULL (the row stays, saying when); False if no live key."""
        with self._cursor(commit=True) as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET key = NULL, forgotten_at = ? "
                "WHERE person_id = ? AND key IS NOT NULL",
                (when, person),
            )
            return cursor.rowcount > 0

    def scrub(self) -> str | None:
        """Removes the old copies of destroyed keys that the database still holds;
        says what remains if that could not be done now (the key is destroyed anyway)."""
        if self.is_sqlite:  # the write-ahead log still holds the page with the key
            with self.datastore.get_connection(commit=True) as conn:
                row = conn._sqlite_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if row[0]:
                return (
                    "another process was reading the store, so an old copy of the key "
                    "stays in its write-ahead log until the next checkpoint"
                )
            return None
        # PostgreSQL keeps the old row version until the table is rewritten.
        try:
            with self.datastore.get_connection() as conn:
                conn.autocommit = True
                try:
                    conn.execute(f"VACUUM FULL {TABLE}")
                finally:
                    conn.autocommit = False
        except Exception:  # busy (lock timeout) or not allowed: the key is gone anyway
            return (
                f"{TABLE} could not be rewritten now, so an old row version holding the key "
                f"stays until VACUUM FULL {TABLE} runs"
            )
        return None


def _insert(cursor: _Cursor, rows: Sequence[NewKey]) -> list[Row]:
    cursor.executemany(
        f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (?, ?, ?) ON CONFLICT (person_id) DO NOTHING",
        rows,
    )
    marks = ", ".join("?" for _ in rows)
    cursor.execute(
        f"SELECT {_COLUMNS} FROM {TABLE} WHERE person_id IN ({marks})", [row[0] for row in rows]
    )
    return cursor.fetchall()


class _Cursor:
    """`?` placeholders and tuple rows on both stores."""

    def __init__(self, raw: Any, is_sqlite: bool) -> None:
        self._raw = raw
        self._is_sqlite = is_sqlite

    def _sql(self, statement: str) -> str:
        return statement if self._is_sqlite else statement.replace("?", "%s")

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self._raw.execute(self._sql(statement), params)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        self._raw.executemany(self._sql(statement), rows)

    def fetchall(self) -> list[Row]:
        rows = self._raw.fetchall()
        if self._is_sqlite:  # BLOBs come back as bytes already
            return [(p, e, k) for p, e, k in rows]
        found = (tuple(r.values()) for r in rows)  # psycopg's dict rows; bytea as memoryview
        return [(p, e, None if k is None else bytes(k)) for p, e, k in found]

    @property
    def rowcount(self) -> int:
        return int(self._raw.sqlite_cursor.rowcount if self._is_sqlite else self._raw.rowcount)


def copy_keys(source: Any, target: Any) -> None:
    """Copies a store's key table into another store (recorders of both): what a
    copy of the events needs beside it to show personal data."""
    rows = KeyTable(source).read()
    table = KeyTable(target)
    table.create()
    with table._cursor(commit=True) as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (?, ?, ?) ON CONFLICT (person_id) DO NOTHING",
            rows,
        )
