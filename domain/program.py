"""A mentoring program: a named, time-boxed scheme that pairs people."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate
from pydantic import Field

from domain.dates import check_not_future
from domain.errors import InvalidInput, NotAllowed
from domain.events import Cadence, Payload, ProgramName, Slug
from domain.validation import build
from domain.vocabulary import DEFAULT_CADENCE_DAYS

PROGRAMS_NAMESPACE = UUID("0b6d1f8e-8a0c-4f57-b7a4-4c2e61d5e702")
__all__ = ["DEFAULT_CADENCE_DAYS"]


def program_id(slug: str) -> UUID:
    """The aggregate id of a program: stable, derived from its slug."""
    return uuid5(PROGRAMS_NAMESPACE, slug)


class Launch(Payload):
    slug: Slug = Field(title="program id")
    name: ProgramName = Field(title="program name")
    cadence_days: Cadence = Field(DEFAULT_CADENCE_DAYS, title="cadence")
    on: date = Field(title="launch date")


class Closure(Payload):
    on: date = Field(title="closing date")


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
    def launch(cls, actor: str, launch: Launch, today: date) -> Program:
        check_not_future(launch.on, today, "launch date")
        return cls._create(cls.Launched, id=program_id(launch.slug), actor=actor, payload=launch)

    def check_open(self) -> None:
        if self.closed_on is not None:
            raise NotAllowed(f"program {self.slug} was closed on {self.closed_on}")

    def check_close(self, on: date, today: date) -> None:
        self.check_open()
        check_not_future(on, today, "closing date")
        if on < self.launched_on:
            raise InvalidInput(
                f"closing date {on} is before program {self.slug} was "
                f"launched on {self.launched_on}"
            )

    def close(self, actor: str, on: date, today: date) -> None:
        closure = build(Closure, on=on)
        self.check_close(on, today)
        self.trigger_event(self.Closed, actor=actor, payload=closure)
