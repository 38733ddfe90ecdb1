"""What every command of the application shares: a checked actor, the domain's
errors, and a retry when it lost a race with another writer.

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
from pydantic import ValidationError

from domain import validation
from domain.errors import ConcurrentUpdate

P = ParamSpec("P")
R = TypeVar("R")
MAX_ATTEMPTS = 12


def command(method: Callable[P, R]) -> Callable[P, R]:
    """An application command `method(self, actor, ...)`.

    Checks the actor, turns a payload's `ValidationError` into `InvalidInput`,
    and re-runs the command when it lost a race, reloading everything it reads.
    """

    @functools.wraps(method)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        actor = kwargs["actor"] if "actor" in kwargs else args[1]
        validation.actor(str(actor))
        # In a unit of work nothing is written until it ends: no race to retry here.
        attempts = 1 if getattr(args[0], "_work", None) is not None else MAX_ATTEMPTS
        for attempt in range(1, attempts + 1):
            try:
                return method(*args, **kwargs)
            except ValidationError as error:
                raise validation.invalid_input(error, None) from None
            # Only a version conflict is a lost race; a locked or unreachable
            # store has already waited its own timeout and is reported at once.
            except IntegrityError:
                if attempt == attempts:
                    break
                # Exponential backoff with full jitter spreads writers that
                # collided, so that one of them wins each round.
                time.sleep(random.uniform(0, min(0.5, 0.005 * 2**attempt)))
        raise ConcurrentUpdate(
            f"gave up after {MAX_ATTEMPTS} attempts: other writers kept changing "
            "the same records; try again"
        )

    return run
