"""Competing risks: Aalen-Johansen cumulative incidence of each cause.

An observation is `(duration, cause)`, with cause None when censored (still
running, or ended in a way that is not an event such as completion). Ties as
in `projections.survival`: n(t) counts every duration >= t.

At each distinct event time t_i with n_i at risk, d_k(t_i) events of cause k
and d_i = sum_k d_k(t_i):

    S(t_i)    = S(t_i-) (1 - d_i / n_i)           all-cause Kaplan-Meier
    CIF_k(t)  = sum over t_i <= t of S(t_i-) d_k(t_i) / n_i

so that sum_k CIF_k(t) + S(t) = 1 at every t: each cause takes its share of
the drop in S. (1 - KM of one cause alone, treating the others as censored,
overstates that cause; this does not.)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from projections.survival import tally

CompetingObservation = tuple[int, str | None]


@dataclass(frozen=True, slots=True)
class IncidenceStep:
    """The estimate just after one distinct event time."""

    time: int
    at_risk: int
    events: Mapping[str, int]  # events of each cause at exactly `time`
    survival: float  # all-cause S(time)
    incidence: Mapping[str, float]  # CIF of every cause seen so far, at `time`


def incidence_curve(observations: Iterable[CompetingObservation]) -> list[IncidenceStep]:
    """Aalen-Johansen steps at each distinct event time, ascending.

    O(n + u log u + e K) for u distinct durations, e event times and K causes.
    """
    table = tally(observations)
    steps: list[IncidenceStep] = []
    survival = 1.0
    incidence: dict[str, float] = {}
    for time, at_risk in zip(table.times, table.at_risk, strict=True):
        kinds = table.events.get(time)
        if kinds is None:
            continue
        events = {str(cause): count for cause, count in kinds.items()}
        before = survival
        for cause, count in events.items():
            incidence[cause] = incidence.get(cause, 0.0) + before * count / at_risk
        survival = before * (at_risk - sum(events.values())) / at_risk
        steps.append(IncidenceStep(time, at_risk, events, survival, dict(incidence)))
    return steps


def cumulative_incidence(
    observations: Iterable[CompetingObservation], horizons: Sequence[int]
) -> dict[str, dict[int, float | None]]:
    """CIF of each cause (sorted by name) at each horizon.

    A horizon counts the events on days <= horizon. As for survival, a value
    is None only where it is undefined: no observation lasted to the horizon
    (duration >= horizon) while the all-cause S was still above 0. A cause
    has 0.0 before its first event.
    """
    data = list(observations)
    steps = incidence_curve(data)
    longest = max((duration for duration, _ in data), default=-1)
    causes = sorted({cause for step in steps for cause in step.events})
    result: dict[str, dict[int, float | None]] = {cause: {} for cause in causes}
    times = [step.time for step in steps]
    for horizon in horizons:
        index = bisect_right(times, horizon)
        last = steps[index - 1] if index else None
        undefined = longest < horizon and (last is None or last.survival > 0.0)
        for cause in causes:
            if undefined:
                result[cause][horizon] = None
            else:
                result[cause][horizon] = last.incidence.get(cause, 0.0) if last else 0.0
    return result
