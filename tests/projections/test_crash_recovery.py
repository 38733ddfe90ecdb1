"""Crashes while the views are being written leave nothing half done.

A crash is simulated by making `Batch.apply` raise inside the runner's
transaction (before or after its writes), and for real by SIGKILLing a process
in the middle of a replay. Afterwards the views must hold exactly what a clean
projection of the same events holds, and the next catch-up must complete them.

A replay applies many pages to a transaction (see projections/rebuild.py): on
this small history, all of them, unless its `replay_hold` is 0 (a transaction
a page), as in a replay longer than its hold.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from backends import Stores
from eventsourcing.persistence import ApplicationRecorder

from domain.application import MentorshipLedger
from domain.mentorship import EndReason, Mentorship, Pairing, derive_direction
from domain.person import Person, Registration
from domain.program import Launch, Program
from domain.vocabulary import Role
from projections.projector import Batch
from projections.source import open_recorder
from projections.views import LedgerViews

N = 52  # events in the rich history (see conftest.rich_history)
PAGE = 3
REPORT_DAYS = [date(2026, 3, 20), date(2026, 6, 1), date(2026, 8, 3), date(2026, 11, 22)]


class Crash(Exception):
    """The simulated crash."""


def crash_on_call(monkeypatch: pytest.MonkeyPatch, call: int, *, after_writes: bool) -> list[int]:
    """Makes the `call`-th `Batch.apply` raise, before or after doing its writes."""
    original = Batch.apply
    calls = [0]

    def apply(self: Batch, *args: Any, **kwargs: Any) -> None:
        calls[0] += 1
        if calls[0] == call:
            if after_writes:
                original(self, *args, **kwargs)
            raise Crash(f"crash in batch {call}")
        original(self, *args, **kwargs)

    monkeypatch.setattr(Batch, "apply", apply)
    return calls


@pytest.fixture
def unprojected(
    ledger: Any, kit: Any, stores: Stores
) -> Iterator[Callable[[], ApplicationRecorder]]:
    """The rich history copied to a store whose views were never built; opens
    as many recorders on it as asked for."""
    kit.rich_history(ledger)
    path = stores("unprojected.db")
    kit.close_recorder(kit.copy_events(ledger.app.recorder, path))
    opened: list[ApplicationRecorder] = []

    def _open() -> ApplicationRecorder:
        opened.append(open_recorder(path))
        return opened[-1]

    yield _open
    for recorder in opened:
        kit.close_recorder(recorder)


@pytest.mark.parametrize("after_writes", [False, True], ids=["before-writes", "after-writes"])
@pytest.mark.parametrize("crashing_batch", [1, 3, 18])
def test_a_crash_between_batches_leaves_whole_batches_then_catch_up_completes(
    unprojected: Callable[[], ApplicationRecorder],
    fresh_copy: Callable[..., LedgerViews],
    track_views: Callable[[LedgerViews], LedgerViews],
    kit: Any,
    monkeypatch: pytest.MonkeyPatch,
    crashing_batch: int,
    after_writes: bool,
) -> None:
    recorder = unprojected()
    views = track_views(LedgerViews(recorder))
    views.runner.page_size = PAGE
    calls = crash_on_call(monkeypatch, crashing_batch, after_writes=after_writes)
    with pytest.raises(Crash):
        views.catch_up()
    monkeypatch.undo()
    assert calls == [crashing_batch]
    # 52 events in pages of 3: the 18th (last) page holds event 52 alone.
    committed = PAGE * (crashing_batch - 1)
    # What survived is exactly a clean projection of the first `committed` events.
    survivor = track_views(LedgerViews(unprojected()))
    assert kit.tracking(survivor)[0] == committed
    prefix = fresh_copy(recorder, upto=committed)
    assert prefix.replay().events == committed
    assert kit.view_tables(survivor) == kit.view_tables(prefix)
    # A fresh runner catches up the rest, and the result is a clean full replay.
    assert survivor.catch_up().events == N - committed
    clean = fresh_copy(recorder)
    assert clean.replay().events == N
    assert kit.view_tables(survivor) == kit.view_tables(clean)
    # The runner that crashed recovers as well, and finds nothing left to do.
    assert views.catch_up().events == 0
    assert kit.view_tables(views) == kit.view_tables(clean)


def test_repeated_crashes_still_converge_to_a_clean_replay(
    unprojected: Callable[[], ApplicationRecorder],
    fresh_copy: Callable[..., LedgerViews],
    track_views: Callable[[LedgerViews], LedgerViews],
    kit: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = unprojected()
    views = track_views(LedgerViews(recorder))
    views.runner.page_size = PAGE
    positions = []
    for _ in range(5):  # every second batch crashes after writing
        crash_on_call(monkeypatch, 2, after_writes=True)
        with pytest.raises(Crash):
            views.catch_up()
        monkeypatch.undo()
        positions.append(kit.tracking(views)[0])
    assert positions == [3, 6, 9, 12, 15]
    assert views.catch_up().events == N - 15
    clean = fresh_copy(recorder)
    clean.replay()
    assert kit.view_tables(views) == kit.view_tables(clean)


@pytest.mark.parametrize("hold", [None, 0.0], ids=["one-transaction", "a-transaction-a-page"])
@pytest.mark.parametrize("after_writes", [False, True], ids=["before-writes", "after-writes"])
@pytest.mark.parametrize(
    "query",
    [
        "retention_by_direction",
        "retention_by_program",
        "retention_by_cohort",
        "participant_retention",
        "engagement_by_direction",
        "engagement_by_program",
        "at_risk",
        "monthly",
    ],
)
def test_any_query_after_a_crash_in_the_middle_of_a_replay_is_exact(
    ledger: Any,
    kit: Any,
    fresh_copy: Callable[..., LedgerViews],
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    after_writes: bool,
    hold: float | None,
) -> None:
    kit.rich_history(ledger)
    views = ledger.views
    views.catch_up()
    expected_views = fresh_copy(ledger.app.recorder)
    expected = {day: kit.reports(expected_views, day)[query] for day in REPORT_DAYS}
    views.runner.page_size = PAGE
    views.runner.replay_hold = hold
    crash_on_call(monkeypatch, 5, after_writes=after_writes)
    with pytest.raises(Crash):
        views.replay()
    monkeypatch.undo()
    # In one transaction, nothing of the replay stays; else it stopped part-way.
    assert kit.tracking(views)[0] == (N if hold is None else 4 * PAGE)
    # The next query catches up first, on the runner that crashed.
    assert {day: kit.reports(views, day)[query] for day in REPORT_DAYS} == expected


def test_a_second_runner_with_a_warm_cache_recovers_a_crashed_replay(
    new_ledger: Callable[..., Any],
    kit: Any,
    fresh_copy: Callable[..., LedgerViews],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another process has been reading the views all along when a replay crashes."""
    first, second = new_ledger("shared.db"), new_ledger("shared.db")
    kit.rich_history(first)
    reader = second.views
    before = {day: kit.reports(reader, day) for day in REPORT_DAYS}
    first.views.runner.page_size = PAGE
    first.views.runner.replay_hold = 0  # a transaction a page: the replay stops part-way
    crash_on_call(monkeypatch, 6, after_writes=True)
    with pytest.raises(Crash):
        first.views.replay()
    monkeypatch.undo()
    assert kit.tracking(reader)[0] == 5 * PAGE
    assert {day: kit.reports(reader, day) for day in REPORT_DAYS} == before
    clean = fresh_copy(first.app.recorder)
    clean.replay()
    assert kit.view_tables(reader) == kit.view_tables(clean)


# A real crash: SIGKILL in the middle of a replay of a few thousand events.

BIG_PEOPLE = 120
BIG_PAIRINGS = 400
KILL_PAGE = 100

REPLAY_SCRIPT = """
import sys, time
from projections.projector import Batch
from projections.source import open_recorder
from projections.views import LedgerViews

original = Batch.apply

def slow_apply(self, *args, **kwargs):
    original(self, *args, **kwargs)
    time.sleep(0.01)  # inside the open transaction: a kill lands mid-batch

Batch.apply = slow_apply
views = LedgerViews(open_recorder(sys.argv[1]))
views.runner.page_size = int(sys.argv[2])
views.runner.replay_hold = float(sys.argv[3]) if sys.argv[3] != "default" else None
views.replay(lambda done, todo: print(done, flush=True))
print("finished", flush=True)
"""


def big_history(app: MentorshipLedger) -> int:
    """People, one program and many pairings with meetings, reversals, retractions
    and endings, saved in a handful of transactions; returns the event count.

    As the application does, each pairing is also recorded on its two people
    (`Person.PairingJoined`); those events are saved last, in one transaction."""
    today = date(2026, 11, 22)
    start = date(2025, 1, 6)
    people = [
        Person.register(
            "loader",
            Registration(employee_id=f"p{i:03d}", name=f"Person {i}", level=i % 7, joined_on=start),
            today,
        )
        for i in range(BIG_PEOPLE)
    ]
    launch = Launch(slug="big", name="Big", cadence_days=21, on=start)
    program = Program.launch("loader", launch, today)
    app.save(*people, program)
    pairings = []
    for k in range(BIG_PAIRINGS):
        mentor, mentee = people[k % BIG_PEOPLE], people[(k * 7 + 3) % BIG_PEOPLE]
        if mentor is mentee:
            mentee = people[(k + 1) % BIG_PEOPLE]
        paired_on = start + timedelta(days=k % 200)
        pairing = Mentorship.pair(
            "loader",
            Pairing(
                program="big",
                mentor=mentor.employee_id,
                mentee=mentee.employee_id,
                direction=derive_direction(mentor.level, mentee.level),
                on=paired_on,
            ),
            generation=k + 1,
        )
        mentor.join_pairing("loader", pairing.id, "big", Role.MENTOR, paired_on)
        mentee.join_pairing("loader", pairing.id, "big", Role.MENTEE, paired_on)
        for m in range(k % 9 + 1):
            pairing.meet("loader", paired_on + timedelta(days=7 * m + k % 5), 30 + m, None, today)
        if k % 4 == 0:
            pairing.reverse_roles("loader", paired_on + timedelta(days=3), None, today)
        if k % 6 == 0:
            pairing.retract_meeting("loader", 1, "duplicate")
        if k % 3 == 0:
            last = max([record.on for record in pairing.meetings] + pairing.reversals)
            pairing.end("loader", last + timedelta(days=k % 11), EndReason.MISMATCH, None, today)
        pairings.append(pairing)
    for chunk in range(0, BIG_PAIRINGS, 100):
        app.save(*pairings[chunk : chunk + 100])
    app.save(*people)
    return app.recorder.max_notification_id() or 0


@pytest.mark.parametrize("hold", ["default", "0"], ids=["one-transaction", "a-transaction-a-page"])
def test_sigkill_in_the_middle_of_a_replay_leaves_exact_views(
    stores: Stores,
    kit: Any,
    fresh_copy: Callable[..., LedgerViews],
    track_views: Callable[[LedgerViews], LedgerViews],
    hold: str,
) -> None:
    path = stores("big.db")
    app = MentorshipLedger(path, today=lambda: date(2026, 11, 22))
    try:
        events = big_history(app)
        assert events > 2000
        views = track_views(LedgerViews(app.recorder))
        assert views.catch_up().events == events  # full views exist before the kill
        clean = fresh_copy(app.recorder)
        assert clean.replay().events == events
        expected_tables = kit.view_tables(clean)
        expected_reports = {day: kit.reports(clean, day) for day in REPORT_DAYS}

        process = subprocess.Popen(
            [sys.executable, "-c", REPLAY_SCRIPT, path, str(KILL_PAGE), hold],
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        progress = [process.stdout.readline().strip() for _ in range(2)]
        time.sleep(0.015)
        os.kill(process.pid, signal.SIGKILL)
        _, stderr = process.communicate(timeout=30)
        assert progress == [str(KILL_PAGE), str(2 * KILL_PAGE)], stderr
        assert process.returncode in (-signal.SIGKILL, 0), stderr

        survivor = track_views(LedgerViews(open_recorder(path)))
        try:
            position = kit.tracking(survivor)[0]
            if hold == "default":  # killed in its one transaction: the views as before
                assert position == events
                assert kit.view_tables(survivor) == expected_tables
            # Whole pages only; usually part-way, unless the replay beat the kill.
            assert position % KILL_PAGE == 0 or position == events
            prefix = fresh_copy(app.recorder, upto=position)
            prefix.replay()
            assert kit.view_tables(survivor) == kit.view_tables(prefix)
            # Any query catches up first, and gives exactly the clean figures.
            assert {day: kit.reports(survivor, day) for day in REPORT_DAYS} == expected_reports
            assert kit.view_tables(survivor) == expected_tables
        finally:
            kit.close_recorder(survivor.runner.recorder)
    finally:
        app.close()
