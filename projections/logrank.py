"""The k-group log-rank test and the chi-squared tail it needs, in pure Python.

Observations are `(duration, is_event)` as in `projections.survival`, with the
same ties convention: at each distinct event time t, n_g(t) counts the
observations of group g with duration >= t.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from projections.survival import Observation

_EPSILON = sys.float_info.epsilon
_TINY = sys.float_info.min / _EPSILON
_MAX_ITERATIONS = 100_000
# A pivot this small next to the diagonal it started from is rounding left
# over from a zero: R's survival uses the same tolerance (eps ** 0.75) in the
# generalized Cholesky behind survdiff.
_PIVOT_TOLERANCE = _EPSILON**0.75


@dataclass(frozen=True, slots=True)
class LogRank:
    """Log-rank result: chi-squared statistic, its degrees of freedom, p-value.

    `observed` and `expected` are per group, in the order given.
    """

    statistic: float
    df: int
    p_value: float
    observed: tuple[int, ...]
    expected: tuple[float, ...]


def logrank(groups: Sequence[Iterable[Observation]]) -> LogRank:
    """Log-rank test that k >= 2 groups share one survival curve.

    At each distinct event time with n at risk and d events in all, group g
    has n_g at risk and d_g events; under the null d_g is hypergeometric:

        E_g = d n_g / n
        V_gh = d (n - d) / (n^2 (n - 1)) * n_g (n [g == h] - n_h)   (n > 1)

    summed over event times. With Z = O - E, the statistic is
    Z' V^- Z over the first k - 1 groups (the k-th is determined, as the Z
    sum to 0), compared with chi-squared on rank(V) degrees of freedom. V is
    invertible, and the rank k - 1, unless some group never shares an event
    time with another while at risk (e.g. it is empty); then, like R's
    survdiff, a generalized inverse gives the test on the groups that can be
    compared and df drops accordingly. With df == 0 (nothing to compare, e.g.
    no events) the statistic is 0 and the p-value 1.

    One Counter pass per group and one pass over the distinct times:
    O(n + u log u + u k + e k^2) for u distinct durations and e event times.
    """
    if len(groups) < 2:
        raise ValueError("the log-rank test needs at least two groups")
    k = len(groups)
    totals: list[Counter[int]] = []
    events: list[Counter[int]] = []
    for group in groups:
        counts = Counter(group)
        total: Counter[int] = Counter()
        event: Counter[int] = Counter()
        for (duration, is_event), count in counts.items():
            if duration < 0:
                raise ValueError(f"negative duration {duration}")
            total[duration] += count
            if is_event:
                event[duration] += count
        totals.append(total)
        events.append(event)

    at_risk = [t.total() for t in totals]
    observed = [0] * k
    expected = [0.0] * k
    covariance = [[0.0] * k for _ in range(k)]
    for time in sorted(set().union(*totals)):
        d_g = [e.get(time, 0) for e in events]
        d = sum(d_g)
        n = sum(at_risk)
        if d:
            for g in range(k):
                observed[g] += d_g[g]
                expected[g] += d * at_risk[g] / n
            if n > 1:
                scale = d * (n - d) / (n * n * (n - 1))
                for g in range(k):
                    if not at_risk[g]:
                        continue
                    row = covariance[g]
                    weight = scale * at_risk[g]
                    for h in range(k):
                        row[h] += weight * ((n if g == h else 0) - at_risk[h])
        for g in range(k):
            at_risk[g] -= totals[g].get(time, 0)

    deviation = [observed[g] - expected[g] for g in range(k - 1)]
    statistic, rank = _generalized_quadratic_form(
        [row[: k - 1] for row in covariance[: k - 1]], deviation
    )
    p_value = chi2_sf(statistic, rank) if rank else 1.0
    return LogRank(statistic, rank, p_value, tuple(observed), tuple(expected))


def _generalized_quadratic_form(
    matrix: list[list[float]], vector: list[float]
) -> tuple[float, int]:
    """z' V^- z and rank(V) for a symmetric positive semi-definite V.

    Gaussian elimination without row swaps is the LDL' factorization; a pivot
    that is (near) zero marks a direction V does not vary in, which is skipped
    (z has no component there for a log-rank V), giving a generalized inverse.
    """
    size = len(vector)
    a = [row[:] for row in matrix]
    b = vector[:]
    original = [a[i][i] for i in range(size)]
    total = 0.0
    rank = 0
    for i in range(size):
        pivot = a[i][i]
        if pivot <= _PIVOT_TOLERANCE * original[i] or pivot <= 0.0:
            continue
        rank += 1
        total += b[i] * b[i] / pivot
        for j in range(i + 1, size):
            factor = a[j][i] / pivot
            if factor:
                for col in range(i + 1, size):
                    a[j][col] -= factor * a[i][col]
                b[j] -= factor * b[i]
    return total, rank


def chi2_sf(x: float, df: float) -> float:
    """P(X > x) for X chi-squared with `df` > 0 degrees of freedom: Q(df/2, x/2)."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if x <= 0.0:
        return 1.0
    return gamma_q(df / 2.0, x / 2.0)


def gamma_q(a: float, x: float) -> float:
    """Regularized upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a).

    The series for P = 1 - Q converges fast for x < a + 1, the continued
    fraction for Q (modified Lentz) for x >= a + 1; each is used where it
    converges fast and where the quantity it gives does not suffer from
    cancellation (Numerical Recipes, 3rd ed., section 6.2). Relative accuracy
    is about 1e-14 for moderate a.
    """
    if a <= 0.0:
        raise ValueError("a must be positive")
    if x <= 0.0:
        return 1.0
    # x^a e^-x / Gamma(a), on the log scale so large a and x do not overflow.
    log_prefactor = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        denominator = a
        for _ in range(_MAX_ITERATIONS):
            denominator += 1.0
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * _EPSILON:
                return max(0.0, 1.0 - total * math.exp(log_prefactor))
        raise ArithmeticError(f"incomplete gamma series did not converge for a={a}, x={x}")
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPSILON:
            return math.exp(log_prefactor) * h
    raise ArithmeticError(f"incomplete gamma fraction did not converge for a={a}, x={x}")
