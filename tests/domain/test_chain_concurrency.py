"""Processes that record at the same moment still leave one unbroken chain, on
SQLite and PostgreSQL: each reads the last link inside its own transaction,
after the store has serialised it behind the others."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from test_concurrency import LOG_MEETINGS
from worker_processes import run_together

from domain.application import MentorshipLedger
from domain.chain import check_log
from domain.chain_reader import BEFORE_ALL, ChainReading

ACTOR = "hr.admin"
PROCESSES = 3
MEETINGS_EACH = 8


@pytest.fixture(params=["sqlite", "postgres"])
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "ledger.db")
    return str(request.getfixturevalue("postgres_store"))


@pytest.fixture
def app(shared_store: str) -> Iterator[MentorshipLedger]:
    ledger = MentorshipLedger(shared_store, today=lambda: date(2026, 11, 22))
    yield ledger
    ledger.close()


def test_concurrent_recordings_are_sealed_into_one_unbroken_chain(
    app: MentorshipLedger, shared_store: str, tmp_path: Path
) -> None:
    for employee in ("alice", "bob"):
        app.register_person(ACTOR, employee_id=employee, name=employee.title(), level=3)
    app.launch_program(ACTOR, slug="spring-2026", name="Spring", on=date(2026, 1, 5))
    pairing = app.pair(ACTOR, "spring-2026", "alice", "bob", date(2026, 2, 2))
    sync = tmp_path / "sync"
    sync.mkdir()

    run_together(
        shared_store,
        sync,
        [(LOG_MEETINGS, [str(pairing.id), str(MEETINGS_EACH)]) for _ in range(PROCESSES)],
    )

    recorder = app.recorder
    assert isinstance(recorder, ChainReading)
    stop = recorder.log_end()
    verdict = check_log(
        recorder.events_from(BEFORE_ALL, stop), recorder.seals_from(BEFORE_ALL, stop), recorder
    )
    events = 3 + 3 + PROCESSES * MEETINGS_EACH  # people and program, pairing, meetings
    assert (verdict.broken, verdict.events, verdict.sealed) == (None, events, events)
