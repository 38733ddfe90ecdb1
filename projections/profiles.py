"""One person or one program at a glance, read from the view tables (no
aggregates are loaded, so they answer as fast as a listing)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from domain.vocabulary import END_REASONS
from projections.db import Cursor
from projections.engagement import HEALTH_STATES, health
from projections.metrics import DIRECTIONS
from projections.queries import pairing_rows

_PERSON = (
    "SELECT employee_id, name, email, level, department, joined_on, left_on, left_reason "
    "FROM view_people WHERE employee_id = ?"
)
_PARTNERS = (
    "SELECT employee_id, name FROM view_people WHERE employee_id IN "
    "(SELECT mentee FROM view_pairings WHERE mentor = ? "
    "UNION SELECT mentor FROM view_pairings WHERE mentee = ?)"
)
PERSON_FIELDS = [
    "id",
    "name",
    "email",
    "level",
    "department",
    "joined_on",
    "left_on",
    "left_reason",
]


def person_row(cursor: Cursor, employee_id: str) -> dict[str, Any] | None:
    row = cursor.execute(_PERSON, (employee_id,)).fetchone()
    if row is None:
        return None
    person = dict(zip(PERSON_FIELDS, row, strict=True))
    person["status"] = "active" if person["left_on"] is None else "left"
    return person


def partner_names(cursor: Cursor, employee_id: str) -> dict[str, str]:
    """The names of everyone `employee_id` has been paired with."""
    rows = cursor.execute(_PARTNERS, (employee_id, employee_id)).fetchall()
    return {row[0]: row[1] for row in rows}


_PAIRING_FIELDS = (
    "direction",
    "status",
    "paired_on",
    "ended_on",
    "end_reason",
    "meetings",
    "last_met_on",
)


def as_partner(employee_id: str, pairing: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A pairing (with its current roles) as seen by one of its two people."""
    role = "mentor" if pairing["mentor"] == employee_id else "mentee"
    other = pairing["mentee"] if role == "mentor" else pairing["mentor"]
    return {
        "id": pairing["id"],
        "program": pairing["program"],
        "role": role,
        "with": other,
        "with_name": names.get(other),
        **{key: pairing[key] for key in _PAIRING_FIELDS},
    }


def program_summary(cursor: Cursor, slug: str, as_of: date) -> dict[str, Any] | None:
    """A program and the counts of its pairings; health is that of the active
    pairings on `as_of`, judged against the program's cadence."""
    program = cursor.execute(
        "SELECT slug, name, cadence_days, launched_on, closed_on FROM view_programs WHERE slug = ?",
        (slug,),
    ).fetchone()
    if program is None:
        return None
    rows = pairing_rows(cursor, as_of, program=slug)
    active = [row for row in rows if row.ended_on is None]
    reasons = Counter(row.end_reason for row in rows if row.ended_on is not None)
    directions = Counter(row.current_direction for row in rows)
    active_directions = Counter(row.current_direction for row in active)
    states = Counter(health(row, as_of) for row in active)
    return {
        "as_of": as_of,
        "id": program[0],
        "name": program[1],
        "cadence_days": program[2],
        "launched_on": program[3],
        "closed_on": program[4],
        "status": "open" if program[4] is None else "closed",
        "pairings": len(rows),
        "active": len(active),
        "ended": len(rows) - len(active),
        "ended_by_reason": {reason: reasons[reason] for reason in END_REASONS},
        "by_direction": {
            d: {"pairings": directions[d], "active": active_directions[d]} for d in DIRECTIONS
        },
        "meetings": sum(row.meetings for row in rows),
        "minutes": sum(row.minutes for row in rows),
        "health": {state: states[state] for state in HEALTH_STATES},
    }


def candidates(rows: Sequence[tuple[Any, ...]]) -> str:
    """(id, program, paired_on, ended_on) rows as "3f2a9c1e (spring-2026,
    2026-02-02 to 2026-05-01)" or "... (spring-2026, 2026-06-01, active)"."""
    size = 8  # the short id tables show; longer only if two would look alike
    while len({row[0][:size] for row in rows}) < len(rows):
        size += 1
    return ", ".join(
        f"{hex_id[:size]} ({program}, {paired_on}"
        + (f" to {ended_on})" if ended_on else ", active)")
        for hex_id, program, paired_on, ended_on in rows
    )
