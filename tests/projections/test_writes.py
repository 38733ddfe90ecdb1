"""A batch's writes give what applying its events one at a time gives, when one
pairing has several updates of a kind in the same batch (PostgreSQL groups them
into one statement each, SQLite applies them row by row)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from projections.db import _copy_text
from projections.runner import ViewRunner

ACTOR = "hr.admin"
COLUMNS = "ended_on, end_reason, reversals, meetings, minutes, last_met_on"


def _history(ledger: Any) -> tuple[Any, Any]:
    ledger.program("alpha")
    for employee_id, level in [("ann", 7), ("ben", 3), ("cat", 5), ("dan", 1)]:
        ledger.person(employee_id, level)
    first = ledger.pair("ann", "ben", date(2026, 2, 2))
    second = ledger.pair("cat", "dan", date(2026, 2, 3))
    for day, minutes in [(date(2026, 2, 9), 45), (date(2026, 2, 16), 30), (date(2026, 2, 23), 60)]:
        ledger.meet(first, day, minutes)
    ledger.meet(second, date(2026, 2, 10), 20)
    ledger.reverse(first, date(2026, 3, 1))
    ledger.reverse(first, date(2026, 3, 5))
    ledger.retract(first, 3)
    ledger.end(first, date(2026, 3, 10))
    ledger.app.reopen_pairing(ACTOR, first, "ended by mistake")
    ledger.end(first, date(2026, 3, 20), "mismatch")
    ledger.end(second, date(2026, 3, 12))
    ledger.app.reopen_pairing(ACTOR, second, "ended by mistake")
    return first, second


@pytest.mark.parametrize("page_size", [1, 7, 1000])
def test_several_updates_of_one_pairing_in_a_batch(ledger: Any, page_size: int) -> None:
    first, second = _history(ledger)
    runner = ViewRunner(ledger.app.recorder, page_size=page_size)
    try:
        runner.replay()
        with runner.db.transaction(commit=False) as cursor:
            rows = {
                pid: cursor.execute(
                    f"SELECT {COLUMNS} FROM view_pairings WHERE id = ?", (pid.hex,)
                ).fetchone()
                for pid in (first, second)
            }
    finally:
        runner.db.close()
    assert rows[first] == ("2026-03-20", "mismatch", 2, 2, 75, "2026-02-16")
    assert rows[second] == (None, None, 0, 1, 20, "2026-02-10")


def test_copy_text_is_made_only_of_plain_values() -> None:
    rows = [(1, 2, "2026-02-09", 45), (10, 3, "2026-02-16", 30)]
    assert _copy_text(rows, 4) == b"1\t2\t2026-02-09\t45\n10\t3\t2026-02-16\t30\n"
    for odd in ["a\tb", "a\nb", "a\\b", "a\rb", None, True, False, "None"]:
        assert _copy_text([*rows, (1, 4, odd, 5)], 4) is None, odd


def test_bulk_inserted_rows_read_back_exactly(new_ledger: Any) -> None:
    ledger = new_ledger()
    ledger.program("alpha")
    runner = ViewRunner(ledger.app.recorder)
    values = [(1, "plain"), (2, "tab\there"), (3, None), (4, "back\\slash"), (5, "None")]
    try:
        with runner.db.transaction(commit=True) as cursor:
            cursor.execute("CREATE TEMPORARY TABLE bulk_check (n INTEGER, t TEXT)")
            cursor.insert_rows("bulk_check", ("n", "t"), values)
            cursor.insert_rows("bulk_check", ("n", "t"), [(6, "2026-02-09")])
            got = cursor.execute("SELECT n, t FROM bulk_check ORDER BY n").fetchall()
            cursor.execute("DROP TABLE bulk_check")
    finally:
        runner.db.close()
    assert got == [*values, (6, "2026-02-09")]


@pytest.mark.parametrize("count", [1, 332, 333, 334, 999, 1000])
def test_rows_inserted_many_to_a_statement_read_back_exactly(
    new_ledger: Any, count: int
) -> None:
    # Three columns: 333 rows to a statement on SQLite, the rest one at a time.
    ledger = new_ledger()
    ledger.program("alpha")
    runner = ViewRunner(ledger.app.recorder)
    values = [(n, f"row {n}", n * 0.5 if n % 7 else None) for n in range(count)]
    try:
        with runner.db.transaction(commit=True) as cursor:
            cursor.execute("CREATE TEMPORARY TABLE bulk_check (n INTEGER, t TEXT, x REAL)")
            cursor.insert_rows("bulk_check", ("n", "t", "x"), values)
            got = cursor.execute("SELECT n, t, x FROM bulk_check ORDER BY n").fetchall()
            cursor.execute("DROP TABLE bulk_check")
    finally:
        runner.db.close()
    assert got == values
