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

Observation = tuple[int, bool]

# Two-sided 95% normal quantile, Phi^-1(0.975), to full double precision.
Z_95 = 1.959963984540054

# A float product of m factors (n - d) / n, each rounded once and multiplied
# with one more rounding, is within about 2m * 2**-53 relatively of the exact
# rational, so m * 2**-53 absolutely near 1/2. A window eight times wider
# (m * 2**-50) is certain to contain every S whose side of 1/2 the float could
# get wrong. Only there is the exact product formed; since consecutive S values
# near 1/2 differ by at least 1 / (2 n) >> m * 2**-50, that happens at most
# once per curve.
_HALF_WINDOW_PER_STEP = 2.0**-50


@dataclass(frozen=True, slots=True)
class Step:
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


def tally(observations: Iterable[tuple[int, object]]) -> list[tuple[int, int, Counter[object]]]:
    """Each distinct duration ascending with n at risk and the outcomes there.

    The third item counts the second members of the observations at that
    duration (True/False for dropout, a cause or None for competing risks).
    One Counter pass and a sort of the distinct durations: O(n + u log u).
    """
    counts = Counter(observations)
    by_time: dict[int, Counter[object]] = {}
    total = 0
    for (duration, outcome), count in counts.items():
        if duration < 0:
            raise ValueError(f"negative duration {duration}")
        by_time.setdefault(duration, Counter())[outcome] += count
        total += count
    table: list[tuple[int, int, Counter[object]]] = []
    at_risk = total
    for time in sorted(by_time):
        outcomes = by_time[time]
        table.append((time, at_risk, outcomes))
        at_risk -= outcomes.total()
    return table


def kaplan_meier(observations: Iterable[Observation], z: float = Z_95) -> Curve:
    """Kaplan-Meier curve of `(duration, is_event)` observations (module conventions).

    One pass over the distinct durations after a Counter: O(n + u log u).
    """
    steps: list[Step] = []
    times: list[int] = []
    at_risk_list: list[int] = []
    factors: list[tuple[int, int]] = []
    survival = 1.0
    variance = 0.0
    for time, at_risk, outcomes in tally(observations):
        times.append(time)
        at_risk_list.append(at_risk)
        events = outcomes[True]
        if not events:
            continue
        survival *= (at_risk - events) / at_risk
        factors.append((at_risk, events))
        if abs(survival - 0.5) <= len(factors) * _HALF_WINDOW_PER_STEP:
            survival = _settle_half(factors)
        if at_risk > events:
            variance += events / (at_risk * (at_risk - events))
        low, high = loglog_interval(survival, variance, z)
        steps.append(Step(time, at_risk, events, survival, variance, low, high))
    return Curve(steps, times, at_risk_list)


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
    numerator = math.prod(n - d for n, d in factors)
    denominator = math.prod(n for n, _ in factors)
    twice = 2 * numerator
    if twice == denominator:
        return 0.5
    value = numerator / denominator
    if twice < denominator:
        return min(value, math.nextafter(0.5, 0.0))
    return max(value, math.nextafter(0.5, 1.0))
