"""Several OS processes writing to the same store (SQLite file or PostgreSQL database) at once.

Each worker is a fresh `python -c` process. Workers first open the ledger, then
touch a `ready-N` file and spin until the test creates `go`, so the writes
really overlap instead of running one after another.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import warnings
from datetime import date
from pathlib import Path

from eventsourcing.persistence import IntegrityError
from worker_processes import START, run_together

from domain.application import MentorshipLedger
from domain.errors import ConcurrentUpdate
from domain.mentorship import Mentorship, pairing_id

ACTOR = "hr.admin"
PROGRAM = "spring-2026"
PROCESSES = 4
MEETINGS_EACH = 15


# A command that exhausts its retries raises ConcurrentUpdate having written
# nothing, and its message says "try again": so the worker does, and reports it.
LOG_MEETINGS = """
pairing, count = UUID(sys.argv[4]), int(sys.argv[5])
for i in range(count):
    while True:
        try:
            number = app.log_meeting(f"worker-{index}", pairing, date(2026, 3, 1 + i), 30 + i)
            break
        except ConcurrentUpdate:
            print("gave-up")
    print(number)
"""

PAIR = """
mentor, mentee = sys.argv[4], sys.argv[5]
try:
    paired = app.pair(f"worker-{index}", "spring-2026", mentor, mentee, date(2026, 2, 2))
    print("paired", paired.id)
except LedgerError as error:
    print("refused", type(error).__name__, error)
"""


def test_concurrent_meetings_on_one_pairing_are_numbered_without_gaps_or_duplicates(
    ledger: MentorshipLedger, store_path: str, tmp_path: Path
) -> None:
    pairing = ledger.pair(ACTOR, PROGRAM, "alice", "bob", date(2026, 2, 2))
    sync = tmp_path / "sync"
    sync.mkdir()

    outputs = run_together(
        store_path,
        sync,
        [(LOG_MEETINGS, [str(pairing.id), str(MEETINGS_EACH)]) for _ in range(PROCESSES)],
    )

    total = PROCESSES * MEETINGS_EACH
    lines = [line for out in outputs for line in out.split()]
    if gave_up := lines.count("gave-up"):
        warnings.warn(
            f"{gave_up} log_meeting call(s) exhausted their retries (ConcurrentUpdate) "
            "and were re-run by the worker",
            stacklevel=1,
        )
    returned = sorted(int(n) for n in lines if n != "gave-up")
    assert returned == list(range(1, total + 1))
    for out in outputs:  # each worker saw its own meetings numbered in increasing order
        numbers = [int(n) for n in out.split() if n != "gave-up"]
        assert len(numbers) == MEETINGS_EACH
        assert numbers == sorted(numbers)
    reloaded = ledger.get_pairing(pairing.id)
    assert [m.number for m in reloaded.meetings] == list(range(1, total + 1))
    assert reloaded.version == total + 1
    met = [e for e in ledger.history(pairing.id) if isinstance(e, Mentorship.Met)]
    assert [e.payload.number for e in met] == list(range(1, total + 1))
    assert sorted(e.actor for e in met) == sorted(
        f"worker-{i}" for i in range(PROCESSES) for _ in range(MEETINGS_EACH)
    )


def test_two_concurrent_pairings_of_the_same_two_people_make_exactly_one(
    ledger: MentorshipLedger, store_path: str, tmp_path: Path
) -> None:
    sync = tmp_path / "sync"
    sync.mkdir()
    before = ledger.recorder.max_notification_id()

    outputs = run_together(store_path, sync, [(PAIR, ["alice", "bob"]), (PAIR, ["bob", "alice"])])

    first = pairing_id(PROGRAM, "alice", "bob", 1)
    results = sorted(out.strip() for out in outputs)
    assert results[0] == f"paired {first}"
    assert results[1].startswith("refused NotAllowed ")
    assert results[1].endswith(f"already have an active pairing in {PROGRAM}: {first}")
    assert ledger.recorder.max_notification_id() == before + 3  # pairing + both people
    assert ledger.get_pairing(first).is_active
    assert pairing_id(PROGRAM, "alice", "bob", 2) not in ledger.repository


def test_a_lost_race_is_retried_transparently(ledger, monkeypatch) -> None:
    pairing = ledger.pair(ACTOR, PROGRAM, "alice", "bob", date(2026, 2, 2))
    real_save = ledger.save
    attempts: list[int] = []

    def save_losing_once(*aggregates: object) -> object:
        attempts.append(len(attempts) + 1)
        if len(attempts) == 1:
            raise IntegrityError("UNIQUE constraint failed: stored_events")
        return real_save(*aggregates)

    monkeypatch.setattr(ledger, "save", save_losing_once)
    monkeypatch.setattr("domain.retry.time.sleep", lambda seconds: None)

    assert ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30) == 1
    assert attempts == [1, 2]
    assert ledger.get_pairing(pairing.id).version == 2


def test_a_command_that_keeps_losing_gives_up_with_concurrent_update(
    ledger, refused, monkeypatch
) -> None:
    pairing = ledger.pair(ACTOR, PROGRAM, "alice", "bob", date(2026, 2, 2))
    attempts: list[int] = []

    def save_always_losing(*aggregates: object) -> None:
        attempts.append(len(attempts) + 1)
        raise IntegrityError("UNIQUE constraint failed: stored_events")

    monkeypatch.setattr(ledger, "save", save_always_losing)
    monkeypatch.setattr("domain.retry.time.sleep", lambda seconds: None)

    with refused(ConcurrentUpdate, "gave up after 12 attempts: other writers kept changing"):
        ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30)

    assert attempts == list(range(1, 13))


LEAVE_OR_PAIR = """
role, trials = sys.argv[4], int(sys.argv[5])
for trial in range(trials):
    (sync / f"ready-{index}-{trial}").touch()
    while not (sync / f"go-{trial}").exists():
        time.sleep(0.0005)
    person = f"n{trial}"
    try:
        if role == "leave":
            ended = app.record_leaving("worker", person, date(2026, 6, 30))
            print(trial, "left", len(ended))
        else:
            app.pair("worker", "spring-2026", "alice", person, date(2026, 2, 2))
            print(trial, "paired")
    except LedgerError as error:
        print(trial, "refused", type(error).__name__)
"""


def test_leaving_racing_pairing_never_leaves_an_active_pairing_for_someone_who_left(
    ledger: MentorshipLedger, store_path: str, tmp_path: Path
) -> None:
    trials = 30
    for trial in range(trials):
        ledger.register_person(ACTOR, f"n{trial}", f"Newcomer {trial}", level=1)
    sync = tmp_path / "sync"
    sync.mkdir()
    code = textwrap.dedent(START) + textwrap.dedent(LEAVE_OR_PAIR)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", code, store_path, str(sync), str(index), role, str(trials)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index, role in enumerate(["leave", "pair"])
    ]
    (sync / "go").touch()
    deadline = time.monotonic() + 120
    for trial in range(trials):  # release both workers into each trial together
        while len(list(sync.glob(f"ready-*-{trial}"))) < 2:
            assert time.monotonic() < deadline, "workers stalled"
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            time.sleep(0.001)
        (sync / f"go-{trial}").touch()
    outputs = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        outputs.append(out)

    lines = [line.split() for out in outputs for line in out.splitlines()]
    assert len(lines) == 2 * trials
    assert sorted(line[1] for line in lines if line[1] in ("left",)) == ["left"] * trials
    for trial in range(trials):
        person = ledger.get_person(f"n{trial}")
        assert person.has_left
        for pairing_id_ in person.pairings:
            pairing = ledger.get_pairing(pairing_id_)
            # Either the pairing was refused, or the departure found and ended it.
            assert (pairing.ended_on, pairing.end_reason) == (
                date(2026, 6, 30),
                "left_organisation",
            )
