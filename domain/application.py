"""The Mentorship Ledger application: one method per use case (get, act, save).

Commands that lose a race with another writer (a version conflict in the event
store) are reloaded and retried (`domain.retry`) before failing clearly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import OriginatorVersionError
from eventsourcing.persistence import (
    DatabaseError,
    InfrastructureFactory,
    IntegrityError,
    InternalError,
)
from eventsourcing.utils import Environment

from domain.errors import (
    AlreadyExists,
    DamagedStore,
    InvalidInput,
    LedgerError,
    NotAllowed,
    NotFound,
)
from domain.events import (
    RecordedEvent,
    check_actor,
    check_employee_id,
    check_not_future,
    check_slug,
    check_text,
)
from domain.mentorship import (
    Direction,
    EndReason,
    Mentorship,
    Pairing,
    derive_direction,
    pairing_id,
)
from domain.person import (
    Departure,
    Person,
    ProfileChange,
    Registration,
    check_registration,
    person_id,
)
from domain.program import Closure, Launch, Program, check_cadence, check_launch, program_id
from domain.retry import retried
from domain.store import retry_startup, store_environment
from domain.store_guard import check_events_table, construct_factory

R = TypeVar("R")
STARTUP_RACES: tuple[type[DatabaseError], ...] = (InternalError, IntegrityError)


class ActivePairings(Protocol):
    """Finds active pairings; the projections provide it, tests may fake it."""

    def active_pairings_of(self, employee_id: str) -> Sequence[UUID]: ...

    def active_pairings_in(self, program: str) -> Sequence[UUID]: ...


class MentorshipLedger(Application[UUID]):
    name = "MentorshipLedger"

    def __init__(
        self,
        store: str,
        *,
        today: Callable[[], date] = date.today,
        active_pairings: ActivePairings | None = None,
        create: bool = True,
    ) -> None:
        """With `create=False` (queries), a store that does not exist is an error."""
        self.store = store
        self.today = today
        self.active_pairings = active_pairings
        self.create = create
        env = store_environment(store, create=create)
        retry_startup(lambda: super(MentorshipLedger, self).__init__(env=env), STARTUP_RACES)
        if not create:
            check_events_table(self.recorder, store)

    def construct_factory(self, env: Environment) -> InfrastructureFactory:
        return construct_factory(self.store, env, create=self.create)

    # Queries on aggregates.

    def get_person(self, employee_id: str) -> Person:
        check_employee_id(employee_id)
        return self._get(person_id(employee_id), Person, f"unknown person {employee_id!r}")

    def get_program(self, slug: str) -> Program:
        check_slug(slug)
        return self._get(program_id(slug), Program, f"unknown program {slug!r}")

    def get_pairing(self, pairing: UUID) -> Mentorship:
        return self._get(pairing, Mentorship, f"unknown pairing {pairing}")

    def history(self, pairing: UUID) -> list[RecordedEvent]:
        """Every event of a pairing, in the order it was recorded."""
        self.get_pairing(pairing)
        return [cast(RecordedEvent, event) for event in self.events.get(pairing)]

    def _get(self, aggregate_id: UUID, kind: type[R], message: str) -> R:
        try:
            aggregate = self._load(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(message) from None
        if not isinstance(aggregate, kind):
            raise NotFound(message)
        return aggregate

    def _exists(self, aggregate_id: UUID) -> bool:
        try:
            self._load(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True

    def _load(self, aggregate_id: UUID) -> object:
        """An aggregate from its events; a gap in their versions means a damaged store."""
        try:
            return self.repository.get(aggregate_id)
        except OriginatorVersionError as error:
            found, expected = error.args
            what = f"version {expected} is missing (the next event is version {found})"
        except AssertionError:  # eventsourcing's check that the first event creates it
            what = "its first event is missing"
        raise DamagedStore(f"the store is damaged: aggregate {aggregate_id}: {what}")

    # People.

    @retried
    def register_person(self, actor: str, registration: Registration) -> Person:
        check_actor(actor)
        check_registration(registration, self.today())
        if self._exists(person_id(registration.employee_id)):
            raise AlreadyExists(f"person {registration.employee_id} is already registered")
        person = Person.register(actor, registration)
        self.save(person)
        return person

    @retried
    def update_profile(self, actor: str, employee_id: str, change: ProfileChange) -> Person:
        check_actor(actor)
        person = self.get_person(employee_id)
        person.update_profile(actor, change, self.today())
        self.save(person)
        return person

    @retried
    def record_leaving(self, actor: str, employee_id: str, departure: Departure) -> list[UUID]:
        """Records that a person left; their active pairings end on the same day."""
        check_actor(actor)
        check_text(departure.reason, "reason")
        person = self.get_person(employee_id)
        person.check_leave(departure, self.today())
        ids = self.active_pairings.active_pairings_of(employee_id) if self.active_pairings else []
        pairings = self._endable(ids, departure.on, lambda p: p.involves(employee_id))
        person.leave(actor, departure, self.today())
        for pairing in pairings:
            pairing.end(actor, departure.on, EndReason.LEFT_ORGANISATION, None, self.today())
        self.save(person, *pairings)
        return [p.id for p in pairings]

    # Programs.

    @retried
    def launch_program(self, actor: str, launch: Launch) -> Program:
        check_actor(actor)
        check_slug(launch.slug)
        check_cadence(launch.cadence_days)
        check_launch(launch, self.today())
        if self._exists(program_id(launch.slug)):
            raise AlreadyExists(f"program {launch.slug} already exists")
        program = Program.launch(actor, launch)
        self.save(program)
        return program

    @retried
    def close_program(self, actor: str, slug: str, closure: Closure) -> list[UUID]:
        """Closes a program; its active pairings end with reason `program_closed`."""
        check_actor(actor)
        program = self.get_program(slug)
        program.check_close(closure, self.today())
        ids = self.active_pairings.active_pairings_in(slug) if self.active_pairings else []
        pairings = self._endable(ids, closure.on, lambda p: p.program == slug)
        program.close(actor, closure, self.today())
        for pairing in pairings:
            pairing.end(actor, closure.on, EndReason.PROGRAM_CLOSED, None, self.today())
        self.save(program, *pairings)
        return [p.id for p in pairings]

    def _endable(
        self, ids: Sequence[UUID], on: date, belongs: Callable[[Mentorship], bool]
    ) -> list[Mentorship]:
        pairings = [self.get_pairing(i) for i in ids]
        pairings = [p for p in pairings if p.is_active and belongs(p)]
        for pairing in pairings:
            try:
                pairing.check_ending(on, self.today())
            except LedgerError as error:
                raise type(error)(
                    f"cannot end active pairing {pairing.id} on {on}: {error}"
                ) from None
        return pairings

    # Mentorships.

    @retried
    def pair(
        self,
        actor: str,
        program: str,
        mentor: str,
        mentee: str,
        on: date,
        direction: Direction | None = None,
    ) -> Mentorship:
        check_actor(actor)
        if mentor == mentee:
            raise NotAllowed(f"cannot pair {mentor} with themselves")
        the_program = self.get_program(program)
        the_mentor = self.get_person(mentor)
        the_mentee = self.get_person(mentee)
        the_program.check_open()
        for person in (the_mentor, the_mentee):
            person.check_active()
        check_pairing_date(on, self.today(), the_program, the_mentor, the_mentee)
        if direction is None:
            direction = _derive(the_mentor, the_mentee)
        generation = self._next_generation(program, mentor, mentee)
        pairing = Pairing(
            program=program,
            mentor=mentor,
            mentee=mentee,
            direction=direction,
            on=on,
            mentor_level=the_mentor.level,
            mentee_level=the_mentee.level,
        )
        mentorship = Mentorship.pair(actor, pairing, generation)
        self.save(mentorship)
        return mentorship

    def _next_generation(self, program: str, mentor: str, mentee: str) -> int:
        generation = 1
        while self._exists(existing := pairing_id(program, mentor, mentee, generation)):
            current = self.get_pairing(existing)
            if current.is_active:
                raise NotAllowed(
                    f"{mentor} and {mentee} already have an active pairing in "
                    f"{program}: {current.id}"
                )
            generation += 1
        return generation

    @retried
    def log_meeting(
        self, actor: str, pairing: UUID, on: date, minutes: int, note: str | None = None
    ) -> int:
        check_actor(actor)
        check_text(note, "note")
        mentorship = self.get_pairing(pairing)
        mentorship.check_meeting(on, minutes, self.today())
        self._check_people_and_program(mentorship)
        number = mentorship.meet(actor, on, minutes, note, self.today())
        self.save(mentorship)
        return number

    @retried
    def reverse_roles(
        self, actor: str, pairing: UUID, on: date, note: str | None = None
    ) -> Mentorship:
        check_actor(actor)
        check_text(note, "note")
        mentorship = self.get_pairing(pairing)
        mentorship.reverse_roles(actor, on, note, self.today())
        self.save(mentorship)
        return mentorship

    @retried
    def end_pairing(
        self, actor: str, pairing: UUID, on: date, reason: EndReason, note: str | None = None
    ) -> Mentorship:
        check_actor(actor)
        check_text(note, "note")
        mentorship = self.get_pairing(pairing)
        mentorship.end(actor, on, reason, note, self.today())
        self.save(mentorship)
        return mentorship

    @retried
    def retract_meeting(self, actor: str, pairing: UUID, meeting: int, reason: str) -> Mentorship:
        check_actor(actor)
        check_text(reason, "reason", max_length=500)
        mentorship = self.get_pairing(pairing)
        mentorship.retract_meeting(actor, meeting, reason)
        self.save(mentorship)
        return mentorship

    def _check_people_and_program(self, mentorship: Mentorship) -> None:
        self.get_program(mentorship.program).check_open()
        for employee_id in (mentorship.mentor, mentorship.mentee):
            self.get_person(employee_id).check_active()


def _derive(mentor: Person, mentee: Person) -> Direction:
    for person in (mentor, mentee):
        if person.level is None:
            raise NotAllowed(
                f"{person.employee_id} has no level, so the direction cannot be "
                "derived: give --direction or set their level"
            )
    return derive_direction(mentor.level, mentee.level)


def check_pairing_date(
    on: date, today: date, program: Program, mentor: Person, mentee: Person
) -> None:
    check_not_future(on, today, "pairing date")
    if on < program.launched_on:
        raise InvalidInput(
            f"pairing date {on} is before program {program.slug} was launched "
            f"on {program.launched_on}"
        )
    for person in (mentor, mentee):
        if person.joined_on is not None and on < person.joined_on:
            raise InvalidInput(
                f"pairing date {on} is before {person.employee_id} joined on {person.joined_on}"
            )
