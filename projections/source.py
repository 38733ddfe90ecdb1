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
    InfrastructureFactory,
    IntegrityError,
    InternalError,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import Environment

from domain.store import retry_startup, store_environment

Row = tuple[int, str, str, bytes]  # notification id, originator id (hex), topic, state


def open_recorder(store: str) -> ApplicationRecorder:
    """Opens the event store without loading the domain's event models."""
    env = Environment("MentorshipLedger", store_environment(store))
    return retry_startup(
        lambda: InfrastructureFactory.construct(env).application_recorder(),
        (InternalError, IntegrityError),
    )


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
