"""Participant retention: do people who take part in mentoring stay in the organisation?

Works on plain rows already cut "as of" a date D (see `projections.rows`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from domain.vocabulary import DIRECTIONS, Role
from projections.rows import PairingRow, PersonRow

ROLES: tuple[str, ...] = tuple(role.value for role in Role)
NEVER_PAIRED = "never_paired"
RETENTION_WINDOW = timedelta(days=365)


def participant_retention(
    pairings: Iterable[PairingRow], people: Iterable[PersonRow], as_of: date
) -> list[dict[str, Any]]:
    """Share of people still in the organisation a year after their first pairing.

    Grouped by direction at pairing and by the role as paired, followed by
    one group for registered people who were never paired, whose clock starts
    when they joined (or, without a joining date, when they were registered).
    """
    rows = list(pairings)
    people_by_id = {person.id: person for person in people}
    groups: list[dict[str, Any]] = []
    for direction in DIRECTIONS:
        for role in ROLES:
            starts = _first_pairing_dates(rows, direction, role)
            if starts:
                groups.append(_people_retention(direction, role, starts, people_by_id, as_of))
    paired_ids = {row.mentor for row in rows} | {row.mentee for row in rows}
    never_paired_starts = {
        person.id: person.joined_on or person.registered_on
        for person in people_by_id.values()
        if person.id not in paired_ids
    }
    groups.append(_people_retention(NEVER_PAIRED, None, never_paired_starts, people_by_id, as_of))
    return groups


def _first_pairing_dates(rows: Iterable[PairingRow], direction: str, role: str) -> dict[str, date]:
    """Earliest pairing date per person who held `role` in a `direction` pairing."""
    first: dict[str, date] = {}
    for row in rows:
        if row.direction != direction:
            continue
        person = row.mentor if role == "mentor" else row.mentee
        if person not in first or row.paired_on < first[person]:
            first[person] = row.paired_on
    return first


def _people_retention(
    key: str,
    role: str | None,
    starts: Mapping[str, date],
    people_by_id: Mapping[str, PersonRow],
    as_of: date,
) -> dict[str, Any]:
    # Only people whose full year has elapsed by D can tell us anything.
    eligible = [person for person, start in starts.items() if start + RETENTION_WINDOW <= as_of]
    retained = [
        person
        for person in eligible
        if _stayed_past(people_by_id.get(person), starts[person] + RETENTION_WINDOW)
    ]
    return {
        "key": key,
        "role": role,
        "people": len(starts),
        "eligible": len(eligible),
        "retained": len(retained),
        "share": len(retained) / len(eligible) if eligible else None,
    }


def _stayed_past(person: PersonRow | None, anniversary: date) -> bool:
    # A person missing from `people` has no recorded departure, so they count
    # as still here rather than silently disappearing from the denominator.
    return person is None or person.left_on is None or person.left_on > anniversary
