"""Pages for a catch-up: read ahead in a thread (as on PostgreSQL) they are the
same pages, in the same order, as read one at a time (as on SQLite)."""

from __future__ import annotations

import threading
from typing import Any

import orjson
import pytest

from projections.damage import BadEvent
from projections.pages import Page, Pages
from projections.runner import ViewRunner
from projections.source import Row

PAIRING = "9c516cf9105755babe82fe0b0561b1f0"
MET = "domain.mentorship:Mentorship.Met"


def met(number: int) -> bytes:
    payload = {"number": number, "on": f"2020-02-{number:02}", "minutes": 30}
    return orjson.dumps({"timestamp": "2020-02-10T09:00:00+00:00", "payload": payload})


class Log:
    """Events 1..n, with a bad one where asked; remembers each read's `after`."""

    def __init__(self, n: int, bad: int = 0) -> None:
        self.rows: list[Row] = [
            (i, PAIRING, MET, b"{not json" if i == bad else met(i)) for i in range(1, n + 1)
        ]
        self.reads: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, after: int, limit: int) -> list[Row]:
        with self.lock:
            self.reads.append(after)
        return [row for row in self.rows if row[0] > after][:limit]


def summary(page: Page | None) -> tuple[int, int, int, int] | None:
    if page is None:
        return None
    return page.first, page.last, page.events, len(page.batch.meetings)


@pytest.mark.parametrize("read_ahead", [False, True])
def test_pages_follow_each_other_to_the_end(read_ahead: bool) -> None:
    log = Log(7)
    pages = Pages(log, 3, read_ahead=read_ahead)
    got = [summary(pages.after(after)) for after in (0, 3, 6, 7)]
    pages.close()
    assert got == [(1, 3, 3, 3), (4, 6, 3, 3), (7, 7, 1, 1), None]
    assert log.reads == [0, 3, 6, 7]


def test_reading_ahead_reads_the_next_page_before_it_is_asked_for() -> None:
    log = Log(7)
    pages = Pages(log, 3, read_ahead=True)
    assert summary(pages.after(0)) == (1, 3, 3, 3)
    pages.close()  # waits for the page read ahead
    assert log.reads == [0, 3]


def test_a_page_read_ahead_from_another_position_is_not_used() -> None:
    log = Log(7)
    pages = Pages(log, 3, read_ahead=True)
    pages.after(0)
    # Another process applied events 4..5 meanwhile: the views are now at 5.
    assert summary(pages.after(5)) == (6, 7, 2, 2)
    pages.close()
    assert log.reads == [0, 3, 5]


def test_no_read_ahead_after_a_short_page() -> None:
    log = Log(2)
    pages = Pages(log, 3, read_ahead=True)
    assert summary(pages.after(0)) == (1, 2, 2, 2)
    pages.close()
    assert log.reads == [0]
    assert summary(pages.after(2)) is None
    assert log.reads == [0, 2]


@pytest.mark.parametrize("read_ahead", [False, True])
def test_a_bad_event_is_raised_when_its_page_is_asked_for(read_ahead: bool) -> None:
    pages = Pages(Log(7, bad=5), 3, read_ahead=read_ahead)
    assert summary(pages.after(0)) == (1, 3, 3, 3)
    with pytest.raises(BadEvent) as caught:
        pages.after(3)
    pages.close()
    assert (caught.value.notification_id, caught.value.what) == (5, "its state is not valid JSON")


def test_a_catch_up_leaves_no_read_ahead_behind(ledger: Any, kit: Any) -> None:
    kit.rich_history(ledger)
    runner = ViewRunner(ledger.app.recorder, page_size=5)
    try:
        assert runner.replay().events == 52
        assert not [t for t in threading.enumerate() if t.name == "read-ahead"]
        assert runner.position().notification_id == 52
    finally:
        runner.db.close()
