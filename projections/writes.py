"""Applies a built batch (see projector.py) to the view tables.

The writes go in an order that gives the same result as applying the batch's
events one at a time: rows are created before they are updated, meetings are
inserted before their retractions, and pairings touched by a retraction have
their meeting totals recounted last (totals.py; in a replay, every pairing met
is recounted at the end of the transaction instead).

On SQLite each kind of write is one `executemany` (new rows a few hundred to
a statement, see db.py): a statement runs in-process in a few microseconds.
On PostgreSQL each row of an `executemany` is a statement for the server,
~30 us apiece, and the per-pairing updates come to one a pairing a batch (24k
a page at 1M events); so those are sent as one statement over arrays
(`unnest`), grouped first where a pairing can appear more than once in a
batch. New rows (people, pairings, meetings, reversals) go in by COPY there
(`insert_rows`): an insert by `executemany` cost ~60 us a row. Rare events
(programs, profile changes, departures) keep `executemany`.
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from projections.db import Cursor
from projections.meeting_dates import record_dates
from projections.totals import Meeting, Recount, add_totals, recount

if TYPE_CHECKING:
    from projections.projector import Batch


class PairingKeys:
    """Pairing ids (hex) and their `seq`, the order in which they were paired.

    A pairing's seq never changes, and a replay assigns the same ones again
    (events are applied in log order exactly once), so the map can be cached.
    """

    def __init__(self) -> None:
        self.seq: dict[str, int] = {}

    def forget(self) -> None:
        self.seq.clear()

    def assign(self, cursor: Cursor, new_ids: list[str]) -> None:
        if not new_ids:
            return
        row = cursor.execute("SELECT coalesce(max(seq), 0) FROM view_pairings").fetchone()
        start = int(row[0]) if row else 0
        for offset, pairing_id in enumerate(new_ids, start=1):
            self.seq[pairing_id] = start + offset

    def load(self, cursor: Cursor, pairing_ids: set[str]) -> None:
        missing = [pid for pid in pairing_ids if pid not in self.seq]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = cursor.execute(
                f"SELECT id, seq FROM view_pairings WHERE id IN ({marks})", chunk
            ).fetchall()
            self.seq.update((pid, int(key)) for pid, key in rows)


def apply_batch(
    batch: Batch, cursor: Cursor, keys: PairingKeys, recount_later: Recount | None = None
) -> None:
    """Writes `batch`. With `recount_later`, the meeting totals of the pairings
    are left as they are and the seq of every pairing whose meetings changed is
    added to the set instead: a replay that applies many pages in one
    transaction recounts each such pairing once, at its end (`recount`)."""
    _apply_people_and_programs(batch, cursor)
    keys.assign(cursor, [row[0] for row in batch.pairings])
    keys.load(cursor, _updated_pairings(batch))
    seq = keys.seq
    cursor.insert_rows(
        "view_pairings",
        ("seq", "id", "program", "mentor", "mentee", "direction", "paired_on"),
        [(seq[row[0]], *row) for row in batch.pairings],
    )
    meetings = _meeting_rows(batch, cursor, keys)
    if cursor.is_sqlite:
        # The table is stored in key order (WITHOUT ROWID): inserting a pairing's
        # meetings together touches each B-tree page once (CPU at 1M: 8.8 -> 7.9 s).
        # Not on PostgreSQL, whose heap keeps insertion order for unordered scans.
        meetings.sort(key=_KEY)
    cursor.insert_rows("view_meetings", ("pairing_seq", "number", "met_on", "minutes"), meetings)
    cursor.insert_rows(
        "view_reversals",
        ("pairing_seq", "reversed_on"),
        [(seq[pid], on) for pid, on in batch.reversals],
    )
    if recount_later is None:
        add_totals(cursor, meetings)
    else:
        recount_later.add(map(_KEY, meetings))
    if cursor.is_sqlite:
        _sqlite_pairing_updates(batch, cursor, seq)
    else:
        _postgres_pairing_updates(batch, cursor, seq)
    _apply_retractions(batch, cursor, seq, recount_later)
    record_dates(batch, cursor, seq, meetings)


_KEY = itemgetter(0)


def _updated_pairings(batch: Batch) -> set[str]:
    referenced = {pid for pid, _ in batch.reversals}
    referenced.update(pid for _, _, pid in batch.endings)
    referenced.update(pid for pid, _ in batch.retractions)
    return referenced


def _meeting_rows(batch: Batch, cursor: Cursor, keys: PairingKeys) -> list[Meeting]:
    """The batch's meetings keyed by their pairing's seq.

    A runner knows the seq of every pairing it applied; those of pairings that
    another process applied are read when one is missing. (Building the set of
    pairings met, to look for missing ones first, cost ~0.2 s of a replay of the
    1M store, whose meetings meet ~24k pairings a page.)"""
    seq = keys.seq
    try:
        return [(seq[pid], number, on, minutes) for pid, number, on, minutes in batch.meetings]
    except KeyError:
        keys.load(cursor, set(map(_KEY, batch.meetings)))
    return [(seq[pid], number, on, minutes) for pid, number, on, minutes in batch.meetings]


def _sqlite_pairing_updates(batch: Batch, cursor: Cursor, seq: dict[str, int]) -> None:
    cursor.executemany(
        "UPDATE view_pairings SET reversals = reversals + 1 WHERE seq = ?",
        [(seq[pid],) for pid, _ in batch.reversals],
    )
    cursor.executemany(
        "UPDATE view_pairings SET ended_on = ?, end_reason = ? WHERE seq = ?",
        [(on, reason, seq[pid]) for on, reason, pid in batch.endings],
    )


def _postgres_pairing_updates(batch: Batch, cursor: Cursor, seq: dict[str, int]) -> None:
    if batch.reversals:
        reversed_ = Counter(seq[pid] for pid, _ in batch.reversals)
        cursor.execute(
            "UPDATE view_pairings p SET reversals = p.reversals + t.k "
            "FROM unnest(?::bigint[], ?::bigint[]) AS t(seq, k) WHERE p.seq = t.seq",
            (list(reversed_), list(reversed_.values())),
        )
    if batch.endings:
        # Each ending (or reopening) sets both columns: a pairing's last one wins.
        last: dict[int, tuple[Any, Any]] = {}
        for on, reason, pid in batch.endings:
            last[seq[pid]] = (on, reason)
        cursor.execute(
            "UPDATE view_pairings p SET ended_on = t.ended, end_reason = t.reason "
            "FROM unnest(?::bigint[], ?::text[], ?::text[]) AS t(seq, ended, reason) "
            "WHERE p.seq = t.seq",
            (list(last), [on for on, _ in last.values()], [r for _, r in last.values()]),
        )


def _apply_people_and_programs(batch: Batch, cursor: Cursor) -> None:
    cursor.insert_rows(
        "view_people",
        ("employee_id", "aggregate_id", "name", "email", "level", "department", "joined_on",
         "registered_on"),
        batch.people,
    )  # fmt: skip
    cursor.executemany(
        "UPDATE view_people SET name = coalesce(?, name), email = coalesce(?, email), "
        "level = coalesce(?, level), department = coalesce(?, department), "
        "joined_on = coalesce(?, joined_on) WHERE aggregate_id = ?",
        batch.profile_changes,
    )
    cursor.executemany(
        "UPDATE view_people SET left_on = ?, left_reason = ? WHERE aggregate_id = ?",
        batch.departures,
    )
    cursor.executemany(
        "INSERT INTO view_programs (slug, aggregate_id, name, cadence_days, launched_on) "
        "VALUES (?, ?, ?, ?, ?)",
        batch.programs,
    )
    cursor.executemany(
        "UPDATE view_programs SET closed_on = ? WHERE aggregate_id = ?", batch.closures
    )


def _apply_retractions(
    batch: Batch, cursor: Cursor, seq: dict[str, int], recount_later: Recount | None
) -> None:
    if not batch.retractions:
        return
    retracted = [(seq[pid], number) for pid, number in batch.retractions]
    if cursor.is_sqlite:
        cursor.executemany(
            "UPDATE view_meetings SET retracted = 1 WHERE pairing_seq = ? AND number = ?",
            retracted,
        )
    else:
        cursor.execute(
            "UPDATE view_meetings m SET retracted = 1 "
            "FROM unnest(?::bigint[], ?::bigint[]) AS t(seq, number) "
            "WHERE m.pairing_seq = t.seq AND m.number = t.number",
            ([key for key, _ in retracted], [number for _, number in retracted]),
        )
    touched = {key for key, _ in retracted}
    if recount_later is None:
        recount(cursor, touched)
    else:
        recount_later.add(touched)
