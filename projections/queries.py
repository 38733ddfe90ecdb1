"""Reads the view tables into plain rows, as of a date D.

When D is on or after the latest `on` date in the log, the running totals kept
on each pairing are exact and are read directly; for an earlier D the totals
are recounted from the meeting and reversal rows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date
from typing import Any

from projections.db import Cursor
from projections.rows import MeetingRow, PairingRow, PersonRow

_CURRENT = (
    "SELECT p.id, p.program, p.mentor, p.mentee, p.direction, p.paired_on, p.ended_on, "
    "p.end_reason, p.reversals, p.meetings, p.minutes, p.last_met_on, g.cadence_days "
    "FROM view_pairings p JOIN view_programs g ON g.slug = p.program"
)

_AS_OF = (
    "SELECT p.id, p.program, p.mentor, p.mentee, p.direction, p.paired_on, "
    "CASE WHEN p.ended_on <= ? THEN p.ended_on END, "
    "CASE WHEN p.ended_on <= ? THEN p.end_reason END, "
    "(SELECT count(*) FROM view_reversals r WHERE r.pairing_id = p.id AND r.reversed_on <= ?), "
    "coalesce(m.n, 0), coalesce(m.total, 0), m.last, g.cadence_days "
    "FROM view_pairings p JOIN view_programs g ON g.slug = p.program "
    "LEFT JOIN (SELECT pairing_id, count(*) AS n, sum(minutes) AS total, max(met_on) AS last "
    "  FROM view_meetings WHERE retracted = 0 AND met_on <= ? GROUP BY pairing_id) m "
    "  ON m.pairing_id = p.id "
    "WHERE p.paired_on <= ?"
)


def uuid_text(hex_id: str) -> str:
    return f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _pairing(row: tuple[Any, ...]) -> PairingRow:
    return PairingRow(
        id=uuid_text(row[0]),
        program=row[1],
        mentor=row[2],
        mentee=row[3],
        direction=row[4],
        paired_on=date.fromisoformat(row[5]),
        ended_on=_day(row[6]),
        end_reason=row[7],
        reversals=int(row[8]),
        meetings=int(row[9]),
        minutes=int(row[10]),
        last_met_on=_day(row[11]),
        cadence_days=int(row[12]),
    )


def pairing_rows(cursor: Cursor, as_of: date, latest_on: str) -> list[PairingRow]:
    day = as_of.isoformat()
    if day >= latest_on:
        rows = cursor.execute(_CURRENT + " WHERE p.paired_on <= ?", (day,)).fetchall()
    else:
        rows = cursor.execute(_AS_OF, (day, day, day, day, day)).fetchall()
    return [_pairing(row) for row in rows]


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


def meeting_rows(cursor: Cursor, as_of: date) -> list[MeetingRow]:
    """Counted meetings on or before D, each with the direction in force that day."""
    day = as_of.isoformat()
    reversals: dict[str, list[str]] = defaultdict(list)
    for pairing_id, on in cursor.execute(
        "SELECT pairing_id, reversed_on FROM view_reversals ORDER BY reversed_on"
    ).fetchall():
        reversals[pairing_id].append(on)
    rows = cursor.execute(
        "SELECT m.pairing_id, m.met_on, m.minutes, p.direction FROM view_meetings m "
        "JOIN view_pairings p ON p.id = m.pairing_id WHERE m.retracted = 0 AND m.met_on <= ?",
        (day,),
    ).fetchall()
    result = []
    for pairing_id, on, minutes, direction in rows:
        # A reversal takes effect from its own date.
        flips = bisect_right(reversals.get(pairing_id, []), on)
        if flips % 2 and direction != "peer":
            direction = "reverse" if direction == "traditional" else "traditional"
        result.append(MeetingRow(uuid_text(pairing_id), date.fromisoformat(on), minutes, direction))
    return result
