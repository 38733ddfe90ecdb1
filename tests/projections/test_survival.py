"""Kaplan-Meier with exact halves, Greenwood log(-log) intervals, horizons, median.

Expected values are worked by hand (fractions written out in each docstring)
or published; lifelines is only a cross-check at the end.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.survival import Estimate, Median, Observation, kaplan_meier

# Ten pairings: 2 drop out on day 1, 1 on day 2, 2 on day 3, 5 censored on day 10.
TEN = [(1, True)] * 2 + [(2, True)] + [(3, True)] * 2 + [(10, False)] * 5

# Freireich et al. (1963) 6-MP arm, remission weeks (also lifelines' gehan.dat).
SIX_MP: list[Observation] = [(t, True) for t in (6, 6, 6, 7, 10, 13, 16, 22, 23)] + [
    (t, False) for t in (6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35)
]
PLACEBO: list[Observation] = [
    (t, True) for t in (1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23)
]


def test_an_exact_half_is_exactly_half_and_is_the_median() -> None:
    """S(3) = 8/10 * 7/8 * 5/7 = 1/2, so the median is day 3.

    The naive float product is 0.5000000000000001 and would put the median
    later (here: never), which is the defect being fixed.
    """
    assert (1 - 2 / 10) * (1 - 1 / 8) * (1 - 2 / 7) > 0.5  # the trap is real
    curve = kaplan_meier(TEN)
    assert [(s.time, s.at_risk, s.events) for s in curve.steps] == [
        (1, 10, 2),
        (2, 8, 1),
        (3, 7, 2),
    ]
    assert curve.steps[-1].survival == 0.5
    assert curve.median().days == 3


@pytest.mark.parametrize(
    ("observations", "day"),
    [
        # 6 at risk, 1 event: 5/6; then 5 at risk, 2 events: 5/6 * 3/5 = 1/2.
        ([(1, True), (3, True), (3, True), (9, False), (9, False), (9, False)], 3),
        # 9 at risk, 3 events: 2/3; 2 censored; 4 at risk, 1 event: 2/3 * 3/4 = 1/2.
        ([(1, True)] * 3 + [(2, False)] * 2 + [(4, True)] + [(7, False)] * 3, 4),
        # No censoring: 20000 single dropouts; S after day k is (20000 - k) / 20000,
        # exactly 1/2 on day 10000 after 10000 float multiplications.
        ([(day, True) for day in range(1, 20001)], 10000),
    ],
)
def test_halves_reached_through_products_are_exact(
    observations: list[Observation], day: int
) -> None:
    curve = kaplan_meier(observations)
    at_day = curve.at(day)
    assert at_day.survival == 0.5
    assert curve.median().days == day


def test_greenwood_sums_and_loglog_bounds_worked_by_hand() -> None:
    """TEN: V(1) = 2/(10*8) = 1/40; V(2) = 1/40 + 1/(8*7) = 3/70; V(3) = 3/70 + 2/(7*5) = 1/10.

    Bounds S ** exp(+-z sqrt(V) / |ln S|), z = 1.959963984540054, evaluated with
    40-digit decimals: (4/5, 1/40) -> 0.408690781633404, 0.945872645838912;
    (7/10, 3/70) -> 0.328716593279735, 0.891949041224844;
    (1/2, 1/10) -> 0.183605590619015, 0.75317407699823.
    """
    steps = kaplan_meier(TEN).steps
    assert [s.variance_sum for s in steps] == pytest.approx([1 / 40, 3 / 70, 1 / 10], rel=1e-15)
    assert [s.survival for s in steps] == pytest.approx([0.8, 0.7, 0.5], rel=1e-15)
    assert [s.low for s in steps] == pytest.approx(
        [0.408690781633404, 0.328716593279735, 0.183605590619015], rel=1e-13
    )
    assert [s.high for s in steps] == pytest.approx(
        [0.945872645838912, 0.891949041224844, 0.75317407699823], rel=1e-13
    )


def test_median_interval_is_where_the_band_crosses_half() -> None:
    """TEN: lower band 0.409 <= 1/2 already on day 1; upper band never gets there (0.753)."""
    assert kaplan_meier(TEN).median() == Median(days=3, low=1, high=None)


def test_everyone_gone_at_an_event_time_gives_zero_with_a_zero_interval() -> None:
    """Days 1, 2, 2, all dropouts: S(1) = 2/3, V(1) = 1/(3*2) = 1/6; on day 2 n == d = 2.

    The n == d Greenwood term is infinite and left out, as lifelines does, so
    V(2) stays 1/6; S(2) = 0 and its interval is [0, 0]. Day-1 bounds from
    (2/3, 1/6): 0.0540734267865167 and 0.945206387272047 (40-digit decimals).
    A horizon past everyone is S = 0, not None: everyone dropped out.
    """
    curve = kaplan_meier([(1, True), (2, True), (2, True)])
    first, last = curve.steps
    assert (first.survival, first.variance_sum) == pytest.approx((2 / 3, 1 / 6), rel=1e-15)
    assert (first.low, first.high) == pytest.approx((0.0540734267865167, 0.945206387272047))
    assert (last.at_risk, last.events, last.survival) == (2, 2, 0.0)
    assert last.variance_sum == first.variance_sum
    assert (last.low, last.high) == (0.0, 0.0)
    assert curve.at(365) == Estimate(survival=0.0, low=0.0, high=0.0, at_risk=0)
    # Lower band 0.054 <= 1/2 on day 1, upper band first <= 1/2 on day 2 (it is 0).
    assert curve.median() == Median(days=2, low=1, high=2)


def test_a_pairing_censored_on_a_dropout_day_is_still_at_risk_that_day() -> None:
    """Day 2: 4 at risk (one of them censored on 2), 1 dropout: 3/4.

    Day 3: 2 at risk, 1 dropout: S = 3/4 * 1/2 = 3/8.
    """
    curve = kaplan_meier([(2, True), (2, False), (3, True), (5, False)])
    assert [(s.time, s.at_risk, s.events, s.survival) for s in curve.steps] == [
        (2, 4, 1, 0.75),
        (3, 2, 1, 0.375),
    ]


def test_horizons_report_survival_interval_and_number_at_risk() -> None:
    """TEN: before day 1 S = 1 with no interval; at 3..10 S = 1/2 with 7 then 5 at risk.

    Past day 10 nobody is followed and S = 1/2 > 0: undefined, None.
    """
    curve = kaplan_meier(TEN)
    assert curve.at(0) == Estimate(survival=1.0, low=None, high=None, at_risk=10)
    half = curve.at(3)
    assert (half.survival, half.at_risk) == (0.5, 7)
    assert half.low == pytest.approx(0.183605590619015, rel=1e-13)
    assert (curve.at(4).at_risk, curve.at(10).at_risk, curve.at(10).survival) == (5, 5, 0.5)
    assert curve.at(11) == Estimate(survival=None, low=None, high=None, at_risk=0)


def test_no_events_or_no_data() -> None:
    """All censored: S = 1 up to the longest follow-up, None after, no median."""
    curve = kaplan_meier([(5, False), (8, False)])
    assert curve.steps == ()
    assert curve.at(8) == Estimate(survival=1.0, low=None, high=None, at_risk=1)
    assert curve.at(9).survival is None
    assert curve.median() == Median(None, None, None)
    empty = kaplan_meier([])
    assert empty.at(0) == Estimate(None, None, None, 0)
    assert empty.median() == Median(None, None, None)
    with pytest.raises(ValueError, match="negative"):
        kaplan_meier([(-1, True)])


def test_six_mp_arm_matches_the_textbook() -> None:
    """Freireich et al. (1963) 6-MP arm; Kleinbaum & Klein, Survival Analysis: A
    Self-Learning Text, ch. 2: S(6)=0.857, S(7)=0.807, S(10)=0.753, S(13)=0.690,
    S(16)=0.627, S(22)=0.538, S(23)=0.448; median 23 weeks.

    Exactly: n, d = (21,3) (17,1) (15,1) (12,1) (11,1) (7,1) (6,1), so
    S(23) = 6/7 * 16/17 * 14/15 * 11/12 * 10/11 * 6/7 * 5/6 and
    V(23) = 1/126 + 1/272 + 1/210 + 1/132 + 1/110 + 1/42 + 1/30.
    The log-log bounds (lower .620 .563 .503 .432 .368 .268 .188, upper
    .952 .923 .889 .849 .805 .747 .680; median 23, 95% interval 13 to none)
    follow from the Greenwood sums above by the formula in docs/metrics.md, and
    the lifelines cross-check below agrees with them to full precision (they
    should match R's survfit with conf.type = "log-log"; not checked against R
    here).
    """
    curve = kaplan_meier(SIX_MP)
    steps = curve.steps
    assert [(s.time, s.at_risk, s.events) for s in steps] == [
        (6, 21, 3), (7, 17, 1), (10, 15, 1), (13, 12, 1), (16, 11, 1), (22, 7, 1), (23, 6, 1),
    ]  # fmt: skip
    assert [round(s.survival, 3) for s in steps] == [
        0.857,
        0.807,
        0.753,
        0.690,
        0.627,
        0.538,
        0.448,
    ]
    exact = Fraction(6, 7) * Fraction(16, 17) * Fraction(14, 15) * Fraction(11, 12)
    exact *= Fraction(10, 11) * Fraction(6, 7) * Fraction(5, 6)
    assert steps[-1].survival == pytest.approx(float(exact), rel=1e-15)
    variance = sum(Fraction(1, k) for k in (126, 272, 210, 132, 110, 42, 30))
    assert steps[-1].variance_sum == pytest.approx(float(variance), rel=1e-14)
    assert [round(s.low, 3) for s in steps] == [0.620, 0.563, 0.503, 0.432, 0.368, 0.268, 0.188]
    assert [round(s.high, 3) for s in steps] == [0.952, 0.923, 0.889, 0.849, 0.805, 0.747, 0.680]
    assert curve.median() == Median(days=23, low=13, high=None)
    assert kaplan_meier(PLACEBO).median().days == 8


def _exact_curve(observations: list[Observation]) -> list[tuple[int, int, int, Fraction, Fraction]]:
    """Kaplan-Meier in Fractions, by the definition, quadratic on purpose (a second route)."""
    rows = []
    survival, variance = Fraction(1), Fraction(0)
    for time in sorted({t for t, event in observations if event}):
        n = sum(1 for t, _ in observations if t >= time)
        d = sum(1 for t, event in observations if t == time and event)
        survival *= Fraction(n - d, n)
        if n > d:
            variance += Fraction(d, n * (n - d))
        rows.append((time, n, d, survival, variance))
    return rows


small_data = st.lists(st.tuples(st.integers(0, 6), st.booleans()), max_size=16)


@settings(max_examples=400, deadline=None)
@given(small_data)
def test_matches_exact_fractions_on_either_side_of_half(observations: list[Observation]) -> None:
    """Against the Fraction route: same table, S within 1e-12, exactly 0.5 when it is 1/2,
    always on the right side of 1/2, same median, Greenwood sums within 1e-12."""
    curve = kaplan_meier(observations)
    exact = _exact_curve(observations)
    assert [(s.time, s.at_risk, s.events) for s in curve.steps] == [r[:3] for r in exact]
    for step, (*_, survival, variance) in zip(curve.steps, exact, strict=True):
        assert step.survival == pytest.approx(float(survival), rel=1e-12, abs=1e-300)
        assert (step.survival == 0.5) == (survival == Fraction(1, 2))
        assert (step.survival <= 0.5) == (survival <= Fraction(1, 2))
        assert step.variance_sum == pytest.approx(float(variance), rel=1e-12)
        assert step.low <= step.survival <= step.high
    expected_median = next((r[0] for r in exact if r[3] <= Fraction(1, 2)), None)
    assert curve.median().days == expected_median


@settings(max_examples=200, deadline=None)
@given(small_data, st.integers(-1, 9))
def test_horizon_rule(observations: list[Observation], horizon: int) -> None:
    """at_risk counts durations >= horizon; S is None exactly when nobody reached the
    horizon and the Fraction S there is above 0."""
    estimate = kaplan_meier(observations).at(horizon)
    assert estimate.at_risk == sum(1 for t, _ in observations if t >= horizon)
    survival = Fraction(1)
    for time, _, _, value, _ in _exact_curve(observations):
        if time <= horizon:
            survival = value
    if estimate.at_risk == 0 and survival > 0:
        assert estimate.survival is None
    else:
        assert estimate.survival == pytest.approx(float(survival), rel=1e-12)


def test_cross_check_with_lifelines() -> None:
    """lifelines' KaplanMeierFitter (log-log Greenwood bands, inf Greenwood terms set
    to 0) and median_survival_times(kmf.confidence_interval_) agree on random data."""
    lifelines = pytest.importorskip("lifelines")
    from lifelines.utils import median_survival_times

    rng = random.Random(20261122)
    datasets = [SIX_MP, PLACEBO, TEN]
    for _ in range(40):
        size = rng.randint(1, 60)
        top = rng.choice((5, 30, 400))
        datasets.append([(rng.randint(0, top), rng.random() < 0.6) for _ in range(size)])
    for data in datasets:
        curve = kaplan_meier(data)
        kmf = lifelines.KaplanMeierFitter().fit([t for t, _ in data], [e for _, e in data])
        sf = kmf.survival_function_.iloc[:, 0]
        bands = kmf.confidence_interval_
        for step in curve.steps:
            assert step.survival == pytest.approx(sf.loc[step.time], rel=1e-9, abs=1e-12)
            assert step.low == pytest.approx(bands.iloc[:, 0].loc[step.time], rel=1e-9, abs=1e-12)
            assert step.high == pytest.approx(bands.iloc[:, 1].loc[step.time], rel=1e-9, abs=1e-12)
        theirs = median_survival_times(bands)
        low, high = (None if v == float("inf") else v for v in theirs.iloc[0])
        median = curve.median()
        assert (median.low, median.high) == (low, high)
        if all(abs(s.survival - 0.5) > 1e-9 for s in curve.steps):  # lifelines' float median
            assert median.days == (
                None if kmf.median_survival_time_ == float("inf") else kmf.median_survival_time_
            )
