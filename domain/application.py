"""The Mentorship Ledger application: one method per use case (get, act, save).

Commands take plain values; the aggregates build the event payloads, whose
pydantic models are the one source of every rule on a single value. Rules that
involve several aggregates live here (people), in `domain.pairing_rules`
(pairings) and in `domain.program_rules` (programs). Every command is a
`domain.retry.command`: its actor is checked and a lost race with another
writer is retried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import partial
from typing import TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import (
    DatabaseError,
    InfrastructureFactory,
    IntegrityError,
    InternalError,
    Recording,
)
from eventsourcing.utils import Environment

from domain import validation
from domain.bulk_write import BulkWriter
from domain.errors import AlreadyExists, NotAllowed, NotFound
from domain.events import RecordedEvent
from domain.key_table import TABLE, NewKey
from domain.keys import KeyRing, keyring_for
from domain.mapper import PayloadMapper
from domain.mentorship import Mentorship
from domain.pairing_rules import PairingCommands
from domain.person import Departure, Forgetting, Person, ProfileChange, Registration, person_id
from domain.program import Program, program_id
from domain.program_rules import ActivePairings, ProgramCommands
from domain.retry import command
from domain.store import retry_startup, store_environment
from domain.store_guard import check_events_table, construct_factory
from domain.unit_of_work import Events, Forgotten, UnitOfWork, UnitOfWorkMixin
from domain.vocabulary import EndReason

R = TypeVar("R")
STARTUP_RACES: tuple[type[DatabaseError], ...] = (InternalError, IntegrityError)


class MentorshipLedger(PairingCommands, ProgramCommands, UnitOfWorkMixin):
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
        try:
            retry_startup(lambda: super(MentorshipLedger, self).__init__(env=env), STARTUP_RACES)
            if not create:
                check_events_table(self.recorder, store)
            self.keys: KeyRing = keyring_for(self.recorder)
            if create:
                retry_startup(self.keys.create_table, STARTUP_RACES)
        except BaseException:
            self._close_factory()  # see domain.store_guard.closed_on_failure
            raise
        assert isinstance(self.mapper, PayloadMapper)
        self.payload_mapper: PayloadMapper = self.mapper
        self.mapper.keys = self.keys

    def construct_factory(self, env: Environment) -> InfrastructureFactory:
        self._close_factory()  # of an attempt that failed, which retry_startup repeats
        return construct_factory(self.store, env, create=self.create)

    def _close_factory(self) -> None:
        factory = self.__dict__.pop("factory", None)
        if factory is not None:
            factory.close()

    # Queries on aggregates.

    def get_person(self, employee_id: str) -> Person:
        validation.employee_id(employee_id)
        return self._get(person_id(employee_id), Person, f"unknown person {employee_id!r}")

    def get_program(self, slug: str) -> Program:
        validation.slug(slug)
        return self._get(program_id(slug), Program, f"unknown program {slug!r}")

    def get_pairing(self, pairing: UUID) -> Mentorship:
        return self._get(pairing, Mentorship, f"unknown pairing {pairing}")

    def history(self, pairing: UUID) -> list[RecordedEvent]:
        """Every event of a pairing, in the order it was recorded."""
        self.get_pairing(pairing)
        return [cast(RecordedEvent, event) for event in self.events.get(pairing)]

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        """Creates the keys of people registered here before their events are
        sealed, and destroys the keys of people forgotten here once their
        `Forgotten` event is recorded."""
        events = processing_event.events
        self.keys.create(_registered(events))
        recordings = super()._record(processing_event)
        for event in events:
            if isinstance(event, Person.Forgotten):
                self.keys.destroy(event.originator_id, event.timestamp.isoformat())
        return recordings

    def _before_writing(self, events: Events, writer: BulkWriter, work: UnitOfWork) -> None:
        """The same for a batch's chunk: the keys are written in the batch's own
        transaction (so they commit, or roll back, with its events); keys are
        destroyed only once the batch has committed."""
        self.keys.create(_registered(events), within=writer.cursor())
        for event in events:
            if isinstance(event, Person.Forgotten):
                person, when = event.originator_id, event.timestamp.isoformat()
                work.after_commit.append(partial(self.keys.destroy, person, when))

    def _before_storing(
        self, keys: Sequence[NewKey], forgotten: Forgotten, writer: BulkWriter, work: UnitOfWork
    ) -> None:
        """The same for rows of an exported log, whose keys were made as they were sealed."""
        self.keys.store(keys, within=writer.cursor())
        work.after_commit.extend(partial(self.keys.destroy, p, when) for p, when in forgotten)

    def _get(self, aggregate_id: UUID, kind: type[R], message: str) -> R:
        try:
            aggregate = self._load(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(message) from None
        if not isinstance(aggregate, kind):
            raise NotFound(message)
        return aggregate

    # People.

    @command
    def register_person(
        self,
        actor: str,
        employee_id: str,
        name: str,
        *,
        email: str | None = None,
        level: int | None = None,
        department: str | None = None,
        joined_on: date | None = None,
    ) -> Person:
        registration = validation.build(
            Registration,
            employee_id=employee_id,
            name=name,
            email=email,
            level=level,
            department=department,
            joined_on=joined_on,
        )
        if self._exists(person_id(employee_id)):
            raise AlreadyExists(f"person {employee_id} is already registered")
        person = Person.register(actor, registration, self.today())
        self.save(person)
        return person

    @command
    def update_profile(
        self,
        actor: str,
        employee_id: str,
        *,
        name: str | None = None,
        email: str | None = None,
        level: int | None = None,
        department: str | None = None,
        joined_on: date | None = None,
    ) -> Person:
        change = validation.build(
            ProfileChange,
            name=name,
            email=email,
            level=level,
            department=department,
            joined_on=joined_on,
        )
        person = self.get_person(employee_id)
        person.update_profile(actor, change, self.today())
        self.save(person)
        return person

    @command
    def forget_person(self, actor: str, employee_id: str, reason: str) -> Person:
        """Erases a person's personal data: records `Forgotten` and destroys their key.

        Their name, email and leaving reason, and the notes of every pairing
        they were in, then read as erased everywhere; nothing stored is rewritten.
        """
        forgetting = validation.build(Forgetting, on=self.today(), reason=reason)
        person = self.get_person(employee_id)
        status = self.keys.status(person.id)
        if person.forgotten_on is not None and status == "live":
            # Recorded, but the key outlived it (a crash between the two): finish.
            self.keys.destroy(person.id, person.forgotten_on.isoformat())
        if status == "plaintext":
            raise NotAllowed(
                f"{employee_id} was registered before personal data was encrypted: "
                "their personal data is stored in plain text in the event log, which is "
                f"never rewritten, so it cannot be erased (it has no key in {TABLE})"
            )
        person.forget(actor, forgetting)
        self.save(person)
        return person

    def pairings_ending_if_leaving(self, employee_id: str, on: date) -> list[Mentorship]:
        """The active pairings that `record_leaving` would end, checked, for a preview."""
        person = self.get_person(employee_id)
        person.check_leave(on, self.today())
        return self._endable(self._active_pairings_of(person), on)

    @command
    def record_leaving(
        self, actor: str, employee_id: str, on: date, reason: str | None = None
    ) -> list[UUID]:
        """Records that a person left; their active pairings end on the same day."""
        departure = validation.build(Departure, on=on, reason=reason)
        person = self.get_person(employee_id)
        person.check_leave(on, self.today())
        pairings = self._endable(self._active_pairings_of(person), on)
        person.leave(actor, departure, self.today())
        cause = f"person {employee_id} left"
        for pairing in pairings:
            pairing.end(actor, on, EndReason.LEFT_ORGANISATION, None, self.today(), cause)
        self.save(person, *pairings)
        return [p.id for p in pairings]

    def _active_pairings_of(self, person: Person) -> list[Mentorship]:
        # Stores written before people recorded their pairings are covered by
        # the views' list of active pairings.
        port = self.active_pairings
        known = list(person.pairings)
        listed = port.active_pairings_of(person.employee_id) if port else []
        ids = list(dict.fromkeys([*known, *listed]))
        found = (self.get_pairing(i) for i in ids)
        return [p for p in found if p.is_active and p.involves(person.employee_id)]


def _registered(events: Iterable[object]) -> list[tuple[UUID, str]]:
    return [
        (e.originator_id, e.payload.employee_id) for e in events if isinstance(e, Person.Registered)
    ]
