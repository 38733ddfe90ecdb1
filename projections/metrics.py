"""Kaplan-Meier survival and small statistics helpers shared by the reports.

Everything here is pure: plain numbers, dates and rows in, plain values out.
Floats are never rounded; presentation layers decide how to display them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date
from typing import TypeVar

from domain.vocabulary import DIRECTIONS, EndReason
from projections.rows import PairingRow

SURVIVAL_HORIZONS: tuple[int, ...] = (30, 90, 180, 365)
__all__ = ["DIRECTIONS"]

Row = TypeVar("Row")
Key = TypeVar("Key", bound=Hashable)

SurvivalCurve = list[tuple[int, float]]


def duration_days(row: PairingRow, as_of: date) -> int:
    """Days from pairing to its end, or to `as_of` while it is still running."""
    return ((row.ended_on or as_of) - row.paired_on).days


def is_dropout(row: PairingRow) -> bool:
    """An ending for any reason but completion is a dropout."""
    return row.ended_on is not None and row.end_reason != EndReason.COMPLETED


def kaplan_meier(durations: Iterable[tuple[int, bool]]) -> SurvivalCurve:
    """Step curve [(t, S(t))] at each distinct dropout day t, ascending.

    `durations` holds (duration_days, is_dropout) pairs; the others are
    censored. A pairing censored on a dropout day still counts as at risk on
    that day, which is the usual Kaplan-Meier convention.
    """
    # One pass over the observations sorted by duration: those with a longer
    # duration than the current day are still at risk.
    observations = sorted(durations)
    curve: SurvivalCurve = []
    survival = 1.0
    at_risk = len(observations)
    index = 0
    while index < len(observations):
        day = observations[index][0]
        dropped = leaving = 0
        while index < len(observations) and observations[index][0] == day:
            dropped += observations[index][1]
            leaving += 1
            index += 1
        if dropped:
            survival *= 1 - dropped / at_risk
            curve.append((day, survival))
        at_risk -= leaving
    return curve


def survival_at(curve: SurvivalCurve, horizon: int, max_followup: int) -> float | None:
    """Survival after every dropout up to `horizon` days.

    None when nobody has been followed for `horizon` days, because the curve
    says nothing about a time no pairing has reached.
    """
    if max_followup < horizon:
        return None
    survival = 1.0
    for day, value in curve:
        if day > horizon:
            break
        survival = value
    return survival


def median_time(curve: SurvivalCurve) -> int | None:
    """First dropout day on which survival falls to one half or below."""
    for day, value in curve:
        if value <= 0.5:
            return day
    return None


def survival_summary(
    rows: Sequence[PairingRow], as_of: date
) -> tuple[dict[str, float | None], int | None]:
    """Survival at the report horizons and the median days to dropout."""
    durations = [(duration_days(row, as_of), is_dropout(row)) for row in rows]
    curve = kaplan_meier(durations)
    max_followup = max((days for days, _ in durations), default=-1)
    survival = {
        str(horizon): survival_at(curve, horizon, max_followup) for horizon in SURVIVAL_HORIZONS
    }
    return survival, median_time(curve)


def quarter(day: date) -> str:
    """Calendar quarter label such as "2026-Q1"."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def month(day: date) -> str:
    """Calendar month label such as "2026-01"."""
    return f"{day.year}-{day.month:02d}"


def median_or_none(values: Sequence[int]) -> float | None:
    """Median (mean of the middle two for an even count); None when empty."""
    if not values:
        return None
    return statistics.median(values)


def group_rows(
    rows: Iterable[Row], key: Callable[[Row], Key], preferred_order: Sequence[Key] = ()
) -> list[tuple[Key, list[Row]]]:
    """Non-empty groups, in `preferred_order` first and then sorted by key.

    Keys outside `preferred_order` are kept rather than dropped so that an
    unexpected value shows up in the report instead of vanishing from it.
    """
    groups: dict[Key, list[Row]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    known = [k for k in preferred_order if k in groups]
    others = sorted((k for k in groups if k not in preferred_order), key=str)
    return [(k, groups[k]) for k in [*known, *others]]
