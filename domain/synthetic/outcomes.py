"""How synthetic pairings end, and when: tuned to look like real mentoring programs.

Studies of formal mentoring programs report premature closure (a match ending
before its one-year commitment) for about a third of matches, about a fifth
ending within six months, and a little under half lasting a year or more.
`tests/cli/test_synthetic.py` prints and pins these three figures for the demo.
"""

from __future__ import annotations

import random

from domain.vocabulary import Direction, EndReason

OUTCOMES: tuple[EndReason | None, ...] = (
    EndReason.COMPLETED, EndReason.MENTEE_WITHDREW, EndReason.MENTOR_WITHDREW,
    EndReason.MISMATCH, EndReason.OTHER, None,  # None: open-ended, still active
)  # fmt: skip
OUTCOME_WEIGHTS = {
    Direction.TRADITIONAL: (49, 9, 5, 10, 4, 23),
    Direction.REVERSE: (38, 13, 10, 15, 4, 20),  # reverse pairs drop out more often
    Direction.PEER: (48, 7, 4, 8, 5, 28),
}
# Programs run about a year: some pairs reach their goals from six months on,
# most complete at the year or carry on for up to six months more.
EARLY_COMPLETION_SHARE = 0.45
EARLY_COMPLETION_DAYS = (183, 364)
LATE_COMPLETION_DAYS = (365, 548)
MISMATCH_DAYS = (10, 60)  # a mismatch shows within the first weeks
# Pairs that will withdraw start to fade within about eleven months, most of
# them early on (a triangular distribution with its mode at the first day).
FADE_START_DAYS = (20, 330)


def outcome(rng: random.Random, direction: Direction) -> EndReason | None:
    return rng.choices(OUTCOMES, weights=OUTCOME_WEIGHTS[direction])[0]


def completion_days(rng: random.Random) -> int:
    """Days from pairing to a `completed` ending."""
    early = rng.random() < EARLY_COMPLETION_SHARE
    return rng.randint(*(EARLY_COMPLETION_DAYS if early else LATE_COMPLETION_DAYS))


def mismatch_days(rng: random.Random) -> int:
    return rng.randint(*MISMATCH_DAYS)


def fade_start_days(rng: random.Random) -> int:
    """Days from pairing until a fading pair starts to meet less often."""
    low, high = FADE_START_DAYS
    return round(rng.triangular(low, high, low))
