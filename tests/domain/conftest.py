"""Shared world for the domain tests.

A ledger on a fresh store, a fixed "today", five people and
one launched program. `ActivePairings` is faked by a list of pairing ids that
the tests know about; the fake reads each one back through the application, so
leaving and closing see exactly what the event store says.

Every test on a store runs twice: on an SQLite file in `tmp_path` and on a
throw-away PostgreSQL database (`ledger_backend`, from tests/conftest.py), unless
it is marked `sqlite_only`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from uuid import UUID

import pytest
from backends import Stores

from domain.application import MentorshipLedger
from domain.mentorship import Direction, Mentorship

TODAY = date(2026, 11, 22)
ACTOR = "hr.admin"
PROGRAM = "spring-2026"
PROGRAM_LAUNCHED_ON = date(2026, 1, 5)
PAIRED_ON = date(2026, 2, 2)

# employee id -> (name, level, joined_on)
PEOPLE: dict[str, tuple[str, int | None, date | None]] = {
    "alice": ("Alice Archer", 7, date(2019, 4, 1)),
    "bob": ("Bob Brown", 3, date(2024, 9, 2)),
    "carol": ("Carol Chen", 3, None),
    "dave": ("Dave Dunn", None, None),
    "erin": ("Erin Eze", 5, date(2026, 3, 1)),
}


class FakeActivePairings:
    """An `ActivePairings` port that scans a list of known pairing ids via the app."""

    def __init__(self) -> None:
        self.known: list[UUID] = []
        self.app: MentorshipLedger | None = None

    def track(self, pairing: UUID) -> None:
        self.known.append(pairing)

    def _active(self) -> Iterator[Mentorship]:
        assert self.app is not None, "connect the fake to a ledger first"
        for pairing in self.known:
            mentorship = self.app.get_pairing(pairing)
            if mentorship.is_active:
                yield mentorship

    def active_pairings_of(self, employee_id: str) -> Sequence[UUID]:
        return [m.id for m in self._active() if m.involves(employee_id)]

    def active_pairings_in(self, program: str) -> Sequence[UUID]:
        return [m.id for m in self._active() if m.program == program]


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def store_path(stores: Stores) -> str:
    """The test's store: an SQLite file path or a PostgreSQL URL, by `ledger_backend`."""
    return stores()


@pytest.fixture
def active_pairings() -> FakeActivePairings:
    return FakeActivePairings()


@pytest.fixture
def empty_ledger(
    store_path: str, today: date, active_pairings: FakeActivePairings
) -> Iterator[MentorshipLedger]:
    app = MentorshipLedger(store_path, today=lambda: today, active_pairings=active_pairings)
    active_pairings.app = app
    yield app
    app.close()


@pytest.fixture
def ledger(empty_ledger: MentorshipLedger) -> MentorshipLedger:
    """Five people registered and the `spring-2026` program launched: 6 events."""
    for employee_id, (name, level, joined_on) in PEOPLE.items():
        empty_ledger.register_person(
            ACTOR,
            employee_id=employee_id,
            name=name,
            email=f"{employee_id}@example.com",
            level=level,
            joined_on=joined_on,
        )
    empty_ledger.launch_program(
        ACTOR, slug=PROGRAM, name="Spring 2026", cadence_days=14, on=PROGRAM_LAUNCHED_ON
    )
    return empty_ledger


PairFn = Callable[..., Mentorship]


@pytest.fixture
def pair(ledger: MentorshipLedger, active_pairings: FakeActivePairings) -> PairFn:
    """Pairs two people (alice mentoring bob by default) and tells the fake port."""

    def _pair(
        mentor: str = "alice",
        mentee: str = "bob",
        on: date = PAIRED_ON,
        program: str = PROGRAM,
        direction: Direction | None = None,
    ) -> Mentorship:
        mentorship = ledger.pair(ACTOR, program, mentor, mentee, on, direction)
        active_pairings.track(mentorship.id)
        return mentorship

    return _pair


RefusedFn = Callable[[type[Exception], str], AbstractContextManager[object]]


@pytest.fixture
def refused(ledger: MentorshipLedger) -> RefusedFn:
    """`with refused(NotAllowed, "text"):` the block raises exactly that error class,
    its message contains the literal text, and no event at all was written."""

    @contextmanager
    def _refused(error: type[Exception], text: str) -> Iterator[object]:
        before = ledger.recorder.max_notification_id()
        with pytest.raises(error, match=re.escape(text)) as caught:
            yield caught
        assert type(caught.value) is error
        assert ledger.recorder.max_notification_id() == before

    return _refused
