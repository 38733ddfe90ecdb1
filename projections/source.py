"""Where the projections read events from: the application's notification log.

On SQLite, pages are read straight from the recorder's table as plain tuples:
the stock `select_notifications()` builds a UUID and a frozen dataclass per
row, which measured ~107k events/s here against a 150k events/s replay target.
PostgreSQL pages go through `select_notifications()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    InternalError,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import Environment

from domain.store import retry_startup, store_environment
from domain.store_guard import check_events_table, construct_factory

Row = tuple[int, str, str, bytes]  # notification id, originator id (hex), topic, state


def open_recorder(store: str, *, create: bool = True) -> ApplicationRecorder:
    """Opens the event store without loading the domain's event models.

    With `create=False` a missing SQLite file is an error and no table is created.
    """
    env = Environment("MentorshipLedger", store_environment(store, create=create))
    recorder = retry_startup(
        lambda: construct_factory(store, env, create=create).application_recorder(),
        (InternalError, IntegrityError),
    )
    if not create:
        check_events_table(recorder, store)
    return recorder


def read_page(recorder: ApplicationRecorder, after: int, limit: int) -> Sequence[Row]:
    """Up to `limit` notifications with ids greater than `after`, in order."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        statement = (
            f"SELECT rowid, originator_id, topic, state FROM {recorder.events_table_name} "
            "WHERE rowid > ? ORDER BY rowid LIMIT ?"
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            raw = cursor.sqlite_cursor
            raw.row_factory = None  # plain tuples: sqlite3.Row costs more per row
            raw.execute(statement, (after, limit))
            rows: list[Row] = raw.fetchall()
        return rows
    notifications = recorder.select_notifications(after, limit, inclusive_of_start=False)
    return [(n.id, _hex(n.originator_id), n.topic, n.state) for n in notifications]


def last_notification_id(recorder: ApplicationRecorder) -> int:
    return recorder.max_notification_id() or 0


def _hex(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id.replace("-", "")


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
