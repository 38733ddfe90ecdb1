"""A mentoring program: a named, time-boxed scheme that pairs people."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate
from pydantic import Field

from domain.errors import InvalidInput, NotAllowed
from domain.events import Payload, Slug, check_not_future

PROGRAMS_NAMESPACE = UUID("0b6d1f8e-8a0c-4f57-b7a4-4c2e61d5e702")
DEFAULT_CADENCE_DAYS = 30

Cadence = Annotated[
    int, Field(ge=1, le=365, description="How often pairs are expected to meet, in days.")
]


def program_id(slug: str) -> UUID:
    """The aggregate id of a program: stable, derived from its slug."""
    return uuid5(PROGRAMS_NAMESPACE, slug)


class Launch(Payload):
    slug: Slug
    name: str
    cadence_days: Cadence = DEFAULT_CADENCE_DAYS
    on: date


class Closure(Payload):
    on: date


def check_launch(launch: Launch, today: date) -> None:
    if not launch.name.strip():
        raise InvalidInput("program name must not be empty")
    check_not_future(launch.on, today, "launch date")


def check_cadence(cadence_days: int) -> None:
    if not 1 <= cadence_days <= 365:
        raise InvalidInput(
            f"cadence must be a whole number of days from 1 to 365, not {cadence_days}"
        )


class Program(Aggregate):
    class Launched(Aggregate.Created):
        actor: str
        payload: Launch

    class Closed(Aggregate.Event):
        actor: str
        payload: Closure

        def apply(self, program: Program) -> None:
            program.closed_on = self.payload.on

    def __init__(self, actor: str, payload: Launch) -> None:
        self.slug = payload.slug
        self.name = payload.name
        self.cadence_days = payload.cadence_days
        self.launched_on = payload.on
        self.closed_on: date | None = None

    @classmethod
    def launch(cls, actor: str, launch: Launch) -> Program:
        return cls._create(cls.Launched, id=program_id(launch.slug), actor=actor, payload=launch)

    def check_open(self) -> None:
        if self.closed_on is not None:
            raise NotAllowed(f"program {self.slug} was closed on {self.closed_on}")

    def check_close(self, closure: Closure, today: date) -> None:
        self.check_open()
        check_not_future(closure.on, today, "closing date")
        if closure.on < self.launched_on:
            raise InvalidInput(
                f"closing date {closure.on} is before program {self.slug} was "
                f"launched on {self.launched_on}"
            )

    def close(self, actor: str, closure: Closure, today: date) -> None:
        self.check_close(closure, today)
        self.trigger_event(self.Closed, actor=actor, payload=closure)
