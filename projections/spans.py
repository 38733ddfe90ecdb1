"""What the retention report reads of a pairing: when it started and how it ended.

`PairingRow` also carries ids, people and meeting totals. Retention reads
every pairing (about 24,000 at a million events), and fetching and building
the full rows took about as long as the statistics themselves; the as-of
variant also counted every meeting, which retention never looks at. Retention
reads these narrower rows instead, and its functions accept either.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple, Protocol


class Span(Protocol):
    """The fields retention uses; both `PairingSpan` and `PairingRow` have them."""

    @property
    def program(self) -> str: ...
    @property
    def direction(self) -> str: ...  # at pairing
    @property
    def paired_on(self) -> date: ...
    @property
    def ended_on(self) -> date | None: ...  # None while still active on D
    @property
    def end_reason(self) -> str | None: ...
    @property
    def reversals(self) -> int: ...  # reversals with on <= D


class PairingSpan(NamedTuple):
    program: str
    direction: str
    paired_on: date
    ended_on: date | None
    end_reason: str | None
    reversals: int
