"""A person in the organisation, identified by the organisation's employee id."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate
from pydantic import Field

from domain.errors import InvalidInput, NotAllowed
from domain.events import EmployeeId, Payload, PersonalText, check_not_future, check_text

PEOPLE_NAMESPACE = UUID("6f1c3a52-4d0e-4c8e-9a57-2f1b8f0f9a01")

Level = Annotated[int, Field(ge=0, le=99, description="Seniority grade; higher is more senior.")]


def person_id(employee_id: str) -> UUID:
    """The aggregate id of a person: stable, derived from the employee id."""
    return uuid5(PEOPLE_NAMESPACE, employee_id)


class Registration(Payload):
    employee_id: EmployeeId
    name: PersonalText
    email: PersonalText | None = None
    level: Level | None = None
    department: str | None = None
    joined_on: date | None = None


class ProfileChange(Payload):
    """Only the fields that changed are set."""

    name: PersonalText | None = None
    email: PersonalText | None = None
    level: Level | None = None
    department: str | None = None
    joined_on: date | None = None


class Departure(Payload):
    on: date
    reason: PersonalText | None = None  # may say why, e.g. health: personal


def check_level(level: int | None) -> None:
    if level is not None and not 0 <= level <= 99:
        raise InvalidInput(f"level must be a whole number from 0 to 99, not {level}")


def check_registration(registration: Registration, today: date) -> None:
    check_level(registration.level)
    check_text(registration.department, "department")
    if registration.joined_on is not None:
        check_not_future(registration.joined_on, today, "joining date")


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

    def __init__(self, actor: str, payload: Registration) -> None:
        self.employee_id = payload.employee_id
        self.name = payload.name
        self.email = payload.email
        self.level = payload.level
        self.department = payload.department
        self.joined_on = payload.joined_on
        self.left_on: date | None = None
        self.left_reason: str | None = None

    @classmethod
    def register(cls, actor: str, registration: Registration) -> Person:
        return cls._create(
            cls.Registered,
            id=person_id(registration.employee_id),
            actor=actor,
            payload=registration,
        )

    @property
    def has_left(self) -> bool:
        return self.left_on is not None

    def check_active(self) -> None:
        if self.left_on is not None:
            raise NotAllowed(f"{self.employee_id} left the organisation on {self.left_on}")

    def check_update(self, change: ProfileChange, today: date) -> None:
        if not change.model_dump(exclude_none=True):
            raise InvalidInput("nothing to update: give at least one field to change")
        check_level(change.level)
        check_text(change.department, "department")
        if change.joined_on is not None:
            check_not_future(change.joined_on, today, "joining date")

    def update_profile(self, actor: str, change: ProfileChange, today: date) -> None:
        self.check_update(change, today)
        self.trigger_event(self.ProfileUpdated, actor=actor, payload=change)

    def check_leave(self, departure: Departure, today: date) -> None:
        self.check_active()
        check_not_future(departure.on, today, "leaving date")
        if self.joined_on is not None and departure.on < self.joined_on:
            raise InvalidInput(
                f"leaving date {departure.on} is before {self.employee_id} joined "
                f"on {self.joined_on}"
            )

    def leave(self, actor: str, departure: Departure, today: date) -> None:
        self.check_leave(departure, today)
        self.trigger_event(self.LeftOrganisation, actor=actor, payload=departure)
