"""The shapes the HTML report adds to the shared figures: curve steps, censoring
marks, numbers at risk, the last 24 months, and monthly counts that add up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from projections.engagement import monthly_table
from projections.report_data import (
    at_risk_ticks,
    first_shown_month,
    last_months,
    survival_curves,
)
from projections.rows import PairingRow

AS_OF = date(2026, 3, 1)


def row(
    key: str, days: int, reason: str | None = None, direction: str = "traditional"
) -> PairingRow:
    """A pairing paired 100 days before AS_OF that lasted `days` (ended for `reason`,
    or still running when `reason` is None and days == 100)."""
    paired_on = AS_OF - timedelta(days=100)
    ended_on = None if reason is None else paired_on + timedelta(days=days)
    return PairingRow(
        key, "alpha", "m", "e", direction, paired_on, ended_on, reason, 0, 0, 0, None, 14
    )


def test_curve_steps_censoring_marks_and_numbers_at_risk() -> None:
    # Dropouts on days 10 and 50; censored on day 50 (completed) and 100 (running).
    rows = [
        row("a", 10, "mismatch"),
        row("b", 100),
        row("c", 50, "completed"),
        row("d", 50, "mentee_withdrew"),
    ]

    [curve] = survival_curves(rows, AS_OF)

    assert curve["key"] == "traditional" and curve["longest"] == 100
    # S(10) = 3/4; S(50) = 3/4 * 2/3 (3 at risk on day 50: events before censoring).
    assert curve["steps"]["day"] == [0, 10, 50]
    assert curve["steps"]["survival"] == [1.0, 0.75, 0.5]
    assert curve["steps"]["dropouts"] == [0, 1, 1]
    assert curve["steps"]["low"][0] is None and curve["steps"]["high"][0] is None
    assert curve["censored"] == {"day": [50, 100], "count": [1, 1], "survival": [0.5, 0.5]}
    assert curve["at_risk"] == {"day": [0, 30, 60, 90], "count": [4, 3, 1, 1]}


def test_every_direction_shares_the_days_of_the_at_risk_table() -> None:
    rows = [row("a", 100), row("b", 20, "mismatch", direction="peer")]

    curves = survival_curves(rows, AS_OF)

    assert [c["key"] for c in curves] == ["traditional", "peer"]
    assert [c["at_risk"]["day"] for c in curves] == [[0, 30, 60, 90]] * 2
    assert curves[1]["at_risk"]["count"] == [1, 0, 0, 0]


@pytest.mark.parametrize(
    ("longest", "ticks"),
    [
        (0, [0]),
        (240, [0, 30, 60, 90, 120, 150, 180, 210, 240]),
        (241, [0, 90, 180]),
        (700, [0, 90, 180, 270, 360, 450, 540, 630]),
        (1000, [0, 180, 360, 540, 720, 900]),
    ],
)
def test_at_risk_ticks_are_at_most_nine_round_days(longest: int, ticks: list[int]) -> None:
    assert at_risk_ticks(longest) == ticks


def test_last_months_are_the_24_up_to_the_as_of_month_with_zeros() -> None:
    months = monthly_table([("2026-03", "peer", 2), ("2024-03", "peer", 5)])

    shown = last_months(months, AS_OF)

    assert shown["months"][0] == "2024-04" and shown["months"][-1] == "2026-03"
    assert len(shown["groups"]) == 24 and shown["any"] is True
    assert shown["groups"][-1] == {
        "key": "2026-03", "traditional": 0, "reverse": 0, "peer": 2, "total": 2,
    }  # fmt: skip
    assert shown["groups"][0] == {
        "key": "2024-04", "traditional": 0, "reverse": 0, "peer": 0, "total": 0,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("as_of", "first"),
    [(date(2026, 3, 1), date(2024, 4, 1)), (date(2026, 12, 31), date(2025, 1, 1))],
)
def test_the_first_month_shown_is_23_months_before_the_as_of_month(
    as_of: date, first: date
) -> None:
    assert first_shown_month(as_of) == first
    assert last_months([], as_of)["months"][0] == first.isoformat()[:7]


def test_last_months_without_meetings_say_so() -> None:
    assert last_months([], AS_OF)["any"] is False


def test_monthly_table_adds_up_a_month_and_direction_given_twice() -> None:
    # A traditional pairing reversed, and a reverse one not: both count as reverse.
    counts = [("2026-01", "reverse", 2), ("2026-01", "reverse", 3), ("2026-01", "peer", 1)]

    assert monthly_table(counts) == [
        {"key": "2026-01", "traditional": 0, "reverse": 5, "peer": 1, "total": 6}
    ]
