"""The domain's words and limits, defined once and imported everywhere.

Standard library only: the projections and the command line import this module
without paying for pydantic or the event models.
"""

from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    TRADITIONAL = "traditional"  # mentor more senior than mentee
    REVERSE = "reverse"  # mentor more junior than mentee
    PEER = "peer"  # equal grades: buddies

    def reversed(self) -> Direction:
        """The direction after mentor and mentee swap roles."""
        return _REVERSED[self]


_REVERSED = {
    Direction.TRADITIONAL: Direction.REVERSE,
    Direction.REVERSE: Direction.TRADITIONAL,
    Direction.PEER: Direction.PEER,
}
DIRECTIONS: tuple[str, ...] = tuple(d.value for d in Direction)


_REVERSED_VALUES = {d.value: d.reversed().value for d in Direction}


def direction_after(direction: str, reversals: int) -> str:
    """The direction in force after `reversals` role swaps (peer stays peer).

    Works on plain strings, as read from the views, for speed.
    """
    return _REVERSED_VALUES[direction] if reversals % 2 else direction


class EndReason(StrEnum):
    COMPLETED = "completed"
    MENTOR_WITHDREW = "mentor_withdrew"
    MENTEE_WITHDREW = "mentee_withdrew"
    LEFT_ORGANISATION = "left_organisation"
    MISMATCH = "mismatch"
    PROGRAM_CLOSED = "program_closed"
    OTHER = "other"


END_REASONS: tuple[str, ...] = tuple(r.value for r in EndReason)


class Role(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class Status(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


# Limits of the values users type. The pydantic payloads enforce them; the
# command line reads them to show ranges in --help.
MIN_MINUTES, MAX_MINUTES = 1, 24 * 60
MIN_LEVEL, MAX_LEVEL = 0, 99
MIN_CADENCE_DAYS, MAX_CADENCE_DAYS = 1, 365
DEFAULT_CADENCE_DAYS = 30
MAX_ID_LENGTH = 64
MAX_ACTOR_LENGTH = 100
MAX_NAME_LENGTH = 200  # a person's or a program's name
MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on an address
MAX_DEPARTMENT_LENGTH = 100
MAX_REASON_LENGTH = 500  # why someone left, why a record is retracted or reopened
MAX_NOTE_LENGTH = 2000  # free-text notes on meetings, reversals and endings

ERASED = "[erased]"
"""What a personal value reads as once the person it is about was forgotten."""

# The days at which retention reports survival and cumulative incidence.
REPORT_HORIZONS: tuple[int, ...] = (30, 90, 180, 365)


class Topic:
    """Stored event topics (module:qualname), as the projections match them."""

    PERSON_REGISTERED = "domain.person:Person.Registered"
    PERSON_PROFILE_UPDATED = "domain.person:Person.ProfileUpdated"
    PERSON_LEFT = "domain.person:Person.LeftOrganisation"
    PERSON_PAIRING_JOINED = "domain.person:Person.PairingJoined"
    PERSON_PAIRING_RESUMED = "domain.person:Person.PairingResumed"
    PERSON_FORGOTTEN = "domain.person:Person.Forgotten"
    PROGRAM_LAUNCHED = "domain.program:Program.Launched"
    PROGRAM_CLOSED = "domain.program:Program.Closed"
    PAIRED = "domain.mentorship:Mentorship.Paired"
    MET = "domain.mentorship:Mentorship.Met"
    ROLES_REVERSED = "domain.mentorship:Mentorship.RolesReversed"
    ENDED = "domain.mentorship:Mentorship.Ended"
    MEETING_RETRACTED = "domain.mentorship:Mentorship.MeetingRetracted"
    REOPENED = "domain.mentorship:Mentorship.Reopened"
