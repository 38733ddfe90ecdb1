"""What `mentorship report` shows, gathered from one read of the views.

The figures come from the same pure functions as `retention` and `engagement`
(`retention_groups`, `engagement_groups`, `at_risk`, `monthly_table`,
`participant_retention`); this module only reads their input rows once, in one
transaction, and adds the shapes a chart needs (the Kaplan-Meier steps, months
without meetings as zeros). No click, no HTML: the command renders it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.vocabulary import DIRECTIONS
from projections import engagement, participants, retention
from projections.queries import (
    first_launch_on,
    monthly_meeting_counts,
    pairing_rows,
    person_rows,
    uuid_text,
)
from projections.rows import PairingRow
from projections.survival import Curve, kaplan_meier
from projections.views import LedgerViews

MONTHS_SHOWN = 24
AT_RISK_LISTED = 20
# Members of a retention group that only `--causes` adds.
_CAUSE_MEMBERS = ("cumulative_incidence", "still_active")


@dataclass
class ReportFigures:
    """Everything the page shows, as plain data (dates stay `date`)."""

    as_of: date
    programs: list[str]  # the programs shown; empty means all
    retention: list[dict[str, Any]]  # exactly `retention` (by direction)
    incidence: dict[str, dict[str, Any]]  # direction -> its `--causes` members
    engagement: list[dict[str, Any]]  # exactly `engagement` (by direction)
    curves: list[dict[str, Any]]
    monthly: dict[str, Any]
    program_health: list[dict[str, Any]]
    at_risk: list[dict[str, Any]]
    at_risk_total: int
    cohorts: list[dict[str, Any]]
    participants: list[dict[str, Any]]
    people: dict[str, str] = field(default_factory=dict)  # id -> name, of those listed


def gather(
    views: LedgerViews, as_of: date, programs: list[str] | None = None, *, names: bool = True
) -> ReportFigures:
    """The report's figures as of `as_of`, for `programs` (None or empty: all);
    without `names`, no person's name is even read."""
    chosen = sorted(set(programs or ()))
    views.catch_up()
    with views.db.transaction(commit=False) as cursor:  # one state for every figure
        rows = pairing_rows(cursor, as_of)
        people = person_rows(cursor, as_of)
        launch = first_launch_on(cursor, as_of)
        meeting_counts = monthly_meeting_counts(cursor, as_of, chosen, first_shown_month(as_of))
    if chosen:
        rows = [row for row in rows if row.program in chosen]
    # One retention computation with the causes; the plain groups are the same
    # dicts without the causes' members (a test holds them equal to `retention`).
    with_causes = retention.retention_groups(rows, as_of, "direction", causes=True)
    listed = engagement.at_risk(rows, as_of)
    top = [{**r, "id": uuid_text(r["id"])} for r in listed[:AT_RISK_LISTED]]
    named = sorted({r["mentor"] for r in top} | {r["mentee"] for r in top})
    return ReportFigures(
        as_of=as_of,
        programs=chosen,
        retention=[{k: v for k, v in g.items() if k not in _CAUSE_MEMBERS} for g in with_causes],
        incidence={g["key"]: {k: g[k] for k in _CAUSE_MEMBERS} for g in with_causes},
        engagement=engagement.engagement_groups(rows, as_of, "direction"),
        curves=survival_curves(rows, as_of),
        monthly=last_months(engagement.monthly_table(meeting_counts), as_of),
        program_health=engagement.engagement_groups(rows, as_of, "program"),
        at_risk=top,
        at_risk_total=len(listed),
        cohorts=retention.retention_groups(rows, as_of, "cohort"),
        participants=participants.participant_retention(rows, people, as_of, first_launch=launch),
        people=views.names(named) if names else {},
    )


def survival_curves(rows: list[PairingRow], as_of: date) -> list[dict[str, Any]]:
    """Per direction at pairing, the Kaplan-Meier curve of time to dropout as steps
    (day, S, 95% band), its censoring marks and the numbers at risk on `ticks` days."""
    curves = []
    grouped = [
        (key, retention.dropout_observations(group, as_of))
        for key, group in retention.grouped(rows, "direction")
    ]
    # One set of days for every direction, so the at-risk table has one header.
    ticks = at_risk_ticks(max((d for _, obs in grouped for d, _ in obs), default=0))
    for key, observations in grouped:
        curve = kaplan_meier(observations)
        longest = max(days for days, _ in observations)
        censored = sorted(Counter(days for days, event in observations if not event).items())
        curves.append(
            {
                "key": key,
                "longest": longest,
                "steps": _steps(curve),
                "censored": {
                    "day": [day for day, _ in censored],
                    "count": [count for _, count in censored],
                    "survival": [curve.at(day).survival for day, _ in censored],
                },
                "at_risk": {"day": ticks, "count": [curve.at_risk_at(day) for day in ticks]},
            }
        )
    return curves


def _steps(curve: Curve) -> dict[str, list[Any]]:
    """S from day 0 (1, with no band before the first dropout), then one point per step."""
    steps = curve.steps
    return {
        "day": [0, *(s.time for s in steps)],
        "survival": [1.0, *(s.survival for s in steps)],
        "low": [None, *(s.low for s in steps)],
        "high": [None, *(s.high for s in steps)],
        "dropouts": [0, *(s.events for s in steps)],
    }


def at_risk_ticks(longest: int) -> list[int]:
    """Days for the number-at-risk table: at most nine round days up to the longest."""
    rounds = (step for step in (30, 90, 180, 365, 730, 1825) if longest <= step * 8)
    every = next(rounds, -(-longest // 8))
    return list(range(0, longest + 1, every))


def first_shown_month(as_of: date) -> date:
    """The first day of the earliest of the `MONTHS_SHOWN` months up to `as_of`'s."""
    months = as_of.year * 12 + as_of.month - 1 - (MONTHS_SHOWN - 1)
    return date(months // 12, months % 12 + 1, 1)


def last_months(months: list[dict[str, Any]], as_of: date) -> dict[str, Any]:
    """Meetings per month by direction for the `MONTHS_SHOWN` months up to `as_of`'s,
    with zero for a month without meetings (so the line does not skip it)."""
    labels = []
    year, month = as_of.year, as_of.month
    for _ in range(MONTHS_SHOWN):
        labels.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    labels.reverse()
    found = {m["key"]: m for m in months}
    zero = {**dict.fromkeys(DIRECTIONS, 0), "total": 0}
    return {
        "months": labels,
        "groups": [{"key": label, **found.get(label, zero)} for label in labels],
        "any": any(label in found for label in labels),
    }
