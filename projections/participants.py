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
    pairings: Iterable[PairingRow],
    people: Iterable[PersonRow],
    as_of: date,
    *,
    first_launch: date | None,
) -> list[dict[str, Any]]:
    """Share of people still in the organisation a year after their first pairing.

    Grouped by direction at pairing and by the role as paired, followed by
    one group for registered people who were never paired. Their clock starts
    when they could first have been paired: the later of their joining date
    (without one, their registration date) and `first_launch`, the earliest
    launch on or before D (None: no program yet, so no clock has started).
    People who joined after D are in no group; without a joining date, that
    is people registered after D, unless a pairing on or before D shows they
    were already here.
    """
    rows = list(pairings)
    people_by_id = {person.id: person for person in people}
    first_paired: dict[str, date] = {}
    for row in rows:
        for person in (row.mentor, row.mentee):
            if person not in first_paired or row.paired_on < first_paired[person]:
                first_paired[person] = row.paired_on
    absent = {
        person.id
        for person in people_by_id.values()
        if _joined(person, first_paired.get(person.id)) > as_of
    }
    groups: list[dict[str, Any]] = []
    for direction in DIRECTIONS:
        for role in ROLES:
            starts = _first_pairing_dates(rows, direction, role, absent)
            if starts:
                groups.append(_people_retention(direction, role, starts, people_by_id, as_of))
    never_paired = [
        person
        for person in people_by_id.values()
        if person.id not in first_paired and person.id not in absent
    ]
    clocks = {
        person.id: max(_joined(person), first_launch) if first_launch is not None else None
        for person in never_paired
    }
    groups.append(_people_retention(NEVER_PAIRED, None, clocks, people_by_id, as_of))
    return groups


def _joined(person: PersonRow, first_paired: date | None = None) -> date:
    """The joining date, else the registration date or, if earlier, the first pairing."""
    if person.joined_on is not None:
        return person.joined_on
    if first_paired is not None and first_paired < person.registered_on:
        return first_paired
    return person.registered_on


def _first_pairing_dates(
    rows: Iterable[PairingRow], direction: str, role: str, absent: set[str]
) -> dict[str, date]:
    """Earliest pairing date per person who held `role` in a `direction` pairing,
    leaving out the `absent` (people who joined after D)."""
    first: dict[str, date] = {}
    for row in rows:
        if row.direction != direction:
            continue
        person = row.mentor if role == "mentor" else row.mentee
        if person in absent:
            continue
        if person not in first or row.paired_on < first[person]:
            first[person] = row.paired_on
    return first


def _people_retention(
    key: str,
    role: str | None,
    starts: Mapping[str, date | None],
    people_by_id: Mapping[str, PersonRow],
    as_of: date,
) -> dict[str, Any]:
    # Only people whose full year has elapsed by D can tell us anything; a clock
    # that has not started (None) has not run at all.
    eligible = {
        person: start
        for person, start in starts.items()
        if start is not None and start + RETENTION_WINDOW <= as_of
    }
    retained = [
        person
        for person, start in eligible.items()
        if _stayed_past(people_by_id.get(person), start + RETENTION_WINDOW)
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
