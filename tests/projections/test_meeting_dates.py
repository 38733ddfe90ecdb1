"""`view_meeting_dates`: each pairing's counted meetings in date order, and the
as-of reads that use them (projections/meeting_dates.py).

One small history, checked against lists and totals worked out by hand, with
pages of one event (every batch separate: a backdated meeting and a retraction
of an earlier batch's meeting are rebuilt), of three, and of the whole log
(everything in one batch: sorted and left out in Python).
"""

from __future__ import annotations

from array import array
from datetime import date
from typing import Any

import pytest

from projections.meeting_dates import totals_as_of
from projections.queries import pairing_rows, span_rows
from projections.runner import ViewRunner
from projections.schema import SCHEMA_VERSION

d = date


def _history(ledger: Any) -> tuple[Any, Any]:
    """ann mentors ben (alpha, cadence 14) from 02-02; cat mentors dan from 02-03.

    first: #1 02-09 45, #2 02-16 30, #3 03-02 60, #4 02-20 25 (recorded after #3),
    reversal 03-05, #5 03-10 15, #2 retracted, #6 03-15 40, #6 retracted.
    second: #1 02-10 20, #2 02-10 35 (same day), #3 02-27 50.
    Counted, in date order -- first: 02-09 45, 02-20 25, 03-02 60, 03-10 15;
    second: 02-10 20, 02-10 35, 02-27 50. Latest `on` in the log: 03-15.
    """
    ledger.program("alpha", cadence_days=14)
    for employee_id, level in [("ann", 7), ("ben", 3), ("cat", 5), ("dan", 1)]:
        ledger.person(employee_id, level)
    first = ledger.pair("ann", "ben", d(2026, 2, 2))
    second = ledger.pair("cat", "dan", d(2026, 2, 3))
    ledger.meet(first, d(2026, 2, 9), 45)
    ledger.meet(second, d(2026, 2, 10), 20)
    ledger.meet(second, d(2026, 2, 10), 35)
    ledger.meet(first, d(2026, 2, 16), 30)
    ledger.meet(second, d(2026, 2, 27), 50)
    ledger.meet(first, d(2026, 3, 2), 60)
    ledger.meet(first, d(2026, 2, 20), 25)
    ledger.reverse(first, d(2026, 3, 5))
    ledger.meet(first, d(2026, 3, 10), 15)
    ledger.retract(first, 2)
    ledger.meet(first, d(2026, 3, 15), 40)
    ledger.retract(first, 6)
    return first, second


def _lists(dates: Any, minutes: Any) -> tuple[str, str]:
    """A row's dates and each meeting's minutes, joined by spaces, from either
    dialect's columns (SQLite: text, and minutes packed little-endian;
    PostgreSQL: arrays, minutes as running totals)."""
    if isinstance(dates, str):
        each = array("i")
        each.frombytes(minutes)  # this machine is little-endian
    else:
        each = array("i", [b - a for a, b in zip([0, *minutes], minutes, strict=False)])
        dates = " ".join(day.isoformat() for day in dates)
    return dates, " ".join(map(str, each))


@pytest.mark.parametrize("page_size", [1, 3, 1000])
def test_each_pairing_keeps_its_counted_meetings_in_date_order(ledger: Any, page_size: int) -> None:
    first, second = _history(ledger)
    runner = ViewRunner(ledger.app.recorder, page_size=page_size)
    try:
        runner.replay()
        with runner.db.transaction(commit=False) as cursor:
            rows = {
                pid: cursor.execute(
                    "SELECT d.dates, d.minutes FROM view_meeting_dates d "
                    "JOIN view_pairings p ON p.seq = d.pairing_seq WHERE p.id = ?",
                    (pid.hex,),
                ).fetchone()
                for pid in (first, second)
            }
    finally:
        runner.db.close()
    lists = {pid: _lists(*row) for pid, row in rows.items() if row}
    assert lists == {
        first: ("2026-02-09 2026-02-20 2026-03-02 2026-03-10", "45 25 60 15"),
        second: ("2026-02-10 2026-02-10 2026-02-27", "20 35 50"),
    }


@pytest.mark.parametrize(
    ("as_of", "first", "second"),
    [
        # Before the first meeting: both paired, nothing counted yet.
        (d(2026, 2, 8), (0, 0, None, 0), (0, 0, None, 0)),
        # Mid-month: first has #1 only (#2, 02-16, is retracted); second its
        # two meetings of 02-10.
        (d(2026, 2, 19), (1, 45, "2026-02-09", 0), (2, 55, "2026-02-10", 0)),
        # A month's end: #4 (02-20, recorded late) counts; second complete.
        (d(2026, 2, 28), (2, 70, "2026-02-20", 0), (3, 105, "2026-02-27", 0)),
        # The reversal's day: 03-02 too, and the reversal counts on its date.
        (d(2026, 3, 5), (3, 130, "2026-03-02", 1), (3, 105, "2026-02-27", 0)),
        # The day before the latest: #6 (03-15) is retracted anyway.
        (d(2026, 3, 14), (4, 145, "2026-03-10", 1), (3, 105, "2026-02-27", 0)),
    ],
)
def test_pairings_as_of_a_past_day_count_their_meetings_up_to_it(
    ledger: Any,
    as_of: date,
    first: tuple[int, int, str | None, int],
    second: tuple[int, int, str | None, int],
) -> None:
    pairings = _history(ledger)
    ledger.views.catch_up()
    with ledger.views.db.transaction(commit=False) as cursor:
        rows = {row.id: row for row in pairing_rows(cursor, as_of)}
    found = [rows[pid.hex] for pid in pairings]
    assert [
        (r.meetings, r.minutes, r.last_met_on and r.last_met_on.isoformat(), r.reversals)
        for r in found
    ] == [first, second]


def test_before_the_first_pairing_there_are_no_rows(ledger: Any) -> None:
    _history(ledger)
    ledger.views.catch_up()
    with ledger.views.db.transaction(commit=False) as cursor:
        assert pairing_rows(cursor, d(2026, 2, 1)) == []
        assert span_rows(cursor, d(2026, 2, 1)) == []


def test_views_of_the_previous_layout_are_rebuilt(ledger: Any, kit: Any) -> None:
    """A store whose views were built before `view_meeting_dates` existed (layout 2)
    gets them rebuilt from the first event on first use."""
    _history(ledger)
    ledger.views.catch_up()
    expected = kit.view_tables(ledger.views)
    with ledger.views.db.transaction(commit=True) as cursor:
        cursor.execute("DROP TABLE view_meeting_dates")
        cursor.execute("UPDATE view_tracking SET schema_version = 2")
    assert SCHEMA_VERSION == 3
    runner = ViewRunner(ledger.app.recorder)
    try:
        assert runner.catch_up().events == ledger.events
        assert kit.view_tables(ledger.views) == expected
    finally:
        runner.db.close()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-02-08", (0, 0, None)),
        ("2026-02-09", (1, 45, "2026-02-09")),
        ("2026-02-19", (1, 45, "2026-02-09")),
        ("2026-02-20", (3, 80, "2026-02-20")),  # both meetings of 02-20
        ("2026-03-01", (3, 80, "2026-02-20")),
        ("2026-03-02", (4, 140, "2026-03-02")),
        ("2027-01-01", (4, 140, "2026-03-02")),
    ],
)
def test_totals_as_of_reads_sqlite_lists(day: str, expected: tuple[int, int, str | None]) -> None:
    dates = "2026-02-09 2026-02-20 2026-02-20 2026-03-02"
    minutes = array("i", [45, 25, 10, 60]).tobytes()  # this machine is little-endian
    assert totals_as_of(dates, minutes, day) == expected


def test_totals_as_of_a_pairing_without_meetings() -> None:
    assert totals_as_of(None, None, "2026-02-20") == (0, 0, None)
