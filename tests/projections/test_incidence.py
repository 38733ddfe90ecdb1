"""Aalen-Johansen cumulative incidence: hand-worked steps and the sum-to-one identity."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.incidence import CompetingObservation, cumulative_incidence, incidence_curve
from projections.survival import kaplan_meier

# Ten pairings, causes "left" (someone left the organisation) and "mismatch";
# None is censored (completed or still running).
TEN: list[CompetingObservation] = [
    (2, "left"),
    (2, "mismatch"),
    (2, None),
    (4, "mismatch"),
    (5, None),
    (5, "left"),
    (5, "left"),
    (7, None),
    (9, "mismatch"),
    (9, None),
]


def test_worked_by_hand_with_ties_and_censoring() -> None:
    """t=2: n=10, d_left=1, d_mismatch=1 (one censored on 2 stays at risk);
         S(2-)=1: CIF_left = 1/10, CIF_mismatch = 1/10, S = 8/10.
    t=4: n=7, d_mismatch=1: CIF_mismatch += 8/10 * 1/7 = 8/70 -> 3/14; S = 8/10*6/7 = 24/35.
    t=5: n=6 (5+, 5, 5, 7+, 9, 9+), d_left=2: CIF_left += 24/35 * 2/6 = 8/35 -> 23/70;
         S = 24/35 * 4/6 = 16/35.
    t=9: n=2, d_mismatch=1: CIF_mismatch += 16/35 * 1/2 = 8/35 -> 31/70; S = 8/35.
    Check at 9: 23/70 + 31/70 + 16/70 = 1.
    """
    steps = incidence_curve(TEN)
    assert [(s.time, s.at_risk, dict(s.events)) for s in steps] == [
        (2, 10, {"left": 1, "mismatch": 1}),
        (4, 7, {"mismatch": 1}),
        (5, 6, {"left": 2}),
        (9, 2, {"mismatch": 1}),
    ]
    assert [s.survival for s in steps] == pytest.approx([8 / 10, 24 / 35, 16 / 35, 8 / 35])
    assert [dict(s.incidence) for s in steps] == [
        pytest.approx({"left": 1 / 10, "mismatch": 1 / 10}),
        pytest.approx({"left": 1 / 10, "mismatch": 3 / 14}),
        pytest.approx({"left": 23 / 70, "mismatch": 3 / 14}),
        pytest.approx({"left": 23 / 70, "mismatch": 31 / 70}),
    ]
    assert cumulative_incidence(TEN, [1, 4, 6, 9, 10]) == {
        "left": pytest.approx({1: 0.0, 4: 1 / 10, 6: 23 / 70, 9: 23 / 70, 10: None}),
        "mismatch": pytest.approx({1: 0.0, 4: 3 / 14, 6: 3 / 14, 9: 31 / 70, 10: None}),
    }


def test_once_everyone_has_had_an_event_the_incidence_is_final() -> None:
    """1 left, 2 left, 2 mismatch: at 2, n = 2 = d, S = 0; CIF_left = 1/3 + 2/3 * 1/2 = 2/3.
    A horizon past everyone keeps those values (S = 0), it is not None."""
    data: list[CompetingObservation] = [(1, "left"), (2, "left"), (2, "mismatch")]
    assert cumulative_incidence(data, [365]) == {
        "left": pytest.approx({365: 2 / 3}),
        "mismatch": pytest.approx({365: 1 / 3}),
    }
    assert cumulative_incidence([], [30]) == {}


def _exact(observations: list[CompetingObservation]) -> list[tuple[Fraction, dict[str, Fraction]]]:
    """The definition in Fractions, quadratic on purpose (a second route)."""
    survival = Fraction(1)
    cif: dict[str, Fraction] = {}
    rows = []
    for time in sorted({t for t, cause in observations if cause is not None}):
        n = sum(1 for t, _ in observations if t >= time)
        for cause in {c for t, c in observations if t == time and c is not None}:
            d_k = sum(1 for t, c in observations if t == time and c == cause)
            cif[cause] = cif.get(cause, Fraction(0)) + survival * Fraction(d_k, n)
        d = sum(1 for t, c in observations if t == time and c is not None)
        survival *= Fraction(n - d, n)
        rows.append((survival, dict(cif)))
    return rows


competing = st.lists(
    st.tuples(st.integers(0, 30), st.sampled_from([None, "left", "mismatch", "moved"])),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(competing)
def test_causes_plus_survival_sum_to_one_and_match_fractions(
    observations: list[CompetingObservation],
) -> None:
    """At every event time sum_k CIF_k + S_all = 1 (to 1e-12), each value equals the
    Fraction computation, and S_all is the plain Kaplan-Meier of any event."""
    steps = incidence_curve(observations)
    exact = _exact(observations)
    km = kaplan_meier([(t, cause is not None) for t, cause in observations]).steps
    assert len(steps) == len(exact) == len(km)
    for step, (survival, cif), km_step in zip(steps, exact, km, strict=True):
        assert abs(sum(step.incidence.values()) + step.survival - 1.0) <= 1e-12
        assert step.survival == pytest.approx(float(survival), abs=1e-12)
        assert step.survival == pytest.approx(km_step.survival, abs=1e-12)
        assert dict(step.incidence) == pytest.approx({k: float(v) for k, v in cif.items()})


def test_sum_to_one_on_a_large_random_history() -> None:
    """25,000 pairings over three years of days: the identity still holds to 1e-12."""
    import random

    rng = random.Random(5)
    causes = [None, None, "left", "mismatch", "moved"]
    data = [(rng.randint(0, 1100), rng.choice(causes)) for _ in range(25_000)]
    for step in incidence_curve(data):
        assert abs(sum(step.incidence.values()) + step.survival - 1.0) <= 1e-12
