"""The k-group log-rank test and the chi-squared tail, against hand work and textbooks.

lifelines and scipy are cross-checks only (last tests).
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.logrank import chi2_sf, gamma_q, logrank
from projections.survival import Observation

# Freireich et al. (1963): remission weeks, 6-MP and placebo arms.
SIX_MP: list[Observation] = [(t, True) for t in (6, 6, 6, 7, 10, 13, 16, 22, 23)] + [
    (t, False) for t in (6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35)
]
PLACEBO: list[Observation] = [
    (t, True) for t in (1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23)
]


def test_leukemia_trial_matches_the_textbook() -> None:
    """Kleinbaum & Klein, Survival Analysis: A Self-Learning Text, ch. 2: log-rank
    chi-squared 16.79 on 1 df, p < 0.0001 (O placebo 21, E 10.75; O 6-MP 9, E 19.25).
    R's survdiff prints the same: Chisq = 16.8 on 1 df, p = 4.17e-05."""
    result = logrank([SIX_MP, PLACEBO])
    assert round(result.statistic, 2) == 16.79
    assert result.df == 1
    assert round(result.p_value, 7) == 0.0000417
    assert result.observed == (9, 21)
    assert [round(e, 2) for e in result.expected] == [19.25, 10.75]


def test_two_groups_worked_by_hand() -> None:
    """A = 1, 3, 5+; B = 2, 3, 3+, 4 (+ censored).

    t  n_A n_B  d  E_A   V = d (n-d) n_A n_B / (n^2 (n-1))
    1   3   4   1  3/7   1*6*3*4/(49*6)  = 12/49
    2   2   4   1  1/3   1*5*2*4/(36*5)  = 2/9
    3   2   3   2  4/5   2*3*2*3/(25*4)  = 9/25
    4   1   1   1  1/2   1*1*1*1/(4*1)   = 1/4
    O_A = 2, E_A = 433/210, V = 47501/44100, so chi2 = (13/210)^2 / V = 169/47501.
    """
    result = logrank(
        [[(1, True), (3, True), (5, False)], [(2, True), (3, True), (3, False), (4, True)]]
    )
    assert result.statistic == pytest.approx(169 / 47501, rel=1e-13)
    assert result.df == 1
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(169 / 47501 / 2)), rel=1e-13)
    assert result.expected == pytest.approx((433 / 210, 617 / 210), rel=1e-15)


def test_three_groups_worked_by_hand() -> None:
    """A = 1, 2+; B = 1, 3; C = 2, 3.

    t=1: n = (2, 2, 2), d = 2 (A, B): E = 2/3 each; c = d(n-d)/(n^2(n-1)) = 2/45,
         V_gh = c n_g (n [g=h] - n_h): V_AA = V_BB = 16/45, V_AB = -8/45.
    t=2: n = (1, 1, 2), d = 1 (C): E = (1/4, 1/4, 1/2); c = 1/16:
         V_AA = V_BB = 3/16, V_AB = -1/16.
    t=3: n = (0, 1, 1), d = 2 = n: E = (0, 1, 1), no variance.
    O = (1, 2, 2), E = (11/12, 23/12, 13/6), Z_AB = (1/12, 1/12);
    V_AB-block = [[391, -173], [-173, 391]] / 720, and (1, 1) is its eigenvector
    with eigenvalue 218/720, so chi2 = 2/144 * 720/218 = 5/109 on 2 df and
    p = exp(-chi2 / 2) = exp(-5/218).
    """
    groups: list[list[Observation]] = [
        [(1, True), (2, False)],
        [(1, True), (3, True)],
        [(2, True), (3, True)],
    ]
    result = logrank(groups)
    assert result.statistic == pytest.approx(5 / 109, rel=1e-13)
    assert result.df == 2
    assert result.p_value == pytest.approx(math.exp(-5 / 218), rel=1e-13)
    assert result.observed == (1, 2, 2)
    assert result.expected == pytest.approx((11 / 12, 23 / 12, 13 / 6), rel=1e-15)


def test_groups_that_cannot_be_compared_lower_the_degrees_of_freedom() -> None:
    """An empty group adds nothing: 3 groups with one empty is the 2-group test on 1 df;
    with no events at all there is nothing to test (statistic 0, df 0, p 1)."""
    a: list[Observation] = [(1, True), (3, True), (5, False)]
    b: list[Observation] = [(2, True), (3, True), (3, False), (4, True)]
    with_empty = logrank([a, [], b])
    assert (with_empty.statistic, with_empty.df) == pytest.approx((169 / 47501, 1), rel=1e-12)
    empty_last = logrank([a, b, []])
    assert (empty_last.statistic, empty_last.df) == pytest.approx((169 / 47501, 1), rel=1e-12)
    nothing = logrank([[(1, False)], [(2, False)]])
    assert (nothing.statistic, nothing.df, nothing.p_value) == (0.0, 0, 1.0)
    with pytest.raises(ValueError, match="two groups"):
        logrank([a])


groups_strategy = st.lists(
    st.lists(st.tuples(st.integers(0, 8), st.booleans()), min_size=1, max_size=12),
    min_size=2,
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(groups_strategy, st.randoms(use_true_random=False))
def test_the_order_of_groups_does_not_matter(
    groups: list[list[Observation]], rng: random.Random
) -> None:
    """Which k - 1 groups enter the quadratic form is arbitrary (the Z sum to 0)."""
    shuffled = groups[:]
    rng.shuffle(shuffled)
    first, second = logrank(groups), logrank(shuffled)
    assert first.df == second.df
    assert first.statistic == pytest.approx(second.statistic, rel=1e-9, abs=1e-12)
    assert sum(first.observed) == pytest.approx(sum(first.expected), rel=1e-12)


def _closed_form_q(x: float, df: int) -> float:
    """Chi-squared tail by Abramowitz & Stegun 26.4.4-26.4.5 (finite sums)."""
    half = x / 2
    if df % 2 == 0:
        return math.exp(-half) * sum(half**i / math.factorial(i) for i in range(df // 2))
    tail = math.erfc(math.sqrt(half))
    for i in range(1, (df - 1) // 2 + 1):
        tail += math.exp(-half + (i - 0.5) * math.log(half) - math.lgamma(i + 0.5))
    return tail


@pytest.mark.parametrize("df", range(1, 13))
def test_chi2_tail_matches_closed_forms(df: int) -> None:
    for x in (1e-6, 0.01, 0.5, 1.0, 2.5, df - 0.5, df + 1.5, 10.0, 16.79, 40.0, 120.0, 700.0):
        expected = _closed_form_q(x, df)
        assert chi2_sf(x, df) == pytest.approx(expected, rel=1e-11, abs=1e-300)


def test_chi2_tail_at_table_critical_values() -> None:
    """5% points from chi-squared tables (3.841, 5.991, 7.815, 18.307 for 1, 2, 3, 10
    df), here to full double precision; and the leukemia p-value 4.17e-5."""
    for x, df in [
        (3.841458820694124, 1),
        (5.991464547107979, 2),
        (7.814727903251179, 3),
        (18.307038053275146, 10),
    ]:
        assert chi2_sf(x, df) == pytest.approx(0.05, abs=1e-12)
    assert chi2_sf(16.79, 1) == pytest.approx(4.1753e-5, rel=1e-4)
    assert chi2_sf(0.0, 3) == 1.0
    with pytest.raises(ValueError):
        chi2_sf(1.0, 0)


def test_cross_check_gamma_q_with_scipy() -> None:
    """Within 1e-12 up to a = 400 (df = 800): x^a e^-x / Gamma(a) is formed on the log
    scale, whose terms of size ~a ln x cost about a * 1e-16 relatively."""
    special = pytest.importorskip("scipy.special")
    for a in (0.5, 1.0, 1.5, 3.0, 7.5, 25.0, 100.0, 400.0):
        for x in (1e-8, 0.1, 0.9 * a, a, a + 1, 1.5 * a + 3, 4 * a + 20, 800.0):
            assert gamma_q(a, x) == pytest.approx(float(special.gammaincc(a, x)), abs=1e-12)


def test_cross_check_logrank_with_lifelines() -> None:
    statistics = pytest.importorskip("lifelines.statistics")
    rng = random.Random(7)
    for _ in range(30):
        k = rng.randint(2, 5)
        groups = [
            [(rng.randint(0, 40), rng.random() < 0.7) for _ in range(rng.randint(3, 40))]
            for _ in range(k)
        ]
        durations = [t for g in groups for t, _ in g]
        events = [e for g in groups for _, e in g]
        labels = [i for i, g in enumerate(groups) for _ in g]
        theirs = statistics.multivariate_logrank_test(durations, labels, events)
        ours = logrank(groups)
        assert ours.df == theirs.degrees_of_freedom
        assert ours.statistic == pytest.approx(theirs.test_statistic, rel=1e-9)
        assert ours.p_value == pytest.approx(theirs.p_value, rel=1e-8, abs=1e-15)
