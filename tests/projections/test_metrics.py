"""Kaplan-Meier on hand-worked cases, and the small helpers behind the reports."""

from __future__ import annotations

from datetime import date

import pytest

from projections.metrics import duration_days, group_rows, median_or_none, month, quarter
from projections.rows import PairingRow
from projections.survival import kaplan_meier

# Eight pairings: dropouts on days 10, 20, 20 and 40; censored on 20 (exactly a
# dropout day), 35, 50 and 100.
WORKED_EXAMPLE = [
    (10, True),
    (20, True),
    (20, True),
    (20, False),
    (35, False),
    (40, True),
    (50, False),
    (100, False),
]


def pairing(paired_on: date, ended_on: date | None = None) -> PairingRow:
    return PairingRow(
        id="p1",
        program="alpha",
        mentor="m",
        mentee="e",
        direction="traditional",
        paired_on=paired_on,
        ended_on=ended_on,
        end_reason=None if ended_on is None else "completed",
        reversals=0,
        meetings=0,
        minutes=0,
        last_met_on=None,
        cadence_days=14,
    )


def steps(observations: list[tuple[int, bool]]) -> list[tuple[int, float]]:
    return [(step.time, step.survival) for step in kaplan_meier(observations).steps]


def test_kaplan_meier_steps_at_each_dropout_day_with_ties_and_censoring() -> None:
    curve = steps(WORKED_EXAMPLE)

    # t=10: n=8 (all), d=1 -> 7/8 = 0.875
    # t=20: n=7 (20,20,20c,35,40,50,100), d=2 -> 0.875 * 5/7 = 0.625
    # t=40: n=3 (40,50,100), d=1 -> 0.625 * 2/3 = 5/12
    assert [day for day, _ in curve] == [10, 20, 40]
    assert curve[0][1] == 0.875
    assert curve[1][1] == pytest.approx(0.625)
    assert curve[2][1] == pytest.approx(5 / 12)


def test_pairing_censored_on_a_dropout_day_is_still_at_risk_that_day() -> None:
    # n=2 (the censored one counts), d=1 -> 1/2; excluding it would give 0.
    assert steps([(5, True), (5, False)]) == [(5, 0.5)]


def test_kaplan_meier_without_dropouts_is_an_empty_curve() -> None:
    assert steps([(30, False), (400, False)]) == []


def test_survival_is_one_before_the_first_dropout() -> None:
    assert kaplan_meier(WORKED_EXAMPLE).at(9).survival == 1.0


def test_survival_includes_dropouts_on_the_horizon_day_itself() -> None:
    curve = kaplan_meier(WORKED_EXAMPLE)

    # Dropouts on days 10 and 20 both count for a 20-day horizon.
    assert curve.at(20).survival == pytest.approx(0.625)
    assert curve.at(39).survival == pytest.approx(0.625)


def test_survival_is_none_beyond_the_longest_follow_up() -> None:
    assert kaplan_meier(WORKED_EXAMPLE).at(101).survival is None


def test_survival_is_known_at_exactly_the_longest_follow_up() -> None:
    estimate = kaplan_meier(WORKED_EXAMPLE).at(100)

    assert estimate.survival == pytest.approx(5 / 12)
    assert estimate.at_risk == 1


def test_survival_is_zero_not_unknown_when_everyone_dropped_out_before_the_horizon() -> None:
    # Failed before the fix: every pairing dropped out by day 20, so S(30) = 0.
    assert kaplan_meier([(10, True), (20, True)]).at(30).survival == 0.0


def test_median_is_the_first_dropout_day_at_or_below_one_half() -> None:
    # S: 0.875 on day 10, 0.625 on day 20, 5/12 on day 40.
    assert kaplan_meier(WORKED_EXAMPLE).median().days == 40


def test_median_counts_survival_of_exactly_one_half() -> None:
    # The case: 10 pairings; 2 drop out on day 1, 1 on day 2, 2 on day 3.
    # S(3) = 8/10 * 7/8 * 5/7 = 1/2 exactly, so the median is 3 (a float product
    # gives 0.5000000000000001 and used to print null).
    observations = [(1, True)] * 2 + [(2, True)] + [(3, True)] * 2 + [(10, False)] * 5

    assert kaplan_meier(observations).median().days == 3


def test_median_is_none_when_survival_never_reaches_one_half() -> None:
    # One dropout among three: S(10) = 2/3.
    assert kaplan_meier([(10, True), (50, False), (60, False)]).median().days is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), "2026-Q1"),
        (date(2026, 3, 31), "2026-Q1"),
        (date(2026, 4, 1), "2026-Q2"),
        (date(2026, 9, 30), "2026-Q3"),
        (date(2025, 12, 31), "2025-Q4"),
    ],
)
def test_quarter_labels_calendar_quarters(day: date, expected: str) -> None:
    assert quarter(day) == expected


def test_month_label_is_zero_padded() -> None:
    assert month(date(2026, 1, 31)) == "2026-01"
    assert month(date(2025, 11, 1)) == "2025-11"


def test_duration_of_an_active_pairing_runs_to_the_report_date() -> None:
    row = pairing(paired_on=date(2026, 1, 1))

    assert duration_days(row, as_of=date(2026, 2, 1)) == 31


def test_duration_of_an_ended_pairing_stops_at_its_end() -> None:
    row = pairing(paired_on=date(2026, 1, 1), ended_on=date(2026, 1, 11))

    assert duration_days(row, as_of=date(2026, 6, 1)) == 10


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    # Sorted 3, 10, 15, 40: (10 + 15) / 2
    assert median_or_none([40, 10, 3, 15]) == 12.5


def test_median_of_nothing_is_none() -> None:
    assert median_or_none([]) is None


def test_groups_follow_the_preferred_order_then_the_rest_sorted() -> None:
    words = ["peer", "zulu", "traditional", "alpha", "peer"]

    groups = group_rows(
        words, key=lambda word: word, preferred_order=("traditional", "reverse", "peer")
    )

    # "reverse" has no rows, so it is left out.
    assert groups == [
        ("traditional", ["traditional"]),
        ("peer", ["peer", "peer"]),
        ("alpha", ["alpha"]),
        ("zulu", ["zulu"]),
    ]
