"""Retention figures a leadership team can trust: closures censored, exact halves,
known zeros, intervals, the log-rank test and competing causes, on small cases
worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from projections.retention import compare, retention_groups
from projections.rows import PairingRow

AS_OF = date(2026, 6, 1)


def lasting(
    pairing_id: str, days: int, end_reason: str | None = None, *, direction: str = "traditional"
) -> PairingRow:
    """A pairing that lasted `days` up to AS_OF: ended then if given a reason, else active."""
    return PairingRow(
        pairing_id, "alpha", "mentor", "mentee", direction, AS_OF - timedelta(days=days),
        None if end_reason is None else AS_OF, end_reason, 0, 0, 0, None, 14,
    )  # fmt: skip


def test_a_planned_closure_is_censoring_not_a_dropout() -> None:
    # A six-month scheme of 10 healthy pairs that closes on schedule, day 180.
    rows = [lasting(str(i), 180, "program_closed") for i in range(10)]

    [group] = retention_groups(rows, AS_OF)

    # Before the fix: survival 0.0 at 180 days and 10 dropouts.
    assert (group["dropped_out"], group["closed_with_program"], group["completed"]) == (0, 10, 0)
    assert group["dropout_reasons"] == {}
    assert group["survival"] == {"30": 1.0, "90": 1.0, "180": 1.0, "365": None}


def test_a_median_at_exactly_one_half_is_found() -> None:
    # 2 drop out on day 1, 1 on day 2, 2 on day 3, 5 still running on day 10:
    # S(3) = 8/10 * 7/8 * 5/7 = 1/2 exactly, so the median is 3 (it was null).
    rows = [lasting(f"a{i}", 1, "mismatch") for i in range(2)]
    rows += [lasting("b", 2, "mismatch")]
    rows += [lasting(f"c{i}", 3, "mismatch") for i in range(2)]
    rows += [lasting(f"d{i}", 10) for i in range(5)]

    [group] = retention_groups(rows, AS_OF)

    assert group["median_days_to_dropout"] == 3


def test_survival_is_zero_when_everyone_dropped_out_before_the_horizon() -> None:
    rows = [lasting("a", 10, "mismatch"), lasting("b", 20, "other")]

    [group] = retention_groups(rows, AS_OF)

    # Known to be 0 (it was null): nobody is left to drop out later.
    assert group["survival"] == {"30": 0.0, "90": 0.0, "180": 0.0, "365": 0.0}
    assert group["survival_ci"]["30"] == [0.0, 0.0]


def test_the_log_rank_test_compares_the_groups() -> None:
    # Traditional drops out on day 10; reverse is censored on day 20. On day 10:
    # n=2, d=1; E_trad = 1/2, O_trad = 1; V = 1*1*1*1 / (2^2 * 1) = 1/4, so
    # chi2 = (1 - 1/2)^2 / (1/4) = 1 on 1 df; p = P(chi2_1 > 1) = 0.3173105.
    rows = [lasting("a", 10, "mismatch"), lasting("b", 20, direction="reverse")]

    result = compare(rows, AS_OF)

    assert result == {
        "statistic": pytest.approx(1.0),
        "df": 1,
        "p_value": pytest.approx(0.3173105, abs=1e-7),
    }


def test_cumulative_incidence_of_each_cause_and_still_active_add_up_to_one() -> None:
    # Ten pairings: completed on 20 and 100; mismatch on 20; left on 50;
    # a closure on 60 (censored); five running (200 days).
    rows = [
        lasting("a", 20, "completed"),
        lasting("b", 20, "mismatch"),
        lasting("c", 50, "left_organisation"),
        lasting("d", 60, "program_closed"),
        lasting("e", 100, "completed"),
        *[lasting(f"r{i}", 200) for i in range(5)],
    ]

    [group] = retention_groups(rows, AS_OF, causes=True)

    # Day 20: n=10, one completed and one mismatch: each 1/10; S_all = 8/10.
    # Day 50: n=8: left 8/10 * 1/8 = 1/10; S_all = 7/10.
    # Day 60 the closure leaves the risk set. Day 100: n=6: completed gains
    # 7/10 * 1/6 = 7/60; S_all = 7/10 * 5/6 = 7/12.
    incidence = group["cumulative_incidence"]
    assert list(incidence) == [
        "completed", "mentor_withdrew", "mentee_withdrew", "left_organisation", "mismatch", "other",
    ]  # fmt: skip
    assert incidence["completed"] == pytest.approx(
        {"30": 0.1, "90": 0.1, "180": 0.1 + 7 / 60, "365": None}
    )
    assert incidence["mismatch"] == pytest.approx({"30": 0.1, "90": 0.1, "180": 0.1, "365": None})
    assert incidence["left_organisation"] == pytest.approx(
        {"30": 0.0, "90": 0.1, "180": 0.1, "365": None}
    )
    assert incidence["other"] == {"30": 0.0, "90": 0.0, "180": 0.0, "365": None}
    assert group["still_active"] == pytest.approx(
        {"30": 0.8, "90": 0.7, "180": 7 / 12, "365": None}
    )
    for horizon in ("30", "90", "180"):
        total = sum(values[horizon] for values in incidence.values())
        assert total + group["still_active"][horizon] == pytest.approx(1.0, abs=1e-12)
