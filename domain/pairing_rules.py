"""The application's commands on pairings, and the rules that span aggregates.

A pairing needs an open program and two people still in the organisation; at
most one pairing of the same two people is active in a program. Pairing and
reopening also record the pairing on both people, so that a departure recorded
at the same moment collides with them in the event store (see `domain.person`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import Application

from domain.dates import check_not_future
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.mentorship import Mentorship, Pairing, derive_direction, pairing_id
from domain.person import Person
from domain.program import Program
from domain.retry import command
from domain.validation import build
from domain.vocabulary import Direction, EndReason, Role


class PairingCommands(Application[UUID]):
    """Mixed into `MentorshipLedger`, which provides the getters and `today`."""

    if TYPE_CHECKING:
        today: Callable[[], date]

        def get_person(self, employee_id: str) -> Person: ...
        def get_program(self, slug: str) -> Program: ...
        def get_pairing(self, pairing: UUID) -> Mentorship: ...
        def _exists(self, aggregate_id: UUID) -> bool: ...

    @command
    def pair(
        self,
        actor: str,
        program: str,
        mentor: str,
        mentee: str,
        on: date,
        direction: Direction | str | None = None,
    ) -> Mentorship:
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
        pairing = build(
            Pairing,
            program=program,
            mentor=mentor,
            mentee=mentee,
            direction=direction,
            on=on,
            mentor_level=the_mentor.level,
            mentee_level=the_mentee.level,
        )
        mentorship = Mentorship.pair(actor, pairing, generation)
        the_mentor.join_pairing(actor, mentorship.id, program, Role.MENTOR, on)
        the_mentee.join_pairing(actor, mentorship.id, program, Role.MENTEE, on)
        self.save(mentorship, the_mentor, the_mentee)
        return mentorship

    def pairings_of(self, program: str, person_a: str, person_b: str) -> Iterator[Mentorship]:
        """Every pairing of the two people in the program, oldest first (either order)."""
        generation = 1
        while self._exists(existing := pairing_id(program, person_a, person_b, generation)):
            yield self.get_pairing(existing)
            generation += 1

    def pairing_on(self, program: str, person_a: str, person_b: str, on: date) -> Mentorship:
        """The pairing of the two people in the program that had begun by `on`: the
        latest one, since the same two are never paired twice at once."""
        begun = [m for m in self.pairings_of(program, person_a, person_b) if m.paired_on <= on]
        if not begun:
            raise NotFound(f"no pairing of {person_a} and {person_b} in {program} on {on}")
        return begun[-1]

    def _next_generation(self, program: str, mentor: str, mentee: str) -> int:
        generation = 1
        for current in self.pairings_of(program, mentor, mentee):
            if current.is_active:
                raise NotAllowed(
                    f"{mentor} and {mentee} already have an active pairing in "
                    f"{program}: {current.id}"
                )
            generation += 1
        return generation

    @command
    def log_meeting(
        self, actor: str, pairing: UUID, on: date, minutes: int, note: str | None = None
    ) -> int:
        mentorship = self.get_pairing(pairing)
        mentorship.check_active()
        self._check_people_and_program(mentorship)
        number = mentorship.meet(actor, on, minutes, note, self.today())
        self.save(mentorship)
        return number

    @command
    def reverse_roles(
        self, actor: str, pairing: UUID, on: date, note: str | None = None
    ) -> Mentorship:
        mentorship = self.get_pairing(pairing)
        mentorship.reverse_roles(actor, on, note, self.today())
        self.save(mentorship)
        return mentorship

    @command
    def end_pairing(
        self,
        actor: str,
        pairing: UUID,
        on: date,
        reason: EndReason | str,
        note: str | None = None,
    ) -> Mentorship:
        mentorship = self.get_pairing(pairing)
        mentorship.end(actor, on, reason, note, self.today())
        self.save(mentorship)
        return mentorship

    @command
    def retract_meeting(self, actor: str, pairing: UUID, meeting: int, reason: str) -> Mentorship:
        mentorship = self.get_pairing(pairing)
        mentorship.retract_meeting(actor, meeting, reason)
        self.save(mentorship)
        return mentorship

    @command
    def reopen_pairing(self, actor: str, pairing: UUID, reason: str) -> Mentorship:
        """Takes back a mistaken ending: the pairing is active again, as if never ended."""
        mentorship = self.get_pairing(pairing)
        mentorship.check_reopen()
        self._check_people_and_program(mentorship)
        self._check_no_other_active(mentorship)
        mentorship.reopen(actor, reason)
        people = [self.get_person(employee_id) for employee_id in mentorship.people]
        for person in people:
            person.resume_pairing(actor, mentorship.id)
        self.save(mentorship, *people)
        return mentorship

    def _check_no_other_active(self, mentorship: Mentorship) -> None:
        program, (mentor, mentee) = mentorship.program, mentorship.people
        for other in self.pairings_of(program, mentor, mentee):
            if other.id != mentorship.id and other.is_active:
                raise NotAllowed(
                    f"{mentor} and {mentee} have another active pairing in {program}: {other.id}"
                )

    def _check_people_and_program(self, mentorship: Mentorship) -> None:
        self.get_program(mentorship.program).check_open()
        for employee_id in mentorship.people:
            self.get_person(employee_id).check_active()


def _derive(mentor: Person, mentee: Person) -> Direction:
    if mentor.level is None or mentee.level is None:
        missing = mentor if mentor.level is None else mentee
        raise NotAllowed(
            f"{missing.employee_id} has no level, so the direction cannot be "
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
