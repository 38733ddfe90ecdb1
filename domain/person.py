"""A person in the organisation, identified by the organisation's employee id.

A person also records each pairing they join (and each one reopened). Pairing,
reopening and leaving therefore all write to the person, so the event store's
version check puts them in order: a pairing can never be recorded for someone
whose departure was recorded at the same moment.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate
from pydantic import Field

from domain.dates import check_not_future
from domain.errors import InvalidInput, NotAllowed
from domain.events import (
    Department,
    Email,
    EmployeeId,
    Level,
    Name,
    Payload,
    PersonalReason,
    Reason,
    Slug,
)
from domain.validation import build
from domain.vocabulary import Role

PEOPLE_NAMESPACE = UUID("6f1c3a52-4d0e-4c8e-9a57-2f1b8f0f9a01")


def person_id(employee_id: str) -> UUID:
    """The aggregate id of a person: stable, derived from the employee id."""
    return uuid5(PEOPLE_NAMESPACE, employee_id)


class Registration(Payload):
    employee_id: EmployeeId = Field(title="person id")
    name: Name
    email: Email | None = None
    level: Level | None = None
    department: Department | None = None
    joined_on: date | None = Field(None, title="joining date")


class ProfileChange(Payload):
    """Only the fields that changed are set."""

    name: Name | None = None
    email: Email | None = None
    level: Level | None = None
    department: Department | None = None
    joined_on: date | None = Field(None, title="joining date")


class Departure(Payload):
    on: date = Field(title="leaving date")
    reason: PersonalReason | None = Field(None, title="leaving reason")  # may say why: personal


class Membership(Payload):
    """The person took a role in a pairing."""

    pairing: UUID = Field(strict=False)
    program: Slug
    role: Role = Field(strict=False)
    on: date


class Resumption(Payload):
    """A pairing of this person that had ended was reopened."""

    pairing: UUID = Field(strict=False)


class Forgetting(Payload):
    """The person's personal data was erased (their key destroyed) on request."""

    on: date
    reason: Reason = Field(title="erasure reason")  # why, e.g. a request's reference: not personal


class Person(Aggregate):
    class Registered(Aggregate.Created):
        actor: str
        payload: Registration

    class ProfileUpdated(Aggregate.Event):
        actor: str
        payload: ProfileChange

        def apply(self, person: Person) -> None:
            for field, value in self.payload.model_dump(exclude_none=True).items():
                setattr(person, field, value)

    class LeftOrganisation(Aggregate.Event):
        actor: str
        payload: Departure

        def apply(self, person: Person) -> None:
            person.left_on = self.payload.on
            person.left_reason = self.payload.reason

    class PairingJoined(Aggregate.Event):
        actor: str
        payload: Membership

        def apply(self, person: Person) -> None:
            person.pairings[self.payload.pairing] = self.payload.on

    class PairingResumed(Aggregate.Event):
        actor: str
        payload: Resumption

    class Forgotten(Aggregate.Event):
        actor: str
        payload: Forgetting

        def apply(self, person: Person) -> None:
            person.forgotten_on = self.payload.on

    def __init__(self, actor: str, payload: Registration) -> None:
        self.employee_id = payload.employee_id
        self.name = payload.name
        self.email = payload.email
        self.level = payload.level
        self.department = payload.department
        self.joined_on = payload.joined_on
        self.left_on: date | None = None
        self.left_reason: str | None = None
        self.pairings: dict[UUID, date] = {}  # pairing id -> date paired
        self.forgotten_on: date | None = None

    @classmethod
    def register(cls, actor: str, registration: Registration, today: date) -> Person:
        if registration.joined_on is not None:
            check_not_future(registration.joined_on, today, "joining date")
        return cls._create(
            cls.Registered,
            id=person_id(registration.employee_id),
            actor=actor,
            payload=registration,
        )

    @property
    def has_left(self) -> bool:
        return self.left_on is not None

    @property
    def first_paired_on(self) -> date | None:
        return min(self.pairings.values(), default=None)

    def check_active(self) -> None:
        if self.left_on is not None:
            raise NotAllowed(f"{self.employee_id} left the organisation on {self.left_on}")

    def check_not_forgotten(self, what: str) -> None:
        if self.forgotten_on is not None:
            raise NotAllowed(
                f"{self.employee_id} was forgotten on {self.forgotten_on}: "
                f"their {what} cannot be recorded"
            )

    def forget(self, actor: str, forgetting: Forgetting) -> None:
        if self.forgotten_on is not None:
            raise NotAllowed(f"{self.employee_id} was already forgotten on {self.forgotten_on}")
        self.trigger_event(self.Forgotten, actor=actor, payload=forgetting)

    def check_joining_date(self, joined_on: date, today: date) -> None:
        check_not_future(joined_on, today, "joining date")
        if self.left_on is not None and joined_on > self.left_on:
            raise InvalidInput(
                f"joining date {joined_on} is after {self.employee_id} left on {self.left_on}"
            )
        first = self.first_paired_on
        if first is not None and joined_on > first:
            raise InvalidInput(
                f"joining date {joined_on} is after {self.employee_id}'s first pairing "
                f"began on {first}"
            )

    def update_profile(self, actor: str, change: ProfileChange, today: date) -> None:
        if not change.model_dump(exclude_none=True):
            raise InvalidInput("nothing to update: give at least one field to change")
        if change.name is not None or change.email is not None:
            self.check_not_forgotten("name and email")
        if change.joined_on is not None:
            self.check_joining_date(change.joined_on, today)
        self.trigger_event(self.ProfileUpdated, actor=actor, payload=change)

    def check_leave(self, on: date, today: date) -> None:
        self.check_active()
        check_not_future(on, today, "leaving date")
        if self.joined_on is not None and on < self.joined_on:
            raise InvalidInput(
                f"leaving date {on} is before {self.employee_id} joined on {self.joined_on}"
            )

    def leave(self, actor: str, departure: Departure, today: date) -> None:
        self.check_leave(departure.on, today)
        if departure.reason is not None:
            self.check_not_forgotten("leaving reason")
        self.trigger_event(self.LeftOrganisation, actor=actor, payload=departure)

    def join_pairing(self, actor: str, pairing: UUID, program: str, role: Role, on: date) -> None:
        self.check_active()
        membership = build(Membership, pairing=pairing, program=program, role=role, on=on)
        self.trigger_event(self.PairingJoined, actor=actor, payload=membership)

    def resume_pairing(self, actor: str, pairing: UUID) -> None:
        self.check_active()
        self.trigger_event(self.PairingResumed, actor=actor, payload=Resumption(pairing=pairing))
