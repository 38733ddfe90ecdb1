"""The views' tracking row: how far into the log they are, moved with each batch.

The position only moves forward from the value its writer read (a
compare-and-set, `advance`), in the transaction that writes the batch: a batch
is applied exactly once even when several processes catch up at once or a
replay is killed part-way through.
"""

from __future__ import annotations

from dataclasses import dataclass

from projections.db import Cursor
from projections.schema import PROJECTION, SCHEMA_VERSION, VIEW_TABLES


@dataclass(frozen=True)
class Position:
    notification_id: int
    latest_on: str  # latest `on` date of any event processed, "" when none


def read_position(cursor: Cursor) -> Position:
    row = cursor.execute(
        "SELECT notification_id, latest_on FROM view_tracking WHERE projection = ?",
        (PROJECTION,),
    ).fetchone()
    assert row is not None
    return Position(int(row[0]), row[1] or "")


def advance(cursor: Cursor, old: Position, new: Position) -> bool:
    """Moves the position from `old` to `new`; False if it was not at `old`."""
    cursor.execute(
        "UPDATE view_tracking SET notification_id = ?, latest_on = ? "
        "WHERE projection = ? AND notification_id = ?",
        (new.notification_id, new.latest_on or None, PROJECTION, old.notification_id),
    )
    return cursor.rowcount == 1


def reset(cursor: Cursor) -> None:
    """Empties the views and puts their position before the first event.

    DELETE, not TRUNCATE: a reader in the middle of a query keeps a consistent
    snapshot (on PostgreSQL, TRUNCATE empties the table for transactions that
    started before it). The position goes first: on PostgreSQL that waits for
    a batch being applied by another process (it moved the position first), so
    each DELETE after it sees that batch's rows and deletes them too, where a
    DELETE before it left them, to clash with the same rows applied again."""
    cursor.execute("DELETE FROM view_tracking WHERE projection = ?", (PROJECTION,))
    for table in VIEW_TABLES:
        cursor.execute(f"DELETE FROM {table}")
    cursor.execute(
        "INSERT INTO view_tracking (projection, notification_id, latest_on, schema_version) "
        "VALUES (?, 0, NULL, ?)",
        (PROJECTION, SCHEMA_VERSION),
    )
