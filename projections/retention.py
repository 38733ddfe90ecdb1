"""Retention report: how long pairings last before dropping out, with uncertainty.

Works on plain rows already cut "as of" a date D (see `projections.spans`).
Pairing retention is a Kaplan-Meier estimate of the time to dropout. Completing
a pairing is not a dropout, and neither is a planned program closure: both are
censored at their duration, like pairings still running on D.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from operator import attrgetter
from typing import Any

from domain.vocabulary import DIRECTIONS, END_REASONS, REPORT_HORIZONS, EndReason
from projections.incidence import cumulative_incidence
from projections.logrank import logrank
from projections.metrics import duration_days, group_rows, quarter
from projections.spans import Span
from projections.survival import Observation, kaplan_meier

HORIZONS = REPORT_HORIZONS
# Fewer pairings than this still at risk at a horizon makes its estimate shaky:
# the reports flag it.
FEW_AT_RISK = 20
# Reasons that end a pairing without it dropping out (censored).
NOT_DROPOUTS = frozenset({EndReason.COMPLETED, EndReason.PROGRAM_CLOSED})
# Ways a pairing can end, for cumulative incidence: a closure is censoring.
CAUSES: tuple[str, ...] = tuple(r for r in END_REASONS if r != EndReason.PROGRAM_CLOSED)
# A storage layer should always give a reason with an ending; this keeps a
# malformed row visible in the breakdown instead of crashing the report.
UNSPECIFIED_REASON = "unspecified"

_GROUP_KEYS: dict[str, Callable[[Span], str]] = {
    "direction": attrgetter("direction"),  # C, not a Python call per row
    "program": attrgetter("program"),
    "cohort": lambda row: quarter(row.paired_on),
}


def is_dropout(row: Span) -> bool:
    """Ended for any reason but completion or the program's planned closure."""
    return row.ended_on is not None and row.end_reason not in NOT_DROPOUTS


def cause(row: Span) -> str | None:
    """How the pairing ended, or None while it runs or when a closure censored it."""
    if row.ended_on is None or row.end_reason == EndReason.PROGRAM_CLOSED:
        return None
    return row.end_reason or UNSPECIFIED_REASON


def dropout_observations(rows: Iterable[Span], as_of: date) -> list[Observation]:
    """`(duration_days, is_dropout)` of each row, written out: two calls per row
    were a quarter of the retention report's Python time at 1M events."""
    return [
        (
            ((row.ended_on or as_of) - row.paired_on).days,
            row.ended_on is not None and row.end_reason not in NOT_DROPOUTS,
        )
        for row in rows
    ]


def grouped(rows: Iterable[Span], by: str) -> list[tuple[str, list[Span]]]:
    """Non-empty groups: by direction at pairing, program (slug) or cohort (quarter)."""
    if by not in _GROUP_KEYS:
        choices = ", ".join(_GROUP_KEYS)
        raise ValueError(f"unknown grouping {by!r}: expected one of {choices}")
    preferred_order = DIRECTIONS if by == "direction" else ()
    return group_rows(rows, _GROUP_KEYS[by], preferred_order)


def retention_groups(
    rows: Iterable[Span], as_of: date, by: str = "direction", *, causes: bool = False
) -> list[dict[str, Any]]:
    """One retention summary per non-empty group of pairings.

    With `causes`, each group also has the cumulative incidence of every way a
    pairing ends (Aalen-Johansen, closures censored) at the report horizons.
    """
    return [_pairing_retention(key, group, as_of, causes) for key, group in grouped(rows, by)]


def compare(rows: Iterable[Span], as_of: date, by: str = "direction") -> dict[str, Any]:
    """Log-rank test of equal time-to-dropout curves across the groups (with fewer
    than two groups, nothing to compare: statistic 0 on 0 df, as with no dropouts)."""
    groups = [dropout_observations(group, as_of) for _, group in grouped(rows, by)]
    if len(groups) < 2:
        return {"statistic": 0.0, "df": 0, "p_value": 1.0}
    result = logrank(groups)
    return {"statistic": result.statistic, "df": result.df, "p_value": result.p_value}


def _pairing_retention(
    key: str, group: Sequence[Span], as_of: date, causes: bool
) -> dict[str, Any]:
    ended = [row for row in group if row.ended_on is not None]
    dropouts = [row for row in ended if row.end_reason not in NOT_DROPOUTS]  # is_dropout
    completed = sum(1 for row in ended if row.end_reason == EndReason.COMPLETED)
    reasons = Counter(row.end_reason or UNSPECIFIED_REASON for row in dropouts)
    curve = kaplan_meier(dropout_observations(group, as_of))
    estimates = {str(horizon): curve.at(horizon) for horizon in HORIZONS}
    median = curve.median()
    summary: dict[str, Any] = {
        "key": key,
        "started": len(group),
        "active": len(group) - len(ended),
        "completed": completed,
        "closed_with_program": len(ended) - len(dropouts) - completed,
        "dropped_out": len(dropouts),
        "dropout_reasons": dict(sorted(reasons.items())),
        "reversed": sum(1 for row in group if row.reversals >= 1),
        "survival": {h: e.survival for h, e in estimates.items()},
        "median_days_to_dropout": median.days,
        "survival_ci": {
            h: None if e.low is None else [e.low, e.high] for h, e in estimates.items()
        },
        "at_risk": {h: e.at_risk for h, e in estimates.items()},
        "few_at_risk": {h: e.at_risk < FEW_AT_RISK for h, e in estimates.items()},
        "median_ci": [median.low, median.high],
    }
    if causes:
        summary.update(_incidence(group, as_of))
    return summary


def _incidence(group: Sequence[Span], as_of: date) -> dict[str, Any]:
    """Per cause, its cumulative incidence at each horizon; and `still_active`,
    P(not ended by any cause), with which the incidences add up to 1."""
    observations = [(duration_days(row, as_of), cause(row)) for row in group]
    found = cumulative_incidence(observations, HORIZONS)
    ended_at_all = kaplan_meier((days, why is not None) for days, why in observations)
    active = {str(h): ended_at_all.at(h).survival for h in HORIZONS}
    # Every cause appears, in the vocabulary's order; one nobody ended by is 0
    # wherever the curve is defined.
    names = [*CAUSES, *sorted(set(found) - set(CAUSES))]
    incidence = {
        name: {
            str(h): found[name][h]
            if name in found
            else (0.0 if active[str(h)] is not None else None)
            for h in HORIZONS
        }
        for name in names
    }
    return {"cumulative_incidence": incidence, "still_active": active}
