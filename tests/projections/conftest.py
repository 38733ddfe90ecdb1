"""Shared world for the storage-level projection tests.

`Ledger` wraps a `MentorshipLedger` on a store with a fixed "today" and a
`CountingViews` (a `LedgerViews` that adds up every event its runner applies).
The views also answer the application's `ActivePairings` port, exactly as the
command line wires them: closing a program finds the pairings to end through
them, and leaving the organisation through them and the person's own record of
their pairings (`Person.PairingJoined`).

`Kit` holds the helpers the test modules share (as a fixture, because test
modules cannot import this conftest reliably): dumping every view table,
copying a store's events (optionally only those dated on or before D) into a
fresh store, collecting every report as of D, and a rich scripted history.

Every test on a store runs twice: on SQLite files in `tmp_path` and on throw-away
PostgreSQL databases (`stores` and `ledger_backend`, from tests/conftest.py),
unless it is marked `sqlite_only`. The helpers go through the recorders and
`ViewDatabase`, so they work on both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest
from backends import Stores
from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from follow_helpers import FollowProcess

from domain.application import MentorshipLedger
from domain.key_table import copy_keys
from domain.mentorship import Direction, EndReason
from projections.runner import CatchUp, Progress
from projections.schema import VIEW_TABLES
from projections.source import open_recorder
from projections.views import LedgerViews

TODAY = date(2026, 11, 22)
ACTOR = "hr.admin"
JOINED = date(2020, 1, 6)
LAUNCHED = date(2026, 1, 5)
RETRACTED = "domain.mentorship:Mentorship.MeetingRetracted"
MET = "domain.mentorship:Mentorship.Met"


class CountingViews(LedgerViews):
    """`LedgerViews` that remembers how many events its runner applied in total."""

    def __init__(self, recorder: ApplicationRecorder) -> None:
        super().__init__(recorder)
        self.applied = 0

    def catch_up(self, progress: Progress | None = None) -> CatchUp:
        result = super().catch_up(progress)
        self.applied += result.events
        return result


class Ledger:
    """A ledger on `path` with terse commands; `after_command` runs after each one."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.app = MentorshipLedger(self.path, today=lambda: TODAY)
        self.views = CountingViews(self.app.recorder)
        self.app.active_pairings = self.views
        self.after_command: Callable[[], object] | None = None

    def _done(self) -> None:
        if self.after_command is not None:
            self.after_command()

    @property
    def events(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def person(
        self, employee_id: str, level: int | None = None, joined_on: date | None = JOINED
    ) -> None:
        self.app.register_person(
            ACTOR, employee_id, employee_id.title(), level=level, joined_on=joined_on
        )
        self._done()

    def update(self, employee_id: str, **changes: Any) -> None:
        self.app.update_profile(ACTOR, employee_id, **changes)
        self._done()

    def program(self, slug: str, cadence_days: int = 30, on: date = LAUNCHED) -> None:
        self.app.launch_program(ACTOR, slug, slug.title(), on, cadence_days)
        self._done()

    def pair(
        self,
        mentor: str,
        mentee: str,
        on: date,
        program: str = "alpha",
        direction: Direction | None = None,
    ) -> UUID:
        pairing = self.app.pair(ACTOR, program, mentor, mentee, on, direction).id
        self._done()
        return pairing

    def meet(self, pairing: UUID, on: date, minutes: int = 60) -> int:
        number = self.app.log_meeting(ACTOR, pairing, on, minutes)
        self._done()
        return number

    def reverse(self, pairing: UUID, on: date) -> None:
        self.app.reverse_roles(ACTOR, pairing, on)
        self._done()

    def end(self, pairing: UUID, on: date, reason: str = "completed") -> None:
        self.app.end_pairing(ACTOR, pairing, on, EndReason(reason))
        self._done()

    def retract(self, pairing: UUID, meeting: int) -> None:
        self.app.retract_meeting(ACTOR, pairing, meeting, "logged by mistake")
        self._done()

    def leave(self, employee_id: str, on: date) -> list[UUID]:
        ended = self.app.record_leaving(ACTOR, employee_id, on=on, reason="moved on")
        self._done()
        return ended

    def close_program(self, slug: str, on: date) -> list[UUID]:
        ended = self.app.close_program(ACTOR, slug, on=on)
        self._done()
        return ended

    def close(self) -> None:
        close_views(self.views)
        self.app.close()


def view_tables(views: LedgerViews) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view table and of the tracking table, in a canonical order.

    Written against `VIEW_TABLES` and `SELECT *` so that it keeps working whatever
    columns or keys the view tables have.
    """
    with views.db.transaction(commit=False) as cursor:
        return {
            table: sorted(cursor.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in [*VIEW_TABLES, "view_tracking"]
        }


def tracking(views: LedgerViews) -> tuple[int, str]:
    """(notification id, latest `on`) of the views' tracking position."""
    position = views.runner.position()
    return position.notification_id, position.latest_on


def copy_events(
    recorder: ApplicationRecorder,
    path: str | Path,
    as_of: date | None = None,
    upto: int | None = None,
) -> ApplicationRecorder:
    """Copies the stored events into a fresh store at `path` (a file or a URL), in
    notification order.

    With `upto`, only the first `upto` notifications are copied. With `as_of`,
    only events whose payload has no `on` or an `on` <= D are kept, and a
    `MeetingRetracted` only when the meeting it retracts was kept. Versions are
    renumbered 1..n per aggregate (the views never read them).
    """
    kept: list[StoredEvent] = []
    kept_meetings: set[tuple[UUID, int]] = set()
    versions: dict[UUID, int] = defaultdict(int)
    last = recorder.max_notification_id() or 0
    stop = last if upto is None else upto
    for notification in recorder.select_notifications(1, last + 1, stop=stop):
        payload = orjson.loads(notification.state)["payload"]
        originator = notification.originator_id
        assert isinstance(originator, UUID)
        if as_of is not None:
            on = payload.get("on")
            if on is not None and date.fromisoformat(on) > as_of:
                continue
            retracts = (originator, payload.get("meeting"))
            if notification.topic == RETRACTED and retracts not in kept_meetings:
                continue
        if notification.topic == MET:
            kept_meetings.add((originator, payload["number"]))
        versions[originator] += 1
        kept.append(
            StoredEvent(
                originator_id=originator,
                originator_version=versions[originator],
                topic=notification.topic,
                state=notification.state,
            )
        )
    copy = open_recorder(str(path))
    if kept:
        copy.insert_events(kept)
    copy_keys(recorder, copy)  # the copy's sealed names need their keys
    return copy


def close_recorder(recorder: ApplicationRecorder) -> None:
    datastore: Any = getattr(recorder, "datastore")  # noqa: B009
    datastore.close()


def close_views(views: LedgerViews) -> None:
    """Closes the views' own connection to the store (the recorder stays open)."""
    views.db.close()


def reports(views: LedgerViews, as_of: date) -> dict[str, Any]:
    """Every report the views offer as of D, keyed by name."""
    return {
        "retention_by_direction": views.retention(as_of, by="direction"),
        "retention_by_program": views.retention(as_of, by="program"),
        "retention_by_cohort": views.retention(as_of, by="cohort"),
        "participant_retention": views.participant_retention(as_of),
        "engagement_by_direction": views.engagement(as_of, by="direction"),
        "engagement_by_program": views.engagement(as_of, by="program"),
        "at_risk": views.at_risk(as_of),
        "monthly": views.monthly(as_of),
    }


RICH_HISTORY_EVENTS = 52


def rich_history(ledger: Ledger) -> None:
    """A history with every kind of event: 52 events (counted in the comments).

    Each pairing is three events, saved together: `Mentorship.Paired`, then
    `Person.PairingJoined` on the mentor, then on the mentee.
    """
    d = date
    for employee_id, level in [
        ("ann", 7),
        ("ben", 3),
        ("cat", 3),
        ("dan", 5),
        ("eve", 5),
        ("fay", 1),
        ("gus", 1),
        ("hal", None),
    ]:
        ledger.person(employee_id, level)  # 8 registrations: 8
    ledger.update("hal", level=2, department="Finance")  # 9
    ledger.program("alpha", cadence_days=14)  # 10
    ledger.program("beta", cadence_days=30)  # 11
    p1 = ledger.pair("ann", "ben", d(2026, 2, 2))  # 12 paired (traditional), 13 ann, 14 ben
    for day in (d(2026, 2, 16), d(2026, 3, 2), d(2026, 3, 16)):
        ledger.meet(p1, day, 45)  # 15, 16, 17
    ledger.reverse(p1, d(2026, 3, 20))  # 18
    ledger.meet(p1, d(2026, 4, 1), 30)  # 19
    ledger.retract(p1, 2)  # 20
    ledger.end(p1, d(2026, 5, 4), "completed")  # 21
    p2 = ledger.pair("dan", "cat", d(2026, 3, 2))  # 22 paired (traditional), 23 dan, 24 cat
    ledger.meet(p2, d(2026, 3, 23), 60)  # 25
    ledger.meet(p2, d(2026, 3, 9), 50)  # 26, logged out of date order
    p3 = ledger.pair("eve", "fay", d(2026, 3, 2), program="beta")  # 27 paired, 28 eve, 29 fay
    ledger.meet(p3, d(2026, 3, 30), 90)  # 30
    ledger.reverse(p3, d(2026, 4, 6))  # 31
    ledger.reverse(p3, d(2026, 4, 20))  # 32
    p4 = ledger.pair("gus", "hal", d(2026, 4, 6), program="beta")  # 33 (reverse), 34 gus, 35 hal
    ledger.meet(p4, d(2026, 4, 13), 30)  # 36
    ledger.end(p4, d(2026, 5, 11), "mismatch")  # 37
    p5 = ledger.pair("cat", "ben", d(2026, 5, 18))  # 38 paired (peer), 39 cat, 40 ben
    ledger.meet(p5, d(2026, 6, 1), 40)  # 41
    p6 = ledger.pair("dan", "eve", d(2026, 6, 1), program="beta")  # 42 (peer), 43 dan, 44 eve
    ledger.meet(p6, d(2026, 6, 8), 20)  # 45
    ledger.leave("fay", d(2026, 6, 15))  # 46 departure, 47 ends p3
    ledger.close_program("beta", d(2026, 7, 1))  # 48 closure, 49 ends p6
    ledger.meet(p2, d(2026, 7, 6), 25)  # 50
    ledger.retract(p2, 3)  # 51
    ledger.reverse(p5, d(2026, 8, 3))  # 52


class Kit:
    """The shared helpers, handed to tests by the `kit` fixture."""

    TODAY = TODAY
    Ledger = Ledger
    CountingViews = CountingViews
    RICH_HISTORY_EVENTS = RICH_HISTORY_EVENTS
    view_tables = staticmethod(view_tables)
    tracking = staticmethod(tracking)
    copy_events = staticmethod(copy_events)
    close_recorder = staticmethod(close_recorder)
    close_views = staticmethod(close_views)
    reports = staticmethod(reports)
    rich_history = staticmethod(rich_history)


@pytest.fixture
def kit() -> type[Kit]:
    return Kit


@pytest.fixture
def new_ledger(stores: Stores) -> Iterator[Callable[..., Ledger]]:
    """Opens ledgers on the test's stores (the same name twice gives two apps on one store)."""
    opened: list[Ledger] = []

    def _open(name: str = "ledger.db") -> Ledger:
        ledger = Ledger(stores(name))
        opened.append(ledger)
        return ledger

    yield _open
    for ledger in opened:
        ledger.close()


@pytest.fixture
def ledger(new_ledger: Callable[..., Ledger]) -> Ledger:
    return new_ledger()


@pytest.fixture
def fresh_copy(stores: Stores) -> Iterator[Callable[..., LedgerViews]]:
    """Copies a store's events (optionally up to D, or the first `upto`) into a fresh
    store, and gives views on the copy (not yet caught up)."""
    opened: list[LedgerViews] = []

    def _copy(
        recorder: ApplicationRecorder, as_of: date | None = None, upto: int | None = None
    ) -> LedgerViews:
        path = stores(f"copy-{len(opened)}.db")
        views = LedgerViews(copy_events(recorder, path, as_of, upto))
        opened.append(views)
        return views

    yield _copy
    for views in opened:
        close_views(views)
        close_recorder(views.runner.recorder)


@pytest.fixture
def track_views() -> Iterator[Callable[[LedgerViews], LedgerViews]]:
    """Closes, after the test, the connections of views that the test opened itself."""
    opened: list[LedgerViews] = []

    def _track(views: LedgerViews) -> LedgerViews:
        opened.append(views)
        return views

    yield _track
    for views in opened:
        close_views(views)


@pytest.fixture
def following() -> Iterator[Callable[[str], FollowProcess]]:
    """Starts followers; any still running after the test are killed."""
    started: list[FollowProcess] = []

    def _start(store: str) -> FollowProcess:
        started.append(FollowProcess(store))
        return started[-1]

    yield _start
    for follower in started:
        if follower.process.poll() is None:
            follower.process.kill()
            follower.process.wait()
