"""Kaplan-Meier survival with Greenwood log(-log) intervals, exact about one half.

Pure functions on plain lists: an observation is `(duration, is_event)`, where
an event is a dropout and anything else (completed, still running) is censored
at its duration.

Conventions (shared with `projections.logrank` and `projections.incidence`):

* Ties: at a time t, n(t) counts every observation with duration >= t, so a
  pairing censored on t is still at risk on t (events come before censoring).
* S(t) = prod over event times t_i <= t of (1 - d_i / n_i): right-continuous;
  S = 1 before the first event.
* Greenwood: V(t) = sum over event times t_i <= t, with n_i > d_i, of
  d_i / (n_i (n_i - d_i)). Where n_i == d_i the term is infinite; like
  lifelines (which replaces it by 0) it is left out. S is 0 from then on, and
  the interval there is [0, 0], which is also what lifelines reports.
* 95% interval, log(-log) transform (lifelines' KaplanMeierFitter default, R
  survival's conf.type="log-log"): se = sqrt(V) / |ln S|,
  low = S ** exp(+z se), high = S ** exp(-z se), z = 1.959963984540054.
  Before the first event there is no interval (low = high = None; lifelines
  prints [1, 1] there, which only reflects V = 0, not knowledge).
* Exact halves: S is a float product, but whether S(t) <= 1/2 is decided
  exactly (see `_settle_half`), so S = 8/10 * 7/8 * 5/7 is 0.5, not
  0.5000000000000001, and the median does not slip to a later day.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

Observation = tuple[int, bool]

# Two-sided 95% normal quantile, Phi^-1(0.975), to full double precision.
Z_95 = 1.959963984540054

# A float product of m factors (n - d) / n, each rounded once and multiplied
# with one more rounding, is within about 2m * 2**-53 relatively of the exact
# rational, so m * 2**-53 absolutely near 1/2. A window eight times wider
# (m * 2**-50) is certain to contain every S whose side of 1/2 the float could
# get wrong. Only there is the exact product formed; since consecutive S values
# near 1/2 differ by at least 1 / (2 n), far more than m * 2**-50 for any
# realistic n and m, that happens at most once per curve.
_HALF_WINDOW_PER_STEP = 2.0**-50


# Outcomes that mean "censored". A tuple, so `in` compares with ==: 0 counts
# as False (they are also one key in a Counter).
_CENSORED: tuple[object, ...] = (None, False)


class Step(NamedTuple):
    """The curve at one distinct event time: S and its interval just after `time`."""

    time: int
    at_risk: int  # n: observations with duration >= time
    events: int  # d: events at exactly `time`
    survival: float  # S(time)
    variance_sum: float  # Greenwood V(time), without terms where n == d
    low: float  # lower 95% bound of S(time)
    high: float  # upper 95% bound of S(time)


@dataclass(frozen=True, slots=True)
class Estimate:
    """S at a horizon, its 95% interval and the number still at risk there.

    `survival` is None only where the curve is undefined: nobody was followed
    to the horizon (at_risk == 0) while S was still above 0. `low`/`high` are
    None there and also before the first event (no interval when S = 1).
    """

    survival: float | None
    low: float | None
    high: float | None
    at_risk: int


@dataclass(frozen=True, slots=True)
class Median:
    """Median days to the event and its 95% interval; None where not reached."""

    days: int | None
    low: int | None
    high: int | None


class Curve:
    """A Kaplan-Meier curve: its steps plus what answers at-risk counts."""

    __slots__ = ("_at_risk", "_step_times", "_times", "steps")

    def __init__(self, steps: list[Step], times: list[int], at_risk: list[int]) -> None:
        self.steps: tuple[Step, ...] = tuple(steps)
        self._step_times = [step.time for step in steps]
        # Every distinct duration (events and censorings) ascending, and the
        # number with duration >= it, so at_risk_at is one binary search.
        self._times = times
        self._at_risk = at_risk

    def at_risk_at(self, horizon: int) -> int:
        """Observations with duration >= horizon (still followed on that day)."""
        index = bisect_left(self._times, horizon)
        return self._at_risk[index] if index < len(self._at_risk) else 0

    def at(self, horizon: int) -> Estimate:
        """S(horizon) after every event on days <= horizon, with its interval.

        When every observation had its event before the horizon, S is 0 there
        (the curve reached 0 and stays there); None is kept for a horizon past
        the longest follow-up with S still above 0, where nothing is known.
        """
        at_risk = self.at_risk_at(horizon)
        index = bisect_right(self._step_times, horizon)
        if index == 0:
            if at_risk == 0:
                return Estimate(None, None, None, 0)
            return Estimate(1.0, None, None, at_risk)
        step = self.steps[index - 1]
        if at_risk == 0 and step.survival > 0.0:
            return Estimate(None, None, None, 0)
        return Estimate(step.survival, step.low, step.high, at_risk)

    def median(self) -> Median:
        """First event time with S <= 1/2, and the 95% interval of that time.

        The interval is where the confidence band crosses 1/2: `low` is the
        first event time whose lower bound is <= 1/2, `high` the first whose
        upper bound is <= 1/2 (None when a band never gets there). This is what
        lifelines' `median_survival_times(kmf.confidence_interval_)` returns
        (its inf is our None). Where S stays exactly 1/2 over an interval the
        median is the interval's first day, as in lifelines (R takes the
        midpoint for the median itself).
        """
        days = low = high = None
        for step in self.steps:
            if days is None and step.survival <= 0.5:
                days = step.time
            if low is None and step.low <= 0.5:
                low = step.time
            if high is None and step.high <= 0.5:
                high = step.time
                break  # high <= S <= ... so every other crossing came no later
        return Median(days, low, high)


@dataclass(frozen=True, slots=True)
class Table:
    """Observations counted per distinct duration, for one pass over the time axis."""

    times: list[int]  # every distinct duration (event or censoring), ascending
    at_risk: list[int]  # at_risk[i]: observations with duration >= times[i]
    events: dict[int, dict[object, int]]  # event time -> outcome -> count; censored left out


def tally(observations: Iterable[tuple[int, object]]) -> Table:
    """Count `(duration, outcome)` observations per distinct duration.

    An outcome of False or None is a censoring; anything else (True, a cause)
    is an event of that kind. A Counter of the pairs (done in C) and a sort of
    the u distinct durations: O(n + u log u), with no per-observation sort.
    """
    totals: dict[int, int] = {}
    events: dict[int, dict[object, int]] = {}
    for (duration, outcome), count in Counter(observations).items():
        totals[duration] = totals.get(duration, 0) + count
        if outcome not in _CENSORED:
            kinds = events.setdefault(duration, {})
            kinds[outcome] = kinds.get(outcome, 0) + count
    times = sorted(totals)
    if times and times[0] < 0:
        raise ValueError(f"negative duration {times[0]}")
    at_risk = list(accumulate(totals[time] for time in reversed(times)))
    at_risk.reverse()
    return Table(times, at_risk, events)


def kaplan_meier(observations: Iterable[Observation], z: float = Z_95) -> Curve:
    """Kaplan-Meier curve of `(duration, is_event)` observations (module conventions).

    O(n + u log u) for n observations over u distinct durations.
    """
    table = tally(observations)
    steps: list[Step] = []
    factors: list[tuple[int, int]] = []
    survival = 1.0
    variance = 0.0
    log, sqrt, exp = math.log, math.sqrt, math.exp  # locals: this loop runs u times
    for time, at_risk in zip(table.times, table.at_risk, strict=True):
        kinds = table.events.get(time)
        if kinds is None:
            continue
        events = sum(kinds.values())
        survival *= (at_risk - events) / at_risk
        factors.append((at_risk, events))
        if abs(survival - 0.5) <= len(factors) * _HALF_WINDOW_PER_STEP:
            survival = _settle_half(factors)
        if at_risk > events:
            variance += events / (at_risk * (at_risk - events))
            # loglog_interval, inlined for speed on long curves.
            log_s = log(survival)
            spread = z * sqrt(variance) / -log_s
            low, high = survival ** exp(spread), survival ** exp(-spread)
        else:
            low = high = 0.0  # S = 0: nobody left, and [0, 0] as lifelines reports
        steps.append(Step(time, at_risk, events, survival, variance, low, high))
    return Curve(steps, table.times, table.at_risk)


def loglog_interval(survival: float, variance_sum: float, z: float = Z_95) -> tuple[float, float]:
    """Greenwood interval of S on the log(-log) scale: S ** exp(+-z sqrt(V) / |ln S|).

    S = 0 gives [0, 0]. S must be < 1 (there is no interval before an event).
    """
    if survival <= 0.0:
        return 0.0, 0.0
    log_s = math.log(survival)
    spread = z * math.sqrt(variance_sum) / -log_s
    return survival ** math.exp(spread), survival ** math.exp(-spread)


def _settle_half(factors: list[tuple[int, int]]) -> float:
    """S from the exact product of (n - d) / n, on the right side of 1/2.

    Integers, not Fractions: one product each for numerator and denominator,
    no gcd on the way. `num / den` is correctly rounded by Python; if that
    rounding lands on 0.5 while the exact value is not 1/2, step off it.
    """
    # Without censoring between two event times n' = n - d, so most factors
    # cancel; what is left is multiplied as a balanced tree, which keeps the
    # big-integer products near-linear even for tens of thousands of steps.
    numerators = Counter(n - d for n, d in factors)
    denominators = Counter(n for n, _ in factors)
    numerator = _product((numerators - denominators).elements())
    denominator = _product((denominators - numerators).elements())
    twice = 2 * numerator
    if twice == denominator:
        return 0.5
    value = numerator / denominator
    if twice < denominator:
        return min(value, math.nextafter(0.5, 0.0))
    return max(value, math.nextafter(0.5, 1.0))


def _product(values: Iterable[int]) -> int:
    """Product of integers by pairwise multiplication (a balanced tree)."""
    layer = list(values)
    while len(layer) > 1:
        paired = [a * b for a, b in zip(layer[::2], layer[1::2], strict=False)]
        if len(layer) % 2:
            paired.append(layer[-1])
        layer = paired
    return layer[0] if layer else 1
