"""The meeting totals of each pairing (meetings, minutes, last date met).

A batch adds its meetings to the totals of the pairings met in it; a pairing
with a retracted meeting is recounted from its counted meetings instead, and
so is every pairing met during a replay's transaction, once at its end (see
rebuild.py): a pass over a pairing's meetings in SQL costs less than adding
them up in Python page after page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from projections.db import Cursor

Meeting = tuple[int, int, str, int]  # pairing seq, number, met on, minutes


def add_totals(cursor: Cursor, meetings: list[Meeting]) -> None:
    totals = _meeting_totals(meetings)
    if cursor.is_sqlite:
        _sqlite_add_totals(cursor, totals)
    else:
        _postgres_add_totals(cursor, totals)


def _meeting_totals(meetings: list[Meeting]) -> list[tuple[int, int, int, str]]:
    """(seq, meetings, minutes, last date) of each pairing met in the batch."""
    totals: dict[int, list[Any]] = {}
    for key, _, on, minutes in meetings:
        total = totals.get(key)
        if total is None:
            totals[key] = [1, minutes, on]
        else:
            total[0] += 1
            total[1] += minutes
            if on > total[2]:
                total[2] = on
    return [(key, n, m, last) for key, (n, m, last) in totals.items()]


def _sqlite_add_totals(cursor: Cursor, totals: list[tuple[int, int, int, str]]) -> None:
    cursor.executemany(
        "UPDATE view_pairings SET meetings = meetings + ?, minutes = minutes + ?, "
        "last_met_on = CASE WHEN last_met_on IS NULL OR last_met_on < ? "
        "THEN ? ELSE last_met_on END WHERE seq = ?",
        [(n, m, last, last, key) for key, n, m, last in totals],
    )


def _postgres_add_totals(cursor: Cursor, totals: list[tuple[int, int, int, str]]) -> None:
    if totals:
        keys, counts, minutes, lasts = (list(column) for column in zip(*totals, strict=True))
        cursor.execute(
            "UPDATE view_pairings p SET meetings = p.meetings + t.n, minutes = p.minutes + t.m, "
            "last_met_on = CASE WHEN p.last_met_on IS NULL OR p.last_met_on < t.last "
            "THEN t.last ELSE p.last_met_on END "
            "FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[]) AS t(seq, n, m, last) "
            "WHERE p.seq = t.seq",
            (keys, counts, minutes, lasts),
        )


# The totals of a pairing from its counted meetings: one pass over them (a
# subquery for each column made three).
_RECOUNT_SQLITE = (
    "UPDATE view_pairings SET (meetings, minutes, last_met_on) = "
    "(SELECT count(*), coalesce(sum(m.minutes), 0), max(m.met_on) FROM view_meetings m "
    "  WHERE m.pairing_seq = view_pairings.seq AND m.retracted = 0) "
    "WHERE seq = ?"
)
# One index lookup per pairing (LATERAL): a join grouped over the meetings made
# the planner scan the whole table, whose statistics lag the batch's inserts.
# But each lookup visits a pairing's meetings all over the heap (PostgreSQL keeps
# rows in the order they came), ~180 us a pairing: for the many pairings of a
# replay's transaction (24k at 1M events: 4.3 s), one grouped scan of the table
# is cheaper (GROUPED_FROM pairings up).
_RECOUNT_POSTGRES = (
    "UPDATE view_pairings p SET meetings = c.n, minutes = c.m, last_met_on = c.last "
    "FROM unnest(?::bigint[]) AS t(seq), LATERAL (SELECT count(*) AS n, "
    "  coalesce(sum(m.minutes), 0) AS m, max(m.met_on) AS last FROM view_meetings m "
    "  WHERE m.pairing_seq = t.seq AND m.retracted = 0) AS c "
    "WHERE p.seq = t.seq"
)
_RECOUNT_POSTGRES_GROUPED = (
    "UPDATE view_pairings p SET meetings = coalesce(c.n, 0), minutes = coalesce(c.m, 0), "
    "last_met_on = c.last FROM unnest(?::bigint[]) AS t(seq) LEFT JOIN (SELECT pairing_seq, "
    "  count(*) AS n, sum(minutes) AS m, max(met_on) AS last FROM view_meetings "
    "  WHERE retracted = 0 GROUP BY pairing_seq) AS c "
    "  ON c.pairing_seq = t.seq "
    "WHERE p.seq = t.seq"
)
GROUPED_FROM = 2_000


def recount(cursor: Cursor, pairings: set[int]) -> None:
    """Sets the meeting totals of these pairings (by seq) from their counted meetings."""
    if not pairings:
        return
    keys = sorted(pairings)  # in key order, as the tables are stored
    if cursor.is_sqlite:
        cursor.executemany(_RECOUNT_SQLITE, [(key,) for key in keys])
    elif len(keys) < GROUPED_FROM:
        cursor.execute(_RECOUNT_POSTGRES, (keys,))
    else:
        cursor.execute(_RECOUNT_POSTGRES_GROUPED, (keys,))


class Recount:
    """The pairings whose meeting totals a transaction recounts before it
    commits, instead of adding to them batch by batch (see rebuild.py)."""

    def __init__(self, *, every: bool) -> None:
        # `every`: the transaction emptied the views, so every pairing in them
        # is one of its own and all are recounted, with no set kept of those
        # met (~0.1 s of a replay of the 1M store).
        self.every = every
        self.pairings: set[int] = set()

    def add(self, pairings: Iterable[int]) -> None:
        if not self.every:
            self.pairings.update(pairings)

    def run(self, cursor: Cursor) -> None:
        if self.every:
            rows = cursor.execute("SELECT seq FROM view_pairings").fetchall()
            recount(cursor, {int(row[0]) for row in rows})
        else:
            recount(cursor, self.pairings)
        self.pairings = set()
