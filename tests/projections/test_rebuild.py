"""A replay applies many pages to a transaction (projections/rebuild.py): the
views it leaves, what readers see while it runs, and what a crash or another
runner between its transactions leaves.

`replay_hold = 0` ends a replay's transaction after every page, as a replay
longer than its hold (by default a third of the lock timeout) would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from backends import Stores
from eventsourcing.persistence import StoredEvent

import projections.totals
from domain.errors import DamagedStore
from projections.projector import Batch
from projections.runner import ViewRunner
from projections.source import open_recorder
from projections.views import LedgerViews

N = 52  # events in the rich history (see conftest.rich_history)
MET = "domain.mentorship:Mentorship.Met"
HOLDS = pytest.mark.parametrize("hold", [None, 0.0], ids=["one-transaction", "a-page-each"])


class Crash(Exception):
    """The simulated crash."""


@pytest.fixture
def other_views(
    ledger: Any, kit: Any, stores: Stores
) -> Iterator[Callable[[], LedgerViews]]:
    """Views of the ledger's store on another recorder: another process's."""
    opened: list[LedgerViews] = []

    def _open() -> LedgerViews:
        opened.append(LedgerViews(open_recorder(ledger.path)))
        return opened[-1]

    yield _open
    for views in opened:
        kit.close_views(views)
        kit.close_recorder(views.runner.recorder)


@HOLDS
@pytest.mark.parametrize("page_size", [1, 3, 50, 51, N])
def test_a_replay_gives_the_views_of_a_catch_up_after_every_command(
    ledger: Any, kit: Any, page_size: int, hold: float | None
) -> None:
    # 50 and 51 put the meeting of event 50 and its retraction (51) in different
    # pages, so in different transactions when each page has its own.
    ledger.after_command = ledger.views.catch_up
    kit.rich_history(ledger)
    incremental = kit.view_tables(ledger.views)
    runner = ViewRunner(ledger.app.recorder, page_size=page_size)
    runner.replay_hold = hold
    try:
        pages: list[int] = []
        assert runner.replay(lambda done, todo: pages.append(done)).events == N
    finally:
        runner.db.close()
    assert len(pages) == -(-N // page_size)
    assert kit.view_tables(ledger.views) == incremental


def test_readers_see_the_old_views_until_the_replay_commits(
    ledger: Any, kit: Any, other_views: Callable[[], LedgerViews]
) -> None:
    kit.rich_history(ledger)
    ledger.views.catch_up()
    before = kit.view_tables(ledger.views)
    reader = other_views()
    seen: list[bool] = []

    def look(done: int, todo: int) -> None:  # runs inside the replay's transaction
        seen.append(kit.view_tables(reader) == before)

    ledger.views.runner.page_size = 10
    ledger.views.replay(look)
    assert seen == [True] * 6
    assert kit.view_tables(reader) == before  # the same rows, rebuilt
    assert kit.tracking(reader) == (N, "2026-08-03")


def test_a_reader_inside_one_transaction_keeps_its_snapshot_across_a_replay(
    ledger: Any, kit: Any, other_views: Callable[[], LedgerViews]
) -> None:
    kit.rich_history(ledger)
    ledger.views.catch_up()
    before = kit.view_tables(ledger.views)
    reader = other_views()
    reader.runner.prepare()
    with reader.db.transaction(commit=False) as cursor:
        position = cursor.execute("SELECT notification_id FROM view_tracking").fetchall()
        ledger.views.replay()  # empties and refills every table, and commits
        during = {
            table: sorted(cursor.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in before
        }
    assert position == [(N,)]
    assert during == before


@pytest.mark.parametrize("after_writes", [False, True], ids=["before-writes", "after-writes"])
def test_a_crash_before_the_replay_commits_leaves_the_views_as_they_were(
    ledger: Any, kit: Any, monkeypatch: pytest.MonkeyPatch, after_writes: bool
) -> None:
    kit.rich_history(ledger)
    ledger.views.catch_up()
    before = kit.view_tables(ledger.views)
    apply = Batch.apply
    calls = [0]

    def crashing_apply(self: Batch, *args: Any, **kwargs: Any) -> None:
        calls[0] += 1
        if after_writes or calls[0] < 3:
            apply(self, *args, **kwargs)
        if calls[0] == 3:
            raise Crash

    monkeypatch.setattr(Batch, "apply", crashing_apply)
    ledger.views.runner.page_size = 10
    with pytest.raises(Crash):
        ledger.views.replay()
    monkeypatch.undo()
    assert kit.view_tables(ledger.views) == before
    assert ledger.views.catch_up().events == 0
    assert ledger.views.replay().events == N
    assert kit.view_tables(ledger.views) == before


def test_a_replay_commits_each_page_when_its_hold_is_up(
    ledger: Any, kit: Any, other_views: Callable[[], LedgerViews]
) -> None:
    kit.rich_history(ledger)
    reader = other_views()
    seen: list[int] = []
    ledger.views.runner.page_size = 10
    ledger.views.runner.replay_hold = 0
    assert kit.tracking(reader)[0] == 47  # the port caught up to 47 (see rich_history)
    ledger.views.replay(lambda done, todo: seen.append(kit.tracking(reader)[0]))
    # Each page is applied in a transaction of its own, where the reader sees
    # the one before; the first empties the views, and commits with its page.
    assert seen == [47, 10, 20, 30, 40, 50]


def test_another_runner_catching_up_between_replay_transactions_is_not_undone(
    ledger: Any,
    kit: Any,
    other_views: Callable[[], LedgerViews],
    fresh_copy: Callable[..., LedgerViews],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The replay's second page was read for position 10; another runner has
    applied the rest when the replay's second transaction starts."""
    kit.rich_history(ledger)
    other = other_views()
    other.runner.prepare()
    runner = ledger.views.runner
    runner.page_size = 10
    runner.replay_hold = 0
    source = runner.source
    reads: list[int] = []

    def racing_source(after: int, limit: int) -> Any:
        reads.append(after)
        page = source(after, limit)
        if after == 10:  # read between the replay's first and second transactions
            assert other.catch_up().events == N - 10
        return page

    monkeypatch.setattr(runner, "source", racing_source)
    assert ledger.views.replay().events == 10
    # The replay went on from where the other runner left (on PostgreSQL, the
    # page after 10 may have been read ahead in the meantime).
    assert reads[:2] == [0, 10]
    assert reads[-1] == N
    clean = fresh_copy(ledger.app.recorder)
    assert clean.replay().events == N
    assert kit.view_tables(ledger.views) == kit.view_tables(clean)


@HOLDS
def test_recounting_many_pairings_in_one_grouped_scan_gives_the_same_totals(
    ledger: Any, kit: Any, monkeypatch: pytest.MonkeyPatch, hold: float | None
) -> None:
    """PostgreSQL recounts many pairings (a replay's) with one scan grouped over
    every meeting; here it does so for any number, retractions' recounts too."""
    kit.rich_history(ledger)
    ledger.views.catch_up()
    expected = kit.view_tables(ledger.views)
    monkeypatch.setattr(projections.totals, "GROUPED_FROM", 1)
    ledger.views.runner.page_size = 10
    ledger.views.runner.replay_hold = hold
    assert ledger.views.replay().events == N
    assert kit.view_tables(ledger.views) == expected


def test_events_that_contradict_each_other_are_named_by_their_page(
    ledger: Any, kit: Any
) -> None:
    """A meeting logged twice under one number breaks the meetings' key: the
    error names the page of the second, not the first page of the transaction."""
    kit.rich_history(ledger)
    ledger.views.catch_up()
    before = kit.view_tables(ledger.views)
    recorder = ledger.app.recorder
    first_meeting = next(
        event for event in recorder.select_notifications(1, N) if event.topic == MET
    )
    version = len(recorder.select_events(first_meeting.originator_id))
    recorder.insert_events(
        [
            StoredEvent(
                originator_id=first_meeting.originator_id,
                originator_version=version + 1,
                topic=MET,
                state=first_meeting.state,
            )
        ]
    )
    ledger.views.runner.page_size = 10
    with pytest.raises(DamagedStore) as caught:
        ledger.views.replay()
    assert str(caught.value).startswith(
        "the store is damaged: events 51-53 contradict earlier events ("
    )
    assert kit.view_tables(ledger.views) == before  # nothing of the replay stayed


def test_a_replay_started_while_another_runner_applies_a_page_empties_that_page_too(
    ledger: Any,
    kit: Any,
    stores: Stores,
    fresh_copy: Callable[..., LedgerViews],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another process is in the middle of a catch-up's page when the replay
    begins: the replay waits for it, then empties its rows with the rest."""
    kit.rich_history(ledger)
    path = stores("shared.db")
    kit.close_recorder(kit.copy_events(ledger.app.recorder, path))  # views never built
    other = LedgerViews(open_recorder(path))
    replaying = LedgerViews(open_recorder(path))
    other.runner.page_size = replaying.runner.page_size = 10
    other.runner.prepare()
    in_page, go_on = threading.Event(), threading.Event()
    apply = Batch.apply

    def held_apply(self: Batch, *args: Any, **kwargs: Any) -> None:
        apply(self, *args, **kwargs)
        if threading.current_thread().name == "other" and not in_page.is_set():
            in_page.set()  # the page's rows are written, not committed
            assert go_on.wait(30)

    monkeypatch.setattr(Batch, "apply", held_apply)
    errors: list[BaseException] = []

    def run(views: LedgerViews, call: Callable[[], Any]) -> None:
        try:
            call()
        except BaseException as error:  # reported below
            errors.append(error)

    first = threading.Thread(target=run, args=(other, other.catch_up), name="other")
    second = threading.Thread(target=run, args=(replaying, replaying.replay), name="replay")
    try:
        first.start()
        assert in_page.wait(30)
        second.start()
        time.sleep(0.5)  # the replay is waiting for the other runner's transaction
        go_on.set()
        first.join(60)
        second.join(60)
        assert errors == []
        clean = fresh_copy(ledger.app.recorder)
        assert clean.replay().events == N
        assert kit.view_tables(replaying) == kit.view_tables(clean)
    finally:
        go_on.set()
        for views in (other, replaying):
            kit.close_views(views)
            kit.close_recorder(views.runner.recorder)
