"""Plain rows that the pure metric functions work on.

The storage layer produces them already *as of* a date D: a pairing paired
after D is absent, an ending after D is not there yet, and `reversals`,
`meetings`, `minutes` and `last_met_on` only count what happened on or before D
(retracted meetings never count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from domain.vocabulary import direction_after


class PairingRow(NamedTuple):
    """A named tuple rather than a frozen dataclass: reports build tens of
    thousands of them per query and tuples are several times cheaper."""

    id: str  # 32 hex digits, as stored
    program: str
    mentor: str  # as paired; swap when `reversals` is odd for the current roles
    mentee: str
    direction: str  # direction at pairing: traditional | reverse | peer
    paired_on: date
    ended_on: date | None  # None when still active on D
    end_reason: str | None
    reversals: int  # reversals with on <= D
    meetings: int  # counted meetings with on <= D
    minutes: int
    last_met_on: date | None
    cadence_days: int  # the program's expected meeting cadence

    @property
    def current_direction(self) -> str:
        return direction_after(self.direction, self.reversals)


@dataclass(frozen=True)
class PersonRow:
    id: str
    joined_on: date | None
    registered_on: date  # UTC date the registration was recorded
    left_on: date | None  # None when still in the organisation on D


@dataclass(frozen=True)
class MeetingRow:
    """One counted meeting, with the direction in force on its date."""

    pairing_id: str
    on: date
    minutes: int
    direction: str
