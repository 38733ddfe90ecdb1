"""Report queries read straight from the views, without opening the event store.

A query opens the event store (eventsourcing's recorder; on PostgreSQL also
psycopg and its pool) to catch the views up first, although they usually hold
every event already (see fresh.py). That opening was much of a report's time
at 1M events: ~40 ms on SQLite, ~175 ms on PostgreSQL, mostly imports. Here a
report first opens only a read connection to the views (sqlite3; on PostgreSQL
libpq, see libpq.py) and checks, in one read transaction, that they have the
current layout and hold every event. If so the report reads them on that
connection. Otherwise, or on any error (a missing or busy store, a role that
may not read, no libpq), `direct_views` gives None and the query takes the
usual path, which catches up, warns or fails exactly as it always did.
"""

from __future__ import annotations

import atexit
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from domain.store import is_postgres, store_environment
from projections.db import Cursor
from projections.report_reads import ReportReads
from projections.schema import PROJECTION, SCHEMA_VERSION

if TYPE_CHECKING:
    from projections.libpq import Connection
    from projections.views import LedgerViews

# The events tables of eventsourcing's recorders as domain/store.py sets them
# up: SQLite's default, and PostgreSQL's named after the application, in the
# default schema (tests/projections/test_direct.py holds them equal).
EVENTS_SQLITE = "stored_events"
EVENTS_POSTGRES = '"public"."mentorshipledger_events"'
_POSTGRES_PARAMETERS = {
    "host": "POSTGRES_HOST",
    "port": "POSTGRES_PORT",
    "user": "POSTGRES_USER",
    "password": "POSTGRES_PASSWORD",
    "dbname": "POSTGRES_DBNAME",
}


class DirectDatabase:
    """Read transactions on one connection to the store's views."""

    in_memory = False

    def __init__(self, sqlite: sqlite3.Connection | None, postgres: Connection | None) -> None:
        self._sqlite = sqlite
        self._postgres = postgres
        self.is_sqlite = sqlite is not None

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Cursor]:
        if commit:
            raise ValueError("direct reads never write")
        if self._sqlite is not None:
            raw = self._sqlite.cursor()
            raw.execute("BEGIN")
            try:
                yield Cursor(raw, "?")
            finally:
                self._sqlite.rollback()
            return
        from projections.libpq import RowCursor

        assert self._postgres is not None
        # Several reads see one state, as on the usual path (db.py).
        self._postgres.command("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield Cursor(RowCursor(self._postgres), "%s")
        finally:
            self._postgres.command("ROLLBACK")

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._postgres is not None:
            self._postgres.close()


class DirectViews(ReportReads):
    """The report reads on a `DirectDatabase` whose views hold every event.

    Names are revealed with the store's keys, which need the event store:
    `open_views` gives the usual views, opened only then (`at_risk`)."""

    def __init__(self, db: DirectDatabase, open_views: Callable[[], LedgerViews]) -> None:
        self.db = db
        self._open_views = open_views

    def catch_up(self) -> None:
        """Nothing to do: `direct_views` found the views holding every event."""

    def names(self, employee_ids: Sequence[str]) -> dict[str, str]:
        return self._open_views().names(employee_ids)


def direct_views(store: str, open_views: Callable[[], LedgerViews]) -> DirectViews | None:
    """Views to answer a report from without the event store, or None to take
    the usual path (see the module's docstring)."""
    try:
        db = _connect(store)
    except Exception:
        return None
    try:
        if _holds_every_event(db):
            # Closed at exit: PostgreSQL then sees a goodbye, not a dropped line.
            atexit.register(db.close)
            return DirectViews(db, open_views)
    except Exception:  # the usual path says what is wrong, if anything
        pass
    db.close()
    return None


def _connect(store: str) -> DirectDatabase:
    env = store_environment(store, create=False)  # refuses what the usual path refuses
    if not is_postgres(store):
        # No wait for a lock: a busy store is for the usual path to wait for.
        connection = sqlite3.connect(
            env["SQLITE_DBNAME"], uri=True, isolation_level=None, timeout=0
        )
        connection.execute("PRAGMA query_only = ON")
        return DirectDatabase(connection, None)
    from projections.libpq import Connection

    parameters = {key: env[name] for key, name in _POSTGRES_PARAMETERS.items() if env.get(name)}
    # An unreachable server is for the usual path to report, after its own wait:
    # this attempt gives up after libpq's shortest wait, not a second full one.
    parameters["connect_timeout"] = "2"
    return DirectDatabase(None, Connection(parameters))


def _holds_every_event(db: DirectDatabase) -> bool:
    """Whether the stored views have the current layout and hold every event,
    read in one transaction (as fresh.py's `holds_every_event`)."""
    events = EVENTS_SQLITE if db.is_sqlite else EVENTS_POSTGRES
    position = "rowid" if db.is_sqlite else "notification_id"
    with db.transaction(commit=False) as cursor:
        tracked: Any = cursor.execute(
            "SELECT notification_id, schema_version FROM view_tracking WHERE projection = ?",
            (PROJECTION,),
        ).fetchone()
        if tracked is None or tracked[1] != SCHEMA_VERSION:
            return False
        last = cursor.execute(f"SELECT max({position}) FROM {events}").fetchone()
    return int(tracked[0]) >= int((last[0] if last else None) or 0)
