"""Recording on PostgreSQL: the same rules, and no lost events under concurrency."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from domain.application import MentorshipLedger
from domain.errors import NotAllowed

TODAY = date(2026, 11, 22)


def _ledger(store: str) -> MentorshipLedger:
    return MentorshipLedger(store, today=lambda: TODAY)


def _seed(store: str) -> tuple[MentorshipLedger, str]:
    ledger = _ledger(store)
    ledger.register_person("hr", employee_id="E1", name="Ada", level=5)
    ledger.register_person("hr", employee_id="E2", name="Grace", level=2)
    ledger.launch_program("hr", slug="rev", name="Reverse", on=date(2026, 1, 1))
    pairing = ledger.pair("hr", "rev", "E2", "E1", date(2026, 2, 1))
    return ledger, str(pairing.id)


def test_a_pairing_recorded_on_postgres_reads_back_with_its_history(postgres_store: str) -> None:
    ledger, pairing_id = _seed(postgres_store)
    pairing = ledger.get_pairing(ledger.get_pairing(__import__("uuid").UUID(pairing_id)).id)

    ledger.log_meeting("ann", pairing.id, date(2026, 2, 3), 45, "intro")
    ledger.retract_meeting("ann", pairing.id, 1, "logged twice")

    reloaded = _ledger(postgres_store).get_pairing(pairing.id)
    assert reloaded.direction.value == "reverse"
    assert [(m.number, m.retracted) for m in reloaded.meetings] == [(1, True)]
    history = _ledger(postgres_store).history(pairing.id)
    assert [type(e).__name__ for e in history] == ["Paired", "Met", "MeetingRetracted"]
    assert [e.actor for e in history] == ["hr", "ann", "ann"]


def test_a_second_active_pairing_is_refused_on_postgres_too(postgres_store: str) -> None:
    ledger, _ = _seed(postgres_store)
    before = ledger.recorder.max_notification_id()

    with pytest.raises(NotAllowed, match="already have an active pairing in rev"):
        ledger.pair("hr", "rev", "E1", "E2", date(2026, 3, 1))

    assert ledger.recorder.max_notification_id() == before


def test_concurrent_writers_on_postgres_lose_no_meeting(postgres_store: str) -> None:
    ledger, pairing_id = _seed(postgres_store)
    pairing = ledger.get_pairing(__import__("uuid").UUID(pairing_id))
    writers, meetings_each = 4, 10
    start = threading.Barrier(writers, timeout=30)
    errors: list[BaseException] = []

    def write() -> None:
        own = _ledger(postgres_store)  # a separate application, like another process
        start.wait()
        try:
            for _ in range(meetings_each):
                own.log_meeting("bot", pairing.id, date(2026, 3, 1), 30)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = [m.number for m in _ledger(postgres_store).get_pairing(pairing.id).meetings]
    assert numbers == list(range(1, writers * meetings_each + 1))
