"""The unit of work: many commands, one transaction, on SQLite and PostgreSQL.

Each test opens its own application on the backend's populated store (18 events:
E1..E4, spring-2026, pairings P1 E1->E2, P2 E2->E3, P3 E3->E4, all active).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from cli_helpers import POPULATED_EVENTS, PROGRAM, TODAY, Backend

from domain import unit_of_work
from domain.application import MentorshipLedger
from domain.bulk_write import BulkWriter
from domain.errors import ConcurrentUpdate, InvalidInput, NotFound

ACTOR = "hr.batch"


class FakeViews:
    """The views' list of active pairings in the store (the batch's are not in it)."""

    def __init__(self, listed: Sequence[UUID]) -> None:
        self.listed = list(listed)

    def active_pairings_of(self, employee_id: str) -> Sequence[UUID]:
        return self.listed

    def active_pairings_in(self, program: str) -> Sequence[UUID]:
        return self.listed


@pytest.fixture
def app(backend: Backend) -> Iterator[MentorshipLedger]:
    w = backend.world
    views = FakeViews([UUID(w.p1), UUID(w.p2), UUID(w.p3)])
    ledger = MentorshipLedger(backend.store, today=lambda: TODAY, active_pairings=views)
    yield ledger
    ledger.close()


def _count_writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each chunk the batch writes into its transaction."""
    writes: list[int] = []
    write = BulkWriter.write

    def counting_write(self: BulkWriter, stored_events: Sequence[Any]) -> None:
        writes.append(len(stored_events))
        write(self, stored_events)

    monkeypatch.setattr(BulkWriter, "write", counting_write)
    return writes


def test_a_batch_is_saved_once_at_the_end(
    app: MentorshipLedger, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    puts = _count_writes(monkeypatch)
    seen: list[int] = []
    with app.unit_of_work() as work:
        app.register_person(ACTOR, "E5", "Edsger Dijkstra", level=6, joined_on=date(2020, 1, 1))
        seen.append(backend.count())
        pairing = app.pair(ACTOR, PROGRAM, "E5", "E4", date(2026, 6, 1))
        app.log_meeting(ACTOR, pairing.id, date(2026, 6, 8), 45)
        app.reverse_roles(ACTOR, pairing.id, date(2026, 7, 1))
        app.end_pairing(ACTOR, pairing.id, date(2026, 8, 1), "completed")
        seen.append(backend.count())
        recorded = len(work)

    assert seen == [POPULATED_EVENTS, POPULATED_EVENTS]
    assert recorded == 7  # registration, pairing x3, meeting, reversal, ending
    assert puts == [7]
    assert backend.count() == POPULATED_EVENTS + 7
    ended = app.get_pairing(pairing.id)
    assert (ended.mentor, ended.mentee, ended.ended_on) == ("E4", "E5", date(2026, 8, 1))
    assert ended.version == 4


def test_a_large_batch_is_written_in_chunks_into_one_transaction(
    app: MentorshipLedger, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unit_of_work, "CHUNK_EVENTS", 3)
    writes = _count_writes(monkeypatch)
    seen: list[int] = []
    with app.unit_of_work() as work:
        for number in range(5, 12):  # 7 registrations: chunks of 3, 3, then 1 at the end
            app.register_person(ACTOR, f"E{number}", f"Person {number}")
            seen.append(backend.count())
        in_memory = len(work.events)

    assert writes == [3, 3, 1]
    assert in_memory == 1  # the rest were already in the transaction
    assert seen == [POPULATED_EVENTS] * 7  # nothing visible to others before the commit
    assert backend.count() == POPULATED_EVENTS + 7


def test_an_error_after_chunks_were_written_rolls_all_of_them_back(
    app: MentorshipLedger, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unit_of_work, "CHUNK_EVENTS", 2)
    writes = _count_writes(monkeypatch)
    with pytest.raises(NotFound), app.unit_of_work():
        for number in range(5, 10):
            app.register_person(ACTOR, f"E{number}", f"Person {number}")
        app.log_meeting(ACTOR, UUID(int=1), date(2026, 6, 8), 45)

    assert writes == [2, 2]
    assert backend.count() == POPULATED_EVENTS
    with pytest.raises(NotFound):
        app.get_person("E5")
    app.register_person(ACTOR, "E5", "Written after the rollback")  # the store is usable
    # Counted, not read off the last id: PostgreSQL's sequence does not roll back.
    assert len(app.recorder.select_notifications(1, 100)) == POPULATED_EVENTS + 1


def test_a_failing_command_leaves_the_store_unchanged(
    app: MentorshipLedger, backend: Backend
) -> None:
    with pytest.raises(InvalidInput) as refused, app.unit_of_work():
        app.register_person(ACTOR, "E5", "Edsger Dijkstra", level=6)
        pairing = app.pair(ACTOR, PROGRAM, "E5", "E4", date(2026, 6, 1))
        app.log_meeting(ACTOR, pairing.id, date(2026, 5, 1), 45)

    assert str(refused.value) == "meeting date 2026-05-01 is before the pairing began on 2026-06-01"
    assert backend.count() == POPULATED_EVENTS
    with pytest.raises(NotFound):
        app.get_person("E5")


def test_rules_apply_inside_the_batch_as_outside(app: MentorshipLedger, backend: Backend) -> None:
    p1 = UUID(backend.world.p1)
    with pytest.raises(InvalidInput) as outside:
        app.log_meeting(ACTOR, p1, date(2026, 1, 1), 30)
    with pytest.raises(InvalidInput) as inside, app.unit_of_work():
        app.log_meeting(ACTOR, p1, date(2026, 1, 1), 30)

    assert str(inside.value) == str(outside.value)
    assert str(inside.value) == "meeting date 2026-01-01 is before the pairing began on 2026-02-02"
    assert backend.count() == POPULATED_EVENTS


def test_leaving_and_closing_end_the_batchs_own_pairings(
    app: MentorshipLedger, backend: Backend
) -> None:
    w = backend.world
    with app.unit_of_work():
        app.register_person(ACTOR, "E5", "Edsger Dijkstra", level=6)
        app.register_person(ACTOR, "E6", "Barbara Liskov", level=2)
        first = app.pair(ACTOR, PROGRAM, "E5", "E6", date(2026, 6, 1))
        second = app.pair(ACTOR, PROGRAM, "E5", "E1", date(2026, 6, 2))
        ended_by_leaving = app.record_leaving(ACTOR, "E6", date(2026, 7, 1))
        ended_by_closing = app.close_program(ACTOR, PROGRAM, date(2026, 11, 1))

    assert ended_by_leaving == [first.id]
    assert ended_by_closing == [UUID(w.p1), UUID(w.p2), UUID(w.p3), second.id]
    # 2 registrations, 2 pairings x3, leaving + 1 ending, closing + 4 endings
    assert backend.count() == POPULATED_EVENTS + 2 + 6 + 2 + 5
    assert app.get_pairing(first.id).end_reason == "left_organisation"
    assert app.get_pairing(second.id).end_reason == "program_closed"


def test_another_writer_first_means_nothing_is_written(
    app: MentorshipLedger, backend: Backend
) -> None:
    other = MentorshipLedger(backend.store, today=lambda: TODAY)
    try:
        with pytest.raises(ConcurrentUpdate), app.unit_of_work():
            app.register_person(ACTOR, "E6", "Barbara Liskov")
            app.register_person(ACTOR, "E5", "Edsger Dijkstra")
            other.register_person("someone.else", "E5", "E. W. Dijkstra")
    finally:
        other.close()

    assert backend.count() == POPULATED_EVENTS + 1
    assert app.get_person("E5").name == "E. W. Dijkstra"
    with pytest.raises(NotFound):
        app.get_person("E6")
