"""Retrying a command that lost a race with another writer.

Two writers that change the same aggregate at once both read version n and
both try to store version n + 1; the event store accepts one and rejects the
other with an integrity error. The loser reloads and runs the command again.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from eventsourcing.persistence import IntegrityError

from domain.errors import ConcurrentUpdate

P = ParamSpec("P")
R = TypeVar("R")
MAX_ATTEMPTS = 12


def retried(command: Callable[P, R]) -> Callable[P, R]:
    """Re-runs a command that lost a race, reloading everything it reads."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return command(*args, **kwargs)
            # Only a version conflict is a lost race; a locked or unreachable
            # store has already waited its own timeout and is reported at once.
            except IntegrityError:
                if attempt == MAX_ATTEMPTS:
                    break
                # Exponential backoff with full jitter spreads writers that
                # collided, so that one of them wins each round.
                time.sleep(random.uniform(0, min(0.5, 0.005 * 2**attempt)))
        raise ConcurrentUpdate(
            f"gave up after {MAX_ATTEMPTS} attempts: other writers kept changing "
            "the same records; try again"
        )

    return run
