"""A mentorship: two people paired in one program, and everything that follows.

Meetings are numbered 1, 2, 3... in the order they are recorded. A mistaken
meeting is never edited away: a `MeetingRetracted` event marks it, it stays in
the history and stops counting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate
from pydantic import Field

from domain.errors import InvalidInput, NotAllowed
from domain.events import EmployeeId, Payload, PersonalText, Slug, check_not_future

PAIRINGS_NAMESPACE = UUID("9d3e0c77-1b2a-4f6e-8c1d-5a4b3c2d1e03")
MAX_MINUTES = 24 * 60


class Direction(StrEnum):
    TRADITIONAL = "traditional"  # mentor more senior than mentee
    REVERSE = "reverse"  # mentor more junior than mentee
    PEER = "peer"  # equal grades: buddies

    def reversed(self) -> Direction:
        return _REVERSED[self]


_REVERSED = {
    Direction.TRADITIONAL: Direction.REVERSE,
    Direction.REVERSE: Direction.TRADITIONAL,
    Direction.PEER: Direction.PEER,
}


class EndReason(StrEnum):
    COMPLETED = "completed"
    MENTOR_WITHDREW = "mentor_withdrew"
    MENTEE_WITHDREW = "mentee_withdrew"
    LEFT_ORGANISATION = "left_organisation"
    MISMATCH = "mismatch"
    PROGRAM_CLOSED = "program_closed"
    OTHER = "other"


Minutes = Annotated[int, Field(ge=1, le=MAX_MINUTES)]


class Pairing(Payload):
    program: Slug
    mentor: EmployeeId
    mentee: EmployeeId
    direction: Direction
    on: date
    mentor_level: int | None = None
    mentee_level: int | None = None


class Meeting(Payload):
    number: int = Field(ge=1, description="1, 2, 3... within the pairing.")
    on: date
    minutes: Minutes
    note: PersonalText | None = None


class RoleReversal(Payload):
    on: date
    note: PersonalText | None = None


class Ending(Payload):
    on: date
    reason: EndReason
    note: PersonalText | None = None


class Retraction(Payload):
    meeting: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=500)


@dataclass
class MeetingRecord:
    number: int
    on: date
    minutes: int
    note: str | None = None
    retracted: bool = False


def pairing_id(program: str, person_a: str, person_b: str, generation: int) -> UUID:
    """Id of the `generation`-th pairing of two people in a program.

    Deterministic so that two writers pairing the same two people at once
    collide on the same id and the event store rejects the second.
    """
    low, high = sorted((person_a, person_b))
    return uuid5(PAIRINGS_NAMESPACE, f"{program}\n{low}\n{high}\n{generation}")


def derive_direction(mentor_level: int | None, mentee_level: int | None) -> Direction:
    if mentor_level is None or mentee_level is None:
        raise InvalidInput("cannot derive the direction without both levels")
    if mentor_level > mentee_level:
        return Direction.TRADITIONAL
    if mentor_level < mentee_level:
        return Direction.REVERSE
    return Direction.PEER


def parse_direction(value: str) -> Direction:
    try:
        return Direction(value)
    except ValueError:
        choices = ", ".join(d.value for d in Direction)
        raise InvalidInput(f"unknown direction {value!r}: expected one of {choices}") from None


def parse_end_reason(value: str) -> EndReason:
    try:
        return EndReason(value)
    except ValueError:
        choices = ", ".join(r.value for r in EndReason)
        raise InvalidInput(f"unknown end reason {value!r}: expected one of {choices}") from None


def check_minutes(minutes: object) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        raise InvalidInput(f"minutes must be a whole number from 1 to {MAX_MINUTES}, not {minutes}")
    return minutes


class Mentorship(Aggregate):
    class Paired(Aggregate.Created):
        actor: str
        payload: Pairing

    class Met(Aggregate.Event):
        actor: str
        payload: Meeting

        def apply(self, pairing: Mentorship) -> None:
            p = self.payload
            pairing.meetings.append(MeetingRecord(p.number, p.on, p.minutes, p.note))

    class RolesReversed(Aggregate.Event):
        actor: str
        payload: RoleReversal

        def apply(self, pairing: Mentorship) -> None:
            pairing.mentor, pairing.mentee = pairing.mentee, pairing.mentor
            pairing.direction = pairing.direction.reversed()
            pairing.reversals.append(self.payload.on)

    class Ended(Aggregate.Event):
        actor: str
        payload: Ending

        def apply(self, pairing: Mentorship) -> None:
            pairing.ended_on = self.payload.on
            pairing.end_reason = self.payload.reason

    class MeetingRetracted(Aggregate.Event):
        actor: str
        payload: Retraction

        def apply(self, pairing: Mentorship) -> None:
            pairing.meetings[self.payload.meeting - 1].retracted = True

    def __init__(self, actor: str, payload: Pairing) -> None:
        self.program = payload.program
        self.mentor = payload.mentor
        self.mentee = payload.mentee
        self.direction = payload.direction
        self.direction_at_pairing = payload.direction
        self.paired_on = payload.on
        self.ended_on: date | None = None
        self.end_reason: EndReason | None = None
        self.meetings: list[MeetingRecord] = []
        self.reversals: list[date] = []

    @classmethod
    def pair(cls, actor: str, pairing: Pairing, generation: int) -> Mentorship:
        if pairing.mentor == pairing.mentee:
            raise NotAllowed(f"cannot pair {pairing.mentor} with themselves")
        new_id = pairing_id(pairing.program, pairing.mentor, pairing.mentee, generation)
        return cls._create(cls.Paired, id=new_id, actor=actor, payload=pairing)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    @property
    def counted_meetings(self) -> list[MeetingRecord]:
        return [m for m in self.meetings if not m.retracted]

    @property
    def last_met_on(self) -> date | None:
        return max((m.on for m in self.counted_meetings), default=None)

    def involves(self, employee_id: str) -> bool:
        return employee_id in (self.mentor, self.mentee)

    # Guards: each runs before any state change and raises a LedgerError.

    def check_active(self) -> None:
        if self.ended_on is not None:
            raise NotAllowed(
                f"pairing {self.id} ended on {self.ended_on} ({self.end_reason}); it cannot change"
            )

    def check_date(self, on: date, today: date, what: str) -> None:
        check_not_future(on, today, what)
        if on < self.paired_on:
            raise InvalidInput(f"{what} {on} is before the pairing began on {self.paired_on}")
        if self.ended_on is not None and on > self.ended_on:
            raise InvalidInput(f"{what} {on} is after the pairing ended on {self.ended_on}")

    def check_meeting(self, on: date, minutes: int, today: date) -> None:
        self.check_active()
        self.check_date(on, today, "meeting date")
        check_minutes(minutes)

    def check_reversal(self, on: date, today: date) -> None:
        self.check_active()
        self.check_date(on, today, "reversal date")
        if self.reversals and on < self.reversals[-1]:
            raise InvalidInput(
                f"reversal date {on} is before the previous reversal on {self.reversals[-1]}"
            )

    def check_ending(self, on: date, today: date) -> None:
        self.check_active()
        self.check_date(on, today, "end date")
        last = max([m.on for m in self.counted_meetings] + self.reversals, default=None)
        if last is not None and on < last:
            raise InvalidInput(f"end date {on} is before the pairing's last activity on {last}")

    def check_retraction(self, meeting: int, reason: str) -> None:
        if not reason or not reason.strip():
            raise InvalidInput("a retraction needs a reason")
        if not 1 <= meeting <= len(self.meetings):
            raise NotAllowed(
                f"pairing {self.id} has no meeting {meeting} (it has {len(self.meetings)} recorded)"
            )
        if self.meetings[meeting - 1].retracted:
            raise NotAllowed(f"meeting {meeting} of pairing {self.id} is already retracted")

    # Commands.

    def meet(self, actor: str, on: date, minutes: int, note: str | None, today: date) -> int:
        self.check_meeting(on, minutes, today)
        number = len(self.meetings) + 1
        meeting = Meeting(number=number, on=on, minutes=minutes, note=note)
        self.trigger_event(self.Met, actor=actor, payload=meeting)
        return number

    def reverse_roles(self, actor: str, on: date, note: str | None, today: date) -> None:
        self.check_reversal(on, today)
        self.trigger_event(self.RolesReversed, actor=actor, payload=RoleReversal(on=on, note=note))

    def end(self, actor: str, on: date, reason: EndReason, note: str | None, today: date) -> None:
        self.check_ending(on, today)
        ending = Ending(on=on, reason=reason, note=note)
        self.trigger_event(self.Ended, actor=actor, payload=ending)

    def retract_meeting(self, actor: str, meeting: int, reason: str) -> None:
        self.check_retraction(meeting, reason)
        retraction = Retraction(meeting=meeting, reason=reason)
        self.trigger_event(self.MeetingRetracted, actor=actor, payload=retraction)
