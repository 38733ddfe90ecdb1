"""Reads the view tables into plain rows, as of a date D.

When D is on or after the latest `on` date in the log, the running totals kept
on each pairing are exact and are read directly; for an earlier D the totals
are recounted from the meeting and reversal rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from domain.vocabulary import Status, direction_after
from projections.db import Cursor
from projections.meeting_dates import AS_OF_POSTGRES, AS_OF_SQLITE, totals_as_of
from projections.rows import PairingRow, PersonRow
from projections.schema import PROJECTION
from projections.spans import PairingSpan

_CURRENT = (
    "SELECT id, program, mentor, mentee, direction, paired_on, ended_on, end_reason, "
    "reversals, meetings, minutes, last_met_on FROM view_pairings WHERE paired_on <= ?"
)

# A pairing as of D: its ending only if it ended by D, its reversals up to D
# (three parameters, each D). Most pairings never reverse (`reversals`, their
# running total, is 0), which spares them the lookup.
_ENDING_AND_REVERSALS_AS_OF = (
    "CASE WHEN p.ended_on <= ? THEN p.ended_on END, "
    "CASE WHEN p.ended_on <= ? THEN p.end_reason END, "
    "CASE WHEN p.reversals = 0 THEN 0 ELSE (SELECT count(*) FROM view_reversals r "
    "WHERE r.pairing_seq = p.seq AND r.reversed_on <= ?) END"
)

# The meetings as of D come from each pairing's date-sorted lists (see
# projections/meeting_dates.py): the dialect's selection and join.
_AS_OF = (
    "SELECT p.id, p.program, p.mentor, p.mentee, p.direction, p.paired_on, "
    f"{_ENDING_AND_REVERSALS_AS_OF}, {{meetings}} FROM view_pairings p {{join}} "
    "WHERE p.paired_on <= ?"
)
_AS_OF_SQLITE = _AS_OF.format(meetings=AS_OF_SQLITE[0], join=AS_OF_SQLITE[1])
_AS_OF_POSTGRES = _AS_OF.format(meetings=AS_OF_POSTGRES[0], join=AS_OF_POSTGRES[1])


LISTING = (
    "SELECT p.id, p.program, p.mentor, p.mentee, p.direction, p.reversals, p.paired_on, "
    "p.ended_on, p.end_reason, p.meetings, p.minutes, p.last_met_on FROM view_pairings p"
)


def current_pairing(row: tuple[Any, ...]) -> dict[str, Any]:
    """A `LISTING` row as the listings show it: roles and direction as they are now."""
    hex_id, program, mentor, mentee, direction, reversals = row[:6]
    if reversals % 2:
        mentor, mentee = mentee, mentor
    direction = direction_after(direction, reversals)
    return {
        "id": uuid_text(hex_id),
        "program": program,
        "mentor": mentor,
        "mentee": mentee,
        "direction": direction,
        "status": Status.ACTIVE if row[7] is None else Status.ENDED,
        "paired_on": row[6],
        "ended_on": row[7],
        "end_reason": row[8],
        "reversals": reversals,
        "meetings": row[9],
        "minutes": row[10],
        "last_met_on": row[11],
    }


def uuid_text(hex_id: str) -> str:
    return f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _totals_exact(cursor: Cursor, day: str) -> bool:
    """Whether D is on or after the latest `on` date in the log, where the
    running totals kept on each pairing are exact as of D."""
    tracked = cursor.execute(
        "SELECT latest_on FROM view_tracking WHERE projection = ?", (PROJECTION,)
    ).fetchone()
    return day >= ((tracked[0] if tracked else None) or "")


def pairing_rows(
    cursor: Cursor, as_of: date, program: str | None = None, *, active_only: bool = False
) -> list[PairingRow]:
    """Pairings as of D (only those of `program`, if given; only those still
    active on D, if `active_only`: engagement reads about a third of the rows;
    counting only their meetings in SQL was faster on SQLite but much slower on
    PostgreSQL);
    their ids stay 32 hex digits (see `uuid_text`).

    Reads the latest `on` date in the same transaction as the rows, so that a
    batch committed meanwhile by another process cannot mix two states.
    """
    day = as_of.isoformat()
    current = _totals_exact(cursor, day)
    if current:
        sql, params = _CURRENT, [day]
    elif cursor.is_sqlite:
        sql, params = _AS_OF_SQLITE, [day] * 4
    else:
        sql, params = _AS_OF_POSTGRES, [day] * 5
    if program is not None:  # both queries end in their WHERE clause
        sql += " AND program = ?" if current else " AND p.program = ?"
        params.append(program)
    if active_only:  # on or after the latest date, every ending is on or before D
        sql += " AND ended_on IS NULL" if current else " AND (p.ended_on IS NULL OR p.ended_on > ?)"
        params += [] if current else [day]
    rows = cursor.execute(sql, params).fetchall()
    cadence = dict(cursor.execute("SELECT slug, cadence_days FROM view_programs").fetchall())
    if not current and cursor.is_sqlite:
        rows = [(*r[:9], *totals_as_of(r[9], r[10], day)) for r in rows]
    iso = date.fromisoformat
    # Built positionally in one comprehension: tens of thousands per query.
    return [
        PairingRow(
            r[0], r[1], r[2], r[3], r[4], iso(r[5]), r[6] and iso(r[6]), r[7],
            int(r[8]), int(r[9]), int(r[10]), r[11] and iso(r[11]), int(cadence[r[1]]),
        )
        for r in rows
    ]  # fmt: skip


# As `_CURRENT` and `_AS_OF`, with only what retention reads: no meetings.
_SPANS_CURRENT = (
    "SELECT program, direction, paired_on, ended_on, end_reason, reversals "
    "FROM view_pairings WHERE paired_on <= ?"
)
_SPANS_AS_OF = (
    f"SELECT p.program, p.direction, p.paired_on, {_ENDING_AND_REVERSALS_AS_OF} "
    "FROM view_pairings p WHERE p.paired_on <= ?"
)


def span_rows(cursor: Cursor, as_of: date) -> list[PairingSpan]:
    """Every pairing as of D, as `pairing_rows` cuts it, with retention's fields only."""
    day = as_of.isoformat()
    current = _totals_exact(cursor, day)
    sql, params = (_SPANS_CURRENT, [day]) if current else (_SPANS_AS_OF, [day] * 4)
    iso = date.fromisoformat
    return [
        PairingSpan(r[0], r[1], iso(r[2]), r[3] and iso(r[3]), r[4], int(r[5]))
        for r in cursor.execute(sql, params).fetchall()
    ]


def person_rows(cursor: Cursor, as_of: date) -> list[PersonRow]:
    rows = cursor.execute(
        "SELECT employee_id, joined_on, registered_on, "
        "CASE WHEN left_on <= ? THEN left_on END FROM view_people",
        (as_of.isoformat(),),
    ).fetchall()
    return [
        PersonRow(
            id=r[0],
            joined_on=_day(r[1]),
            registered_on=date.fromisoformat(r[2]),
            left_on=_day(r[3]),
        )
        for r in rows
    ]


def first_launch_on(cursor: Cursor, as_of: date) -> date | None:
    """The earliest launch date among programs launched on or before D, if any."""
    row = cursor.execute(
        "SELECT min(launched_on) FROM view_programs WHERE launched_on <= ?", (as_of.isoformat(),)
    ).fetchone()
    return _day(row[0] if row else None)


# The reversals on or before a meeting's day give the direction in force that
# day (a reversal takes effect from its own date); most pairings never reverse
# (`reversals`, their running total, is 0), which spares them the subquery.
# No `%` in the SQL: psycopg reads it as a placeholder.
_MONTHLY = (
    "SELECT substr(m.met_on, 1, 7), p.direction, "
    "CASE WHEN p.reversals = 0 THEN 0 ELSE (SELECT count(*) FROM view_reversals r "
    "WHERE r.pairing_seq = m.pairing_seq AND r.reversed_on <= m.met_on) END, count(*) "
    "FROM view_meetings m JOIN view_pairings p ON p.seq = m.pairing_seq "
    "WHERE m.retracted = 0 AND m.met_on <= ?"
)


def monthly_meeting_counts(
    cursor: Cursor, as_of: date, programs: Sequence[str] = (), since: date | None = None
) -> list[tuple[str, str, int]]:
    """Counted meetings on or before D as `(month, direction in force, count)`,
    counted by the database (a large store holds about a million meetings,
    several seconds as rows); only those of `programs`, and on or after
    `since`, when given."""
    sql, params = _MONTHLY, [as_of.isoformat()]
    if since is not None:
        sql += " AND m.met_on >= ?"
        params.append(since.isoformat())
    if programs:
        sql += f" AND p.program IN ({', '.join('?' for _ in programs)})"
        params += list(programs)
    rows = cursor.execute(f"{sql} GROUP BY 1, 2, 3", params).fetchall()
    return [
        (key, direction_after(direction, int(reversals)), int(n))
        for key, direction, reversals, n in rows
    ]
