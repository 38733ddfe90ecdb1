"""Where the projections read events from: the application's notification log.

On SQLite, pages are read straight from the recorder's table as plain tuples:
the stock `select_notifications()` builds a UUID and a frozen dataclass per
row, which measured ~107k events/s here against a 150k events/s replay target.
PostgreSQL pages are read the same way, in binary (no bytea hex to decode) with
each originator id loaded straight as hex: through `select_notifications()`
(dict rows, UUID objects, dataclasses) the read alone ran ~60k events/s, raw
~350k events/s.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    InterfaceError,
    InternalError,
    OperationalError,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import Environment, retry

from domain.store import retry_startup, store_environment
from domain.store_guard import check_events_table, closed_on_failure, construct_factory
from domain.vocabulary import Topic

# Notification id, originator id (hex), topic, state. The topic of a meeting,
# nearly every event, is read as None: one string fewer to make a row (SQLite,
# 1M store: reading and building pages took 0.1-0.2 s less CPU).
Row = tuple[int, str, str | None, bytes]


def open_recorder(store: str, *, create: bool = True) -> ApplicationRecorder:
    """Opens the event store without loading the domain's event models.

    With `create=False` a missing SQLite file is an error and no table is created.
    """
    env = Environment("MentorshipLedger", store_environment(store, create=create))

    def attempt() -> ApplicationRecorder:
        factory = construct_factory(store, env, create=create)
        with closed_on_failure(factory):
            recorder = factory.application_recorder()
            if not create:
                check_events_table(recorder, store)
            return recorder

    return retry_startup(attempt, (InternalError, IntegrityError))


def read_page(recorder: ApplicationRecorder, after: int, limit: int) -> Sequence[Row]:
    """Up to `limit` notifications with ids greater than `after`, in order."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        statement = (
            f"SELECT rowid, originator_id, nullif(topic, ?), state "
            f"FROM {recorder.events_table_name} WHERE rowid > ? ORDER BY rowid LIMIT ?"
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            raw = cursor.sqlite_cursor
            raw.row_factory = None  # plain tuples: sqlite3.Row costs more per row
            raw.execute(statement, (Topic.MET, after, limit))
            rows: list[Row] = raw.fetchall()
        return rows
    page: list[Row] = _read_postgres_page(recorder, after, limit)
    return page


@retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the recorder's reads
def _read_postgres_page(recorder: Any, after: int, limit: int) -> list[Row]:
    from psycopg.rows import tuple_row
    from psycopg.sql import SQL, Identifier

    datastore = recorder.datastore
    statement = SQL(
        "SELECT notification_id, originator_id, nullif(topic, %s), state FROM {schema}.{table} "
        "WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
    ).format(schema=Identifier(datastore.schema), table=Identifier(recorder.events_table_name))
    with (
        datastore.get_connection() as conn,
        conn.cursor(row_factory=tuple_row, binary=True) as cursor,
    ):
        cursor.adapters.register_loader("uuid", _hex_uuid_loader())
        cursor.execute(statement, (Topic.MET, after, limit), prepare=True)
        rows: list[Row] = cursor.fetchall()
    return rows


def last_notification_id(recorder: ApplicationRecorder) -> int:
    return recorder.max_notification_id() or 0


@cache
def _hex_uuid_loader() -> type:
    """A binary loader of `uuid` that gives the 32 hex digits the projections
    key on, skipping the UUID object per row."""
    from psycopg.adapt import Buffer, Loader
    from psycopg.pq import Format

    class HexUUIDLoader(Loader):
        format = Format.BINARY

        def load(self, data: Buffer) -> str:
            return bytes(data).hex()

    return HexUUIDLoader


def event_version(recorder: ApplicationRecorder, notification_id: int) -> int | None:
    """The aggregate version of the event at `notification_id` (to name a damaged one)."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        statement = f"SELECT originator_version FROM {recorder.events_table_name} WHERE rowid = ?"
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (notification_id,))
            row = cursor.fetchone()
        return None if row is None else int(row[0])
    found = recorder.select_notifications(notification_id, 1)
    return found[0].originator_version if found and found[0].id == notification_id else None
