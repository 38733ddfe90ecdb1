"""Properties of the views over random valid histories.

(a) Views caught up after every command hold exactly the rows of a full replay.
(b) Every report as of a random D equals the same report computed from a store
    that holds only the events dated on or before D (a `MeetingRetracted` kept
    only with its meeting). The original store is read on the slow path (or the
    fast one when D is late enough); the filtered copy always on the fast one.

Histories are generated as a list of commands in date order, as a user would
give them: meetings, reversals and endings go to pairings that are still active,
retractions name a recorded meeting, and a program is only closed late on.
Commands the domain still refuses (a `LedgerError`) are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import orjson
from backends import Stores
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import LedgerError
from domain.mentorship import Direction, EndReason
from projections.views import LedgerViews

START = date(2025, 1, 6)
TODAY = date(2026, 11, 22)
SPAN = (TODAY - START).days
ONE = timedelta(days=1)
CHANGES = ("RolesReversed", "Ended", "LeftOrganisation", "Closed")

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Every command of an example is a round trip to the server on PostgreSQL, so
# fewer examples run there: the same strategies, and the SQLite run still explores
# widely. Each example's databases are emptied and reused, not created anew
# (`stores.fresh()`): creating and dropping a database costs most of a second.
EXAMPLES = {"sqlite": 40, "postgres": 12}

# Command kinds, weighted towards pairing and meeting; leaving and closing are rare
# because each one stops a person or a program from taking part for good.
KINDS = ["pair"] * 5 + ["meet"] * 14 + ["reverse"] * 3 + ["end"] * 2 + ["retract"] * 3
KINDS += ["leave", "close"]
CLOSING_FROM = START + timedelta(days=400)  # a program closed early would end every story


@dataclass(frozen=True)
class Step:
    kind: str
    who: int  # the person (mentor, or who leaves) or pairing, modulo the count
    other: int  # the mentee: who + 1 + other, modulo count (never the mentor)
    program: int
    back: int  # a meeting is dated this many days before the command (>= paired_on)
    minutes: int
    direction: Direction | None
    reason: EndReason
    meeting: int  # which recorded meeting a retraction names, modulo the count


steps = st.builds(
    Step,
    kind=st.sampled_from(KINDS),
    who=st.integers(0, 11),
    other=st.integers(0, 11),
    program=st.integers(0, 1),
    back=st.one_of(st.just(0), st.integers(0, 40)),
    minutes=st.integers(1, 240),
    direction=st.one_of(st.none(), st.none(), st.sampled_from(list(Direction))),
    reason=st.sampled_from(list(EndReason)),
    meeting=st.integers(0, 5),
)


@dataclass(frozen=True)
class History:
    people: list[tuple[int | None, int]]  # (level, joined this many days before START)
    cadences: list[int]  # one program per cadence, launched on START
    commands: list[tuple[int, Step]]  # (days after the previous command, step)


histories = st.builds(
    History,
    people=st.lists(
        st.tuples(
            st.sampled_from([3, 1, 5, 2, 4, 3, 1, 5, 2, 4, None]),  # no level: rare
            st.integers(-60, 800),  # a few join after START
        ),
        min_size=3,
        max_size=6,
    ),
    cadences=st.lists(st.integers(1, 60), min_size=1, max_size=2),
    commands=st.lists(st.tuples(st.integers(0, 25), steps), min_size=12, max_size=40),
)


def record(ledger: Any, history: History) -> int:
    """Records `history`; returns how many commands the domain accepted."""
    employees = [f"e{i}" for i in range(len(history.people))]
    programs = [f"prog-{i}" for i in range(len(history.cadences))]
    for employee_id, (level, joined_before) in zip(employees, history.people, strict=True):
        ledger.person(employee_id, level, joined_on=START - timedelta(days=joined_before))
    for slug, cadence in zip(programs, history.cadences, strict=True):
        ledger.program(slug, cadence_days=cadence, on=START)
    pairings: list[tuple[UUID, date]] = []
    day, accepted = START, 0
    for gap, step in history.commands:
        day = min(day + timedelta(days=gap), TODAY)
        try:
            if step.kind == "pair":
                mentor = step.who % len(employees)
                mentee = (mentor + 1 + step.other % (len(employees) - 1)) % len(employees)
                pairing = ledger.pair(
                    employees[mentor],
                    employees[mentee],
                    day,
                    programs[step.program % len(programs)],
                    step.direction,
                )
                pairings.append((pairing, day))
            elif step.kind == "leave":
                ledger.leave(employees[step.who % len(employees)], day)
            elif step.kind == "close":
                if day < CLOSING_FROM:
                    continue
                ledger.close_program(programs[step.program % len(programs)], day)
            elif step.kind == "retract":
                if not pairings:
                    continue
                pairing = pairings[step.who % len(pairings)][0]
                meetings = len(ledger.app.get_pairing(pairing).meetings)
                if not meetings:
                    continue
                ledger.retract(pairing, step.meeting % meetings + 1)
            else:
                # Meetings, reversals and endings go to pairings that are still active.
                active = [p for p in pairings if ledger.app.get_pairing(p[0]).is_active]
                if not active:
                    continue
                pairing, paired_on = active[step.who % len(active)]
                if step.kind == "meet":
                    on = max(day - timedelta(days=step.back), paired_on)  # some logged late
                    ledger.meet(pairing, on, step.minutes)
                elif step.kind == "reverse":
                    ledger.reverse(pairing, day)
                else:
                    ledger.end(pairing, day, step.reason.value)
            accepted += 1
        except LedgerError:
            continue
    return accepted


def test_views_caught_up_after_every_command_equal_a_full_replay(kit: Any, stores: Stores) -> None:
    @settings(SETTINGS, max_examples=EXAMPLES[stores.backend])
    @given(history=histories)
    def check(history: History) -> None:
        stores.fresh()
        ledger = kit.Ledger(stores("ledger.db"))
        seen = {"events": 0, "latest_on": ""}

        def catch_up_and_check_position() -> None:
            ledger.views.catch_up()
            for days in dates_by_kind(ledger, after=seen["events"]).values():
                seen["latest_on"] = max(seen["latest_on"], days[-1].isoformat())
            seen["events"] = ledger.events
            # The position: the last event applied, and the latest `on` of any event.
            assert kit.tracking(ledger.views) == (seen["events"], seen["latest_on"])

        try:
            ledger.after_command = catch_up_and_check_position
            record(ledger, history)
            incremental = kit.view_tables(ledger.views)
            assert ledger.views.applied == ledger.events  # each event applied exactly once
            assert ledger.views.replay().events == ledger.events
            assert kit.view_tables(ledger.views) == incremental
        finally:
            ledger.close()

    check()


def dates_by_kind(ledger: Any, after: int = 0) -> dict[str, list[date]]:
    """The `on` dates of the events recorded after notification `after`, by event kind."""
    dates: dict[str, set[date]] = {}
    for notification in ledger.app.recorder.select_notifications(after + 1, ledger.events + 1):
        on = orjson.loads(notification.state)["payload"].get("on")
        if on is not None:
            kind = notification.topic.rsplit(".", 1)[-1]
            dates.setdefault(kind, set()).add(date.fromisoformat(on))
    return {kind: sorted(days) for kind, days in sorted(dates.items())}


def days_near(dates: dict[str, list[date]]) -> st.SearchStrategy[date]:
    """Mostly the date of an event (of a kind picked first, so that reversals and
    endings are as likely as meetings) or a day either side of it, where off-by-one
    errors live; also the day before the latest date (the original store is read
    on the slow path, the cut store on the fast path), or any day at all."""
    near = (
        st.sampled_from(sorted(dates))
        .flatmap(lambda kind: st.sampled_from(dates[kind]))
        .flatmap(lambda day: st.sampled_from([day, day, day - timedelta(days=1), day + ONE]))
    )
    latest = max(max(days) for days in dates.values())
    anywhere = st.integers(-20, SPAN).map(lambda offset: START + timedelta(days=offset))
    return st.one_of(near, near, near, st.just(latest - ONE), anywhere)


def test_reports_as_of_d_equal_reports_of_a_store_cut_at_d(kit: Any, stores: Stores) -> None:
    @settings(SETTINGS, max_examples=EXAMPLES[stores.backend])
    @given(history=histories, data=st.data())
    def check(history: History, data: st.DataObject) -> None:
        stores.fresh()
        ledger = kit.Ledger(stores("ledger.db"))
        try:
            record(ledger, history)
            dates = dates_by_kind(ledger)
            days = data.draw(st.lists(days_near(dates), min_size=1, max_size=3))
            # And always the exact day of a change of state, when there is one.
            changes = sorted({day for kind in CHANGES for day in dates.get(kind, [])})
            if changes:
                days.append(data.draw(st.sampled_from(changes)))
            for number, as_of in enumerate(days):
                cut = kit.copy_events(ledger.app.recorder, stores(f"cut-{number}.db"), as_of=as_of)
                cut_views = LedgerViews(cut)
                try:
                    assert cut_views.replay().events <= ledger.events
                    # The cut store is read on the fast path, as everything in it is <= D.
                    assert kit.tracking(cut_views)[1] <= as_of.isoformat()
                    assert kit.reports(ledger.views, as_of) == kit.reports(cut_views, as_of)
                finally:
                    kit.close_views(cut_views)
                    kit.close_recorder(cut)
        finally:
            ledger.close()

    check()


def test_the_history_strategy_records_interesting_histories(kit: Any, stores: Stores) -> None:
    """A fixed history in the generator's own terms exercises every kind of command,
    so that the properties above run over histories like it."""

    def step(kind: str, who: int = 0, **fields: Any) -> Step:
        defaults: dict[str, Any] = {
            "other": 0,
            "program": 0,
            "back": 0,
            "minutes": 30,
            "direction": None,
            "reason": EndReason.COMPLETED,
            "meeting": 1,
        }
        return Step(kind, who, **{**defaults, **fields})

    history = History(
        people=[(5, 10), (2, 10), (None, 10), (3, -100)],
        cadences=[14, 30],
        commands=[
            (30, step("pair", 0)),  # e0 mentors e1 in prog-0: traditional
            (7, step("meet", 0, minutes=45)),
            (7, step("meet", 0, back=3)),
            (0, step("pair", 2, other=2, program=1, direction=Direction.PEER)),  # e2 -> e1
            (5, step("reverse", 0)),
            (3, step("meet", 1, minutes=60)),
            (0, step("retract", 0, meeting=1)),  # meeting 1 % 2 + 1 = 2
            (10, step("pair", 3)),  # e3 -> e0, but e3 joins 100 days after START: refused
            (90, step("pair", 3)),  # now accepted: reverse
            (20, step("end", 0, reason=EndReason.MENTEE_WITHDREW)),
            (20, step("leave", 2)),  # ends the peer pairing
            (30, step("close", program=0)),  # skipped: too early to close
            (300, step("close", program=0)),  # ends e3/e0
            (0, step("meet", 0)),  # skipped: no pairing is active any more
        ],
    )
    ledger = kit.Ledger(stores("fixed.db"))
    try:
        # One pairing refused; an early closure and a meeting with no active pairing skipped.
        assert record(ledger, history) == 11
        # 4 people + 2 programs + 3 pairings of 3 events each (the pairing, then
        # PairingJoined on the mentor and on the mentee) + 3 meetings + reversal
        # + retraction + ending + (leaving + ending) + (closure + ending) = 25 events.
        assert ledger.events == 25
        assert [(p["program"], p["status"], p["end_reason"]) for p in ledger.views.pairings()] == [
            ("prog-0", "ended", "mentee_withdrew"),
            ("prog-1", "ended", "left_organisation"),
            ("prog-0", "ended", "program_closed"),
        ]
    finally:
        ledger.close()
