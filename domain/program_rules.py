"""The application's commands on programs: launching one, and closing it,
which ends its active pairings with reason `program_closed`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from eventsourcing.application import Application

from domain import validation
from domain.errors import AlreadyExists, LedgerError
from domain.mentorship import Mentorship
from domain.program import Launch, Program, program_id
from domain.retry import command
from domain.vocabulary import DEFAULT_CADENCE_DAYS, EndReason

if TYPE_CHECKING:
    from domain.unit_of_work import UnitOfWork


class ActivePairings(Protocol):
    """Finds active pairings; the projections provide it, tests may fake it."""

    def active_pairings_of(self, employee_id: str) -> Sequence[UUID]: ...

    def active_pairings_in(self, program: str) -> Sequence[UUID]: ...


class ProgramCommands(Application[UUID]):
    """Mixed into `MentorshipLedger`, which provides the getters, `today`, the
    active pairings' finder and the unit of work."""

    if TYPE_CHECKING:
        today: Callable[[], date]
        active_pairings: ActivePairings | None
        _work: UnitOfWork | None

        def get_program(self, slug: str) -> Program: ...
        def get_pairing(self, pairing: UUID) -> Mentorship: ...
        def _exists(self, aggregate_id: UUID) -> bool: ...

    @command
    def launch_program(
        self,
        actor: str,
        slug: str,
        name: str,
        on: date,
        cadence_days: int = DEFAULT_CADENCE_DAYS,
    ) -> Program:
        launch = validation.build(Launch, slug=slug, name=name, cadence_days=cadence_days, on=on)
        if self._exists(program_id(slug)):
            raise AlreadyExists(f"program {slug} already exists")
        program = Program.launch(actor, launch, self.today())
        self.save(program)
        return program

    def pairings_ending_if_closed(self, slug: str, on: date) -> list[Mentorship]:
        """The active pairings that `close_program` would end, checked, for a preview."""
        self.get_program(slug).check_close(on, self.today())
        return self._endable(self._active_pairings_in(slug), on)

    @command
    def close_program(self, actor: str, slug: str, on: date) -> list[UUID]:
        """Closes a program; its active pairings end with reason `program_closed`."""
        program = self.get_program(slug)
        program.check_close(on, self.today())
        pairings = self._endable(self._active_pairings_in(slug), on)
        program.close(actor, on, self.today())
        cause = f"program {slug} closed"
        for pairing in pairings:
            pairing.end(actor, on, EndReason.PROGRAM_CLOSED, None, self.today(), cause)
        self.save(program, *pairings)
        return [p.id for p in pairings]

    def _active_pairings_in(self, slug: str) -> list[Mentorship]:
        listed = self.active_pairings.active_pairings_in(slug) if self.active_pairings else []
        # In a unit of work, the views know nothing of the batch's own pairings.
        batch = self._work.pairings_in(slug) if self._work is not None else []
        ids = list(dict.fromkeys([*listed, *batch]))
        found = (self.get_pairing(i) for i in ids)
        return [p for p in found if p.is_active and p.program == slug]

    def _endable(self, pairings: Iterable[Mentorship], on: date) -> list[Mentorship]:
        pairings = list(pairings)
        for pairing in pairings:
            try:
                pairing.check_ending(on, self.today())
            except LedgerError as error:
                raise type(error)(
                    f"cannot end active pairing {pairing.id} on {on}: {error}"
                ) from None
        return pairings
