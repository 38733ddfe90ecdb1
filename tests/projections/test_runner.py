"""The view runner: incremental catch-up, replays, page sizes and several runners.

Tables are compared row for row (every view table plus the tracking row), so
"the same views" means exactly the same stored rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import orjson
import pytest
from backends import Stores

import projections.runner
from projections.db import Cursor, ViewDatabase
from projections.runner import ViewRunner
from projections.source import open_recorder
from projections.views import LedgerViews

MET = "domain.mentorship:Mentorship.Met"
RETRACTED = "domain.mentorship:Mentorship.MeetingRetracted"
N = 52  # events in the rich history (see conftest.rich_history)
TODAY = date(2026, 11, 22)


@pytest.fixture
def runner(ledger: Any) -> Iterator[Callable[[int], ViewRunner]]:
    """Extra runners on the ledger's store, with a given page size."""
    opened: list[ViewRunner] = []

    def _runner(page_size: int) -> ViewRunner:
        opened.append(ViewRunner(ledger.app.recorder, page_size=page_size))
        return opened[-1]

    yield _runner
    for each in opened:
        each.db.close()


def test_rich_history_writes_the_counted_number_of_events(ledger: Any, kit: Any) -> None:
    kit.rich_history(ledger)
    assert kit.RICH_HISTORY_EVENTS == N
    assert ledger.events == N


def test_catching_up_after_every_command_matches_a_full_replay(ledger: Any, kit: Any) -> None:
    views = ledger.views
    steps: list[tuple[int, int]] = []  # (events the command wrote, events caught up)
    last = [0]

    def catch_up() -> None:
        written = ledger.events - last[0]
        last[0] = ledger.events
        steps.append((written, views.catch_up().events))

    ledger.after_command = catch_up
    kit.rich_history(ledger)
    # Every command's events, and only those, were applied right after it.
    assert all(written == caught for written, caught in steps)
    assert sum(caught for _, caught in steps) == N
    assert views.applied == N  # the port's own catch-ups applied nothing extra
    incremental = kit.view_tables(views)
    assert views.replay().events == N
    assert kit.view_tables(views) == incremental


def pairing_summary(views: LedgerViews) -> list[tuple[Any, ...]]:
    with views.db.transaction(commit=False) as cursor:
        return cursor.execute(
            "SELECT paired_on, program, mentor, mentee, direction, ended_on, end_reason, "
            "reversals, meetings, minutes, last_met_on FROM view_pairings "
            "ORDER BY paired_on, program, mentor"
        ).fetchall()


def count(views: LedgerViews, sql: str) -> int:
    with views.db.transaction(commit=False) as cursor:
        row = cursor.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_incremental_views_hold_the_hand_counted_rows(ledger: Any, kit: Any) -> None:
    ledger.after_command = ledger.views.catch_up
    kit.rich_history(ledger)
    views = ledger.views
    assert count(views, "SELECT count(*) FROM view_people") == 8
    assert count(views, "SELECT count(*) FROM view_programs") == 2
    assert count(views, "SELECT count(*) FROM view_meetings") == 11
    assert count(views, "SELECT count(*) FROM view_meetings WHERE retracted = 1") == 2
    assert count(views, "SELECT count(*) FROM view_reversals") == 4
    assert kit.tracking(views) == (N, "2026-08-03")
    # Direction at pairing; reversals; counted meetings, minutes and the last one.
    # fmt: off
    assert pairing_summary(views) == [
        ("2026-02-02", "alpha", "ann", "ben", "traditional", "2026-05-04", "completed",
         1, 3, 120, "2026-04-01"),
        ("2026-03-02", "alpha", "dan", "cat", "traditional", None, None,
         0, 2, 110, "2026-03-23"),
        ("2026-03-02", "beta", "eve", "fay", "traditional", "2026-06-15", "left_organisation",
         2, 1, 90, "2026-03-30"),
        ("2026-04-06", "beta", "gus", "hal", "reverse", "2026-05-11", "mismatch",
         0, 1, 30, "2026-04-13"),
        ("2026-05-18", "alpha", "cat", "ben", "peer", None, None,
         1, 1, 40, "2026-06-01"),
        ("2026-06-01", "beta", "dan", "eve", "peer", "2026-07-01", "program_closed",
         0, 1, 20, "2026-06-08"),
    ]
    # fmt: on


def test_two_replays_give_identical_tables(ledger: Any, kit: Any) -> None:
    kit.rich_history(ledger)
    first = ledger.views.replay()
    tables = kit.view_tables(ledger.views)
    second = ledger.views.replay()
    assert (first.events, second.events) == (N, N)
    assert kit.view_tables(ledger.views) == tables


def test_replay_reports_and_progresses_through_every_event(
    ledger: Any, kit: Any, runner: Callable[[int], ViewRunner]
) -> None:
    kit.rich_history(ledger)
    calls: list[tuple[int, int]] = []
    result = runner(7).replay(lambda done, todo: calls.append((done, todo)))
    assert result.events == N
    # 52 events in pages of 7: seven full pages, then 50 to 52.
    assert calls == [(7, N), (14, N), (21, N), (28, N), (35, N), (42, N), (49, N), (N, N)]


def test_catching_up_an_up_to_date_store_processes_nothing(ledger: Any, kit: Any) -> None:
    kit.rich_history(ledger)
    # The port caught the views up to event 45 while fay left, then to event 47
    # while closing beta (see rich_history), so events 48 to 52 are left.
    assert ledger.views.applied == 47
    assert ledger.views.catch_up().events == 5
    tables = kit.view_tables(ledger.views)
    assert ledger.views.catch_up().events == 0
    assert kit.view_tables(ledger.views) == tables
    ledger.person("ivy", 4)
    assert ledger.views.catch_up().events == 1
    assert ledger.views.catch_up().events == 0


def test_catch_up_of_an_empty_store_processes_nothing(ledger: Any, kit: Any) -> None:
    assert ledger.views.catch_up().events == 0
    assert ledger.views.replay().events == 0
    assert kit.tracking(ledger.views) == (0, "")
    assert all(
        rows == []
        for table, rows in kit.view_tables(ledger.views).items()
        if table != "view_tracking"
    )


@pytest.mark.parametrize("page_size", [1, 2, 3, 7, N - 1, N])
def test_small_pages_give_the_same_tables_as_one_big_page(
    ledger: Any, kit: Any, runner: Callable[[int], ViewRunner], page_size: int
) -> None:
    kit.rich_history(ledger)
    assert ledger.views.replay().events == N  # default page: the whole log at once
    big = kit.view_tables(ledger.views)
    pages: list[int] = []
    result = runner(page_size).replay(lambda done, todo: pages.append(done))
    assert result.events == N
    assert len(pages) == -(-N // page_size)  # one transaction per page
    assert kit.view_tables(ledger.views) == big


def test_pages_that_split_a_meeting_from_its_retraction_still_recount(
    ledger: Any, kit: Any, runner: Callable[[int], ViewRunner]
) -> None:
    # The retraction of meeting 3 of p2 (event 51) follows the meeting (event 50):
    # with pages of 50, they land in different batches; with 51 or 52, in one.
    kit.rich_history(ledger)
    meeting, retraction = ledger.app.recorder.select_notifications(50, 2)
    assert (meeting.id, meeting.topic) == (50, MET)
    assert (retraction.id, retraction.topic) == (51, RETRACTED)
    assert meeting.originator_id == retraction.originator_id
    number = orjson.loads(meeting.state)["payload"]["number"]
    assert orjson.loads(retraction.state)["payload"]["meeting"] == number == 3
    results = {}
    for page_size in (50, 51, 52):
        runner(page_size).replay()
        results[page_size] = kit.view_tables(ledger.views)
    assert results[50] == results[51] == results[52]


def test_two_runners_catching_up_alternately_never_double_count(
    new_ledger: Callable[..., Any], kit: Any
) -> None:
    first, second = new_ledger("shared.db"), new_ledger("shared.db")
    assert first.app.recorder is not second.app.recorder
    turn = [0]

    def alternate() -> None:
        turn[0] += 1
        (first if turn[0] % 2 else second).views.catch_up()

    first.after_command = second.after_command = alternate
    # The same history, with its commands spread over the two applications.
    for employee_id, level in [("ann", 7), ("ben", 3), ("cat", 3), ("dan", 5)]:
        first.person(employee_id, level)
    second.program("alpha", cadence_days=14)
    p1 = first.pair("ann", "ben", date(2026, 2, 2))
    second.meet(p1, date(2026, 2, 16), 30)
    first.meet(p1, date(2026, 3, 2), 40)
    second.reverse(p1, date(2026, 3, 9))
    p2 = second.pair("dan", "cat", date(2026, 3, 2))
    first.meet(p2, date(2026, 3, 16), 50)
    second.retract(p1, 1)
    # Leaving finds p1 through ben's own record of his pairings (and first's views);
    # a closure finds p2 through second's views only.
    first.leave("ben", date(2026, 4, 1))  # ends p1
    second.close_program("alpha", date(2026, 5, 4))  # ends p2
    # 4 people, 1 program, 2 pairings of 3 events (the pairing and both people's
    # PairingJoined), 3 meetings, a reversal, a retraction, a leaving and a
    # closure with their 2 endings: 4 + 1 + 6 + 3 + 1 + 1 + 2 + 2 = 20.
    events = first.events
    assert events == second.events == 20
    for views in (first.views, second.views):
        views.catch_up()
    # Each event was applied by exactly one of the two runners.
    assert first.views.applied + second.views.applied == events
    assert first.views.applied > 0 and second.views.applied > 0
    shared = kit.view_tables(first.views)
    assert kit.view_tables(second.views) == shared
    # p1: one reversal, meeting 1 retracted, ended by ben's leaving; p2 by the closure.
    # fmt: off
    assert pairing_summary(first.views) == [
        ("2026-02-02", "alpha", "ann", "ben", "traditional", "2026-04-01", "left_organisation",
         1, 1, 40, "2026-03-02"),
        ("2026-03-02", "alpha", "dan", "cat", "traditional", "2026-05-04", "program_closed",
         0, 1, 50, "2026-03-16"),
    ]
    # fmt: on
    first.views.replay()
    assert kit.view_tables(second.views) == shared


def test_a_runner_that_loses_the_race_for_a_page_skips_it(
    ledger: Any, kit: Any, stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loser of a race has read the page but finds the position moved: it
    re-reads the position and goes on from there instead of applying it twice."""
    kit.rich_history(ledger)
    path = never_projected(ledger, kit, stores("never-projected.db"))
    first, second = open_recorder(path), open_recorder(path)
    first_views, second_views = LedgerViews(first), LedgerViews(second)
    try:
        first_views.runner.page_size = second_views.runner.page_size = 10
        read_page = projections.runner.read_page
        reads: list[tuple[str, int]] = []

        def racing_read_page(recorder: Any, after: int, limit: int) -> Any:
            page = read_page(recorder, after, limit)
            reads.append(("first" if recorder is first else "second", after))
            if len(reads) == 1:
                # Between first's read of page 1 and its write, second catches up.
                assert second_views.catch_up().events == N
            return page

        monkeypatch.setattr(projections.runner, "read_page", racing_read_page)
        assert first_views.catch_up().events == 0
        monkeypatch.undo()
        assert reads[0] == ("first", 0)
        assert reads[-1] == ("first", N)  # first moved on to the position second left
        tables = kit.view_tables(first_views)
        assert kit.tracking(first_views) == (N, "2026-08-03")
        assert first_views.replay().events == N
        assert kit.view_tables(second_views) == tables
    finally:
        for views in (first_views, second_views):
            kit.close_views(views)
        kit.close_recorder(first)
        kit.close_recorder(second)


def test_a_report_is_exact_when_another_runner_commits_while_it_reads(
    new_ledger: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process logs a meeting dated after D and catches its views up at the
    moment this report, having read the tracking position, starts reading rows."""
    first, second = new_ledger("shared.db"), new_ledger("shared.db")
    first.person("ann", 7)
    first.person("ben", 3)
    first.program("alpha", cadence_days=14)
    pairing = first.pair("ann", "ben", date(2026, 2, 2))
    first.meet(pairing, date(2026, 2, 16), 30)
    first.meet(pairing, date(2026, 3, 20), 60)
    as_of = date(2026, 3, 31)  # after the latest `on` (03-20): the fast path, for now
    # As of 03-31: 2 meetings, 90 min, last 03-20 -> 11 days quiet; 57 days -> 2/57*30.
    expected = [
        {
            "key": "traditional",
            "pairings": 1,
            "meetings": 2,
            "minutes": 90,
            "meetings_per_month": 2 / 57 * 30,
            "days_since_last_meeting": 11,
            "health": {"healthy": 1, "at_risk": 0, "dormant": 0, "never_met": 0},
        }
    ]
    assert first.views.engagement(as_of) == expected
    execute = Cursor.execute
    armed = [True]

    def execute_racing(self: Cursor, statement: str, params: Any = ()) -> Cursor:
        if (
            armed[0]
            and statement.lstrip().upper().startswith("SELECT")
            and ("view_pairings" in statement)
        ):
            armed[0] = False
            second.meet(pairing, date(2026, 4, 10), 45)  # dated after D
            assert second.views.catch_up().events == 1
        return execute(self, statement, params)

    monkeypatch.setattr(Cursor, "execute", execute_racing)
    racing_report = first.views.engagement(as_of)
    monkeypatch.undo()
    assert not armed[0]  # the other runner did commit in the middle of the report
    # Actual today: 3 meetings, 135 min, days_since_last_meeting -10 (the 04-10 one).
    assert racing_report == expected


def test_participant_retention_reads_pairings_and_people_from_one_state(
    new_ledger: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = new_ledger("shared.db"), new_ledger("shared.db")
    first.person("ann", 7)
    first.person("ben", 3)
    first.program("alpha", cadence_days=30, on=date(2025, 1, 6))
    first.pair("ann", "ben", date(2025, 1, 6), program="alpha")
    as_of = date(2026, 3, 31)
    # ann and ben were paired 2025-01-06, a year before D, and are still here.
    before = [
        {
            "key": "traditional",
            "role": "mentor",
            "people": 1,
            "eligible": 1,
            "retained": 1,
            "share": 1.0,
        },
        {
            "key": "traditional",
            "role": "mentee",
            "people": 1,
            "eligible": 1,
            "retained": 1,
            "share": 1.0,
        },
        {
            "key": "never_paired",
            "role": None,
            "people": 0,
            "eligible": 0,
            "retained": 0,
            "share": None,
        },
    ]
    assert first.views.participant_retention(as_of) == before
    execute = Cursor.execute
    armed = [True]

    def execute_racing(self: Cursor, statement: str, params: Any = ()) -> Cursor:
        if (
            armed[0]
            and statement.lstrip().upper().startswith("SELECT")
            and ("view_people" in statement)
        ):
            armed[0] = False
            # Another process registers cy and pairs ann with cy (before D): cy's
            # registration, then the pairing and ann's and cy's PairingJoined.
            second.person("cy", 2)
            second.pair("ann", "cy", date(2025, 2, 3), program="alpha")
            assert second.views.catch_up().events == 4
        return execute(self, statement, params)

    monkeypatch.setattr(Cursor, "execute", execute_racing)
    racing = first.views.participant_retention(as_of)
    monkeypatch.undo()
    assert not armed[0]
    # After: cy is a second traditional mentee, first paired 2025-02-03.
    after = [
        before[0],
        {
            "key": "traditional",
            "role": "mentee",
            "people": 2,
            "eligible": 2,
            "retained": 2,
            "share": 1.0,
        },
        before[2],
    ]
    assert first.views.participant_retention(as_of) == after
    # Either state is a right answer; today cy shows up as never paired (people 1).
    assert racing in (before, after)


def never_projected(ledger: Any, kit: Any, store: str) -> str:
    """The ledger's events copied to `store`, a store whose views were never built."""
    kit.close_recorder(kit.copy_events(ledger.app.recorder, store))
    return store


def test_runners_catching_up_at_the_same_time_apply_each_event_once(
    ledger: Any, kit: Any, stores: Stores, fresh_copy: Callable[..., LedgerViews]
) -> None:
    kit.rich_history(ledger)
    path = never_projected(ledger, kit, stores("shared.db"))
    recorders = [open_recorder(path) for _ in range(3)]
    runners = [kit.CountingViews(recorder) for recorder in recorders]
    try:
        for page_size, views in zip((1, 2, 3), runners, strict=True):
            views.runner.page_size = page_size
            views.runner.prepare()
        start = threading.Barrier(len(runners))
        errors: list[BaseException] = []

        def run(views: Any) -> None:
            try:
                start.wait()
                views.catch_up()
            except BaseException as error:  # reported below, with the thread's traceback
                errors.append(error)

        threads = [threading.Thread(target=run, args=(views,)) for views in runners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sum(views.applied for views in runners) == N
        clean = fresh_copy(ledger.app.recorder)
        assert clean.replay().events == N
        for views in runners:
            assert kit.view_tables(views) == kit.view_tables(clean)
    finally:
        for views, recorder in zip(runners, recorders, strict=True):
            kit.close_views(views)
            kit.close_recorder(recorder)


# The view tables as the first release (schema version 1) created them.
VERSION_1_TABLES = [
    "CREATE TABLE view_tracking (projection TEXT PRIMARY KEY, notification_id BIGINT NOT "
    "NULL, latest_on TEXT, schema_version INTEGER NOT NULL)",
    "CREATE TABLE view_people (employee_id TEXT PRIMARY KEY, aggregate_id TEXT NOT NULL "
    "UNIQUE, name TEXT, email TEXT, level INTEGER, department TEXT, joined_on TEXT, "
    "registered_on TEXT NOT NULL, left_on TEXT, left_reason TEXT)",
    "CREATE TABLE view_programs (slug TEXT PRIMARY KEY, aggregate_id TEXT NOT NULL UNIQUE, "
    "name TEXT NOT NULL, cadence_days INTEGER NOT NULL, launched_on TEXT NOT NULL, "
    "closed_on TEXT)",
    "CREATE TABLE view_pairings (id TEXT PRIMARY KEY, program TEXT NOT NULL, mentor TEXT NOT "
    "NULL, mentee TEXT NOT NULL, direction TEXT NOT NULL, paired_on TEXT NOT NULL, ended_on "
    "TEXT, end_reason TEXT, reversals INTEGER NOT NULL DEFAULT 0, meetings INTEGER NOT NULL "
    "DEFAULT 0, minutes INTEGER NOT NULL DEFAULT 0, last_met_on TEXT)",
    "CREATE TABLE view_meetings (pairing_id TEXT NOT NULL, number INTEGER NOT NULL, met_on "
    "TEXT NOT NULL, minutes INTEGER NOT NULL, retracted INTEGER NOT NULL DEFAULT 0, "
    "PRIMARY KEY (pairing_id, number))",
    "CREATE TABLE view_reversals (pairing_id TEXT NOT NULL, reversed_on TEXT NOT NULL)",
    "CREATE INDEX view_pairings_mentor ON view_pairings (mentor)",
    "CREATE INDEX view_pairings_mentee ON view_pairings (mentee)",
    "CREATE INDEX view_reversals_pairing ON view_reversals (pairing_id)",
    # Half-built views: 15 events applied (up to p1's first meeting, on 02-16),
    # with a stale row that must disappear.
    "INSERT INTO view_tracking VALUES ('ledger', 15, '2026-02-16', 1)",
    "INSERT INTO view_people (employee_id, aggregate_id, registered_on) "
    "VALUES ('ghost', 'ghost', '2026-01-01')",
]


def test_views_left_by_the_first_release_are_rebuilt_on_first_use(
    ledger: Any,
    kit: Any,
    stores: Stores,
    fresh_copy: Callable[..., LedgerViews],
) -> None:
    kit.rich_history(ledger)
    path = never_projected(ledger, kit, stores("old.db"))
    old = open_recorder(path)
    old_views = ViewDatabase(old)  # plain SQL, valid on both backends
    try:
        with old_views.transaction(commit=True) as cursor:
            for statement in VERSION_1_TABLES:
                cursor.execute(statement)
    finally:
        old_views.close()
        kit.close_recorder(old)
    recorder = open_recorder(path)
    views = LedgerViews(recorder)
    try:
        clean = fresh_copy(ledger.app.recorder)
        expected = {day: kit.reports(clean, day) for day in (date(2026, 4, 1), TODAY)}
        # Rebuilt from the first event, not resumed from position 15.
        assert views.catch_up().events == N
        assert kit.view_tables(views) == kit.view_tables(clean)
        assert {day: kit.reports(views, day) for day in expected} == expected
    finally:
        kit.close_views(views)
        kit.close_recorder(recorder)
