"""Engagement report: how often active pairings meet, and which have gone quiet.

Works on plain rows already cut "as of" a date D (see `projections.rows`).
A pairing's health compares the days since its last meeting with the
program's expected cadence c: within c is healthy, within 2c at risk, beyond
that dormant.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from projections.metrics import DIRECTIONS, duration_days, group_rows, median_or_none, month
from projections.rows import MeetingRow, PairingRow

HEALTHY = "healthy"
AT_RISK = "at_risk"
DORMANT = "dormant"
NEVER_MET = "never_met"
HEALTH_STATES: tuple[str, ...] = (HEALTHY, AT_RISK, DORMANT, NEVER_MET)
DAYS_PER_MONTH = 30

_GROUP_KEYS: dict[str, Callable[[PairingRow], str]] = {
    "direction": lambda row: row.current_direction,
    "program": lambda row: row.program,
}


def health(row: PairingRow, as_of: date) -> str:
    """healthy, at_risk, dormant or never_met, judged against the cadence."""
    if row.meetings == 0 or row.last_met_on is None:
        return NEVER_MET
    days_quiet = (as_of - row.last_met_on).days
    if days_quiet <= row.cadence_days:
        return HEALTHY
    if days_quiet <= 2 * row.cadence_days:
        return AT_RISK
    return DORMANT


def meetings_per_month(row: PairingRow, as_of: date) -> float:
    """meetings / max(duration, c) * 30: a pairing younger than one cadence counts as
    one cadence old, so that one early meeting is not read as 30 a month."""
    # The cadence is at least one day (validated), so this never divides by zero.
    return row.meetings / max(duration_days(row, as_of), row.cadence_days) * DAYS_PER_MONTH


def engagement_groups(
    rows: Iterable[PairingRow], as_of: date, by: str = "direction"
) -> list[dict[str, Any]]:
    """One engagement summary per non-empty group of pairings active on `as_of`.

    `by` is "direction" (the current direction, after reversals) or "program".
    """
    if by not in _GROUP_KEYS:
        choices = ", ".join(_GROUP_KEYS)
        raise ValueError(f"unknown grouping {by!r}: expected one of {choices}")
    active = (row for row in rows if row.ended_on is None)
    preferred_order = DIRECTIONS if by == "direction" else ()
    return [
        _engagement(key, group, as_of)
        for key, group in group_rows(active, _GROUP_KEYS[by], preferred_order)
    ]


def _engagement(key: str, group: Sequence[PairingRow], as_of: date) -> dict[str, Any]:
    monthly_rates = [meetings_per_month(row, as_of) for row in group]
    days_quiet = [
        (as_of - row.last_met_on).days
        for row in group
        if row.meetings > 0 and row.last_met_on is not None
    ]
    states = [health(row, as_of) for row in group]
    return {
        "key": key,
        "pairings": len(group),
        "meetings": sum(row.meetings for row in group),
        "minutes": sum(row.minutes for row in group),
        "meetings_per_month": statistics.fmean(monthly_rates),
        "days_since_last_meeting": median_or_none(days_quiet),
        "health": {state: states.count(state) for state in HEALTH_STATES},
    }


def at_risk(rows: Iterable[PairingRow], as_of: date) -> list[dict[str, Any]]:
    """Active pairings needing attention, worst first.

    At risk or dormant pairings, plus pairings that have never met once they
    are older than one cadence (a brand-new pairing has not had the chance).
    Worst means quiet for the most cadences, then the most days.
    """
    flagged: list[dict[str, Any]] = []
    for row in rows:
        if row.ended_on is not None:
            continue
        state = health(row, as_of)
        if state == HEALTHY:
            continue
        age = duration_days(row, as_of)
        if state == NEVER_MET and age <= row.cadence_days:
            continue
        flagged.append(_at_risk_entry(row, state, as_of, age))
    flagged.sort(
        key=lambda entry: (
            -entry["days_quiet"] / entry["cadence_days"],
            -entry["days_quiet"],
            entry["id"],
        )
    )
    return flagged


def _at_risk_entry(row: PairingRow, state: str, as_of: date, age: int) -> dict[str, Any]:
    # Each reversal swaps who mentors whom, peer pairings included.
    mentor, mentee = (row.mentee, row.mentor) if row.reversals % 2 else (row.mentor, row.mentee)
    if state == NEVER_MET or row.last_met_on is None:
        days_quiet = age
    else:
        days_quiet = (as_of - row.last_met_on).days
    return {
        "id": row.id,
        "program": row.program,
        "direction": row.current_direction,
        "mentor": mentor,
        "mentee": mentee,
        "health": state,
        "paired_on": row.paired_on,
        "last_met_on": row.last_met_on,
        "days_quiet": days_quiet,
        "cadence_days": row.cadence_days,
    }


def monthly_meetings(meetings: Iterable[MeetingRow]) -> list[dict[str, Any]]:
    """Meetings per calendar month, split by the direction in force that day."""
    return monthly_table((month(meeting.on), meeting.direction, 1) for meeting in meetings)


def monthly_table(counts: Iterable[tuple[str, str, int]]) -> list[dict[str, Any]]:
    """Meetings per calendar month by direction, from `(month, direction, count)`
    triples such as `queries.monthly_meeting_counts` gives; a month and direction
    may come more than once (they add up)."""
    table: dict[str, dict[str, int]] = {}
    for key, direction, count in counts:
        if direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {direction!r} on a meeting")
        per_direction = table.setdefault(key, dict.fromkeys(DIRECTIONS, 0))
        per_direction[direction] += count
    return [
        {"key": key, **per_direction, "total": sum(per_direction.values())}
        for key, per_direction in sorted(table.items())
    ]
