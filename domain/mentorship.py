"""A mentorship: two people paired in one program, and everything that follows.

Meetings are numbered 1, 2, 3... in the order they are recorded. A mistaken
meeting is never edited away: a `MeetingRetracted` event marks it, it stays in
the history and stops counting.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate
from pydantic import Field

from domain.dates import check_not_future
from domain.errors import InvalidInput, NotAllowed
from domain.events import EmployeeId, Minutes, Note, Payload, Reason, Slug
from domain.meeting_log import MeetingLog, MeetingRecord
from domain.validation import build
from domain.vocabulary import MAX_MINUTES, Direction, EndReason

PAIRINGS_NAMESPACE = UUID("9d3e0c77-1b2a-4f6e-8c1d-5a4b3c2d1e03")
__all__ = ["MAX_MINUTES", "Direction", "EndReason", "MeetingLog", "MeetingRecord"]


class Pairing(Payload):
    program: Slug = Field(title="program id")
    mentor: EmployeeId = Field(title="mentor")
    mentee: EmployeeId = Field(title="mentee")
    direction: Direction = Field(strict=False)
    on: date = Field(title="pairing date")
    mentor_level: int | None = None
    mentee_level: int | None = None


class Meeting(Payload):
    number: int = Field(ge=1, description="1, 2, 3... within the pairing.")
    on: date = Field(title="meeting date")
    minutes: Minutes
    note: Note | None = None


class RoleReversal(Payload):
    on: date = Field(title="reversal date")
    note: Note | None = None


class Ending(Payload):
    on: date = Field(title="end date")
    reason: EndReason = Field(title="end reason", strict=False)
    note: Note | None = None
    caused_by: str | None = Field(
        None,
        description="Set when another event ended the pairing, e.g. 'person E1042 left'.",
    )


class Retraction(Payload):
    meeting: int = Field(ge=1, title="meeting number")
    reason: Reason = Field(title="retraction reason")


class Reopening(Payload):
    """The latest ending was a mistake: the pairing is active as if never ended."""

    reason: Reason = Field(title="reason for reopening")


def pairing_id(program: str, person_a: str, person_b: str, generation: int) -> UUID:
    """Id of the `generation`-th pairing of two people in a program.

    Deterministic so that two writers pairing the same two people at once
    collide on the same id and the event store rejects the second.
    """
    low, high = sorted((person_a, person_b))
    return uuid5(PAIRINGS_NAMESPACE, f"{program}\n{low}\n{high}\n{generation}")


def derive_direction(mentor_level: int, mentee_level: int) -> Direction:
    if mentor_level > mentee_level:
        return Direction.TRADITIONAL
    if mentor_level < mentee_level:
        return Direction.REVERSE
    return Direction.PEER


class Mentorship(Aggregate):
    class Paired(Aggregate.Created):
        actor: str
        payload: Pairing

    class Met(Aggregate.Event):
        actor: str
        payload: Meeting

        def apply(self, pairing: Mentorship) -> None:
            pairing.meetings.add(self.payload.on)

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
            pairing.meetings.retract(self.payload.meeting)

    class Reopened(Aggregate.Event):
        actor: str
        payload: Reopening

        def apply(self, pairing: Mentorship) -> None:
            pairing.ended_on = None
            pairing.end_reason = None

    def __init__(self, actor: str, payload: Pairing) -> None:
        self.program = payload.program
        self.mentor = payload.mentor
        self.mentee = payload.mentee
        self.direction = payload.direction
        self.direction_at_pairing = payload.direction
        self.paired_on = payload.on
        self.ended_on: date | None = None
        self.end_reason: EndReason | None = None
        self.meetings = MeetingLog()
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
        return self.meetings.counted()

    @property
    def last_met_on(self) -> date | None:
        return self.meetings.last_counted_on()

    @property
    def people(self) -> tuple[str, str]:
        return self.mentor, self.mentee

    def involves(self, employee_id: str) -> bool:
        return employee_id in (self.mentor, self.mentee)

    # Guards for the rules that need the pairing's state; each runs before any
    # change. Rules on single values live on the payloads.

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
        last = max(filter(None, [self.last_met_on, *self.reversals]), default=None)
        if last is not None and on < last:
            raise InvalidInput(f"end date {on} is before the pairing's last activity on {last}")

    def check_retraction(self, meeting: int) -> None:
        if not 1 <= meeting <= len(self.meetings):
            raise NotAllowed(
                f"pairing {self.id} has no meeting {meeting} (it has {len(self.meetings)} recorded)"
            )
        if self.meetings.is_retracted(meeting):
            raise NotAllowed(f"meeting {meeting} of pairing {self.id} is already retracted")

    def check_reopen(self) -> None:
        if self.ended_on is None:
            raise NotAllowed(f"pairing {self.id} is active; only an ended pairing can be reopened")

    # Commands.

    def meet(self, actor: str, on: date, minutes: int, note: str | None, today: date) -> int:
        number = len(self.meetings) + 1
        meeting = build(Meeting, number=number, on=on, minutes=minutes, note=note)
        self.check_active()
        self.check_date(on, today, "meeting date")
        self.trigger_event(self.Met, actor=actor, payload=meeting)
        return number

    def reverse_roles(self, actor: str, on: date, note: str | None, today: date) -> None:
        reversal = build(RoleReversal, on=on, note=note)
        self.check_reversal(on, today)
        self.trigger_event(self.RolesReversed, actor=actor, payload=reversal)

    def end(
        self,
        actor: str,
        on: date,
        reason: EndReason | str,
        note: str | None,
        today: date,
        caused_by: str | None = None,
    ) -> None:
        ending = build(Ending, on=on, reason=reason, note=note, caused_by=caused_by)
        self.check_ending(on, today)
        self.trigger_event(self.Ended, actor=actor, payload=ending)

    def retract_meeting(self, actor: str, meeting: int, reason: str) -> None:
        self.check_retraction(meeting)
        retraction = build(Retraction, meeting=meeting, reason=reason)
        self.trigger_event(self.MeetingRetracted, actor=actor, payload=retraction)

    def reopen(self, actor: str, reason: str) -> None:
        reopening = build(Reopening, reason=reason)
        self.check_reopen()
        self.trigger_event(self.Reopened, actor=actor, payload=reopening)
