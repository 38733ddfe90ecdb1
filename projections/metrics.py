"""Small helpers shared by the reports (survival estimators: `projections.survival`).

Everything here is pure: plain numbers, dates and rows in, plain values out.
Floats are never rounded; presentation layers decide how to display them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date
from typing import TypeVar

from domain.vocabulary import DIRECTIONS
from projections.spans import Span

__all__ = ["DIRECTIONS"]

Row = TypeVar("Row")
Key = TypeVar("Key", bound=Hashable)


def duration_days(row: Span, as_of: date) -> int:
    """Days from pairing to its end, or to `as_of` while it is still running."""
    return ((row.ended_on or as_of) - row.paired_on).days


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
