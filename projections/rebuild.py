"""A replay: the views emptied and rebuilt from the first event, many pages to a
transaction.

A catch-up commits each page with its position, which a replay of a mature
store made costly (SQLite, 1,074,802 events): every page of 100,000 events
meets nearly every pairing, so each commit wrote most of the meetings table
to the WAL again and its checkpoint copied it back (~0.6 s of ~6.5 s of CPU),
and each page updated every pairing's meeting totals (~0.9 s with adding them
up in Python). Here pages share a transaction, and the totals of the pairings
met in it are recounted once in SQL before it commits (totals.py).

What holds still holds: the views' rows and their position commit together,
the position moves by compare-and-set, and whole pages are applied. The
emptying commits with the first pages, so until then readers see the old
views, and a replay that fails or is killed before its first commit leaves
them as they were. A transaction ends between pages once it has been open for
`hold` seconds and the next page is read outside it: on SQLite a writer
waiting for the store (up to the lock timeout) then gets its turn.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from eventsourcing.persistence import ApplicationRecorder, IntegrityError

from projections.damage import BadEvent, damaged_event, out_of_step
from projections.db import Cursor, ViewDatabase
from projections.pages import Page, Pages
from projections.totals import recount
from projections.tracking import Position, advance, read_position, reset
from projections.writes import PairingKeys

Progress = Callable[[int, int], None]  # (events done, events to do)


class Rebuild:
    def __init__(
        self,
        recorder: ApplicationRecorder,
        db: ViewDatabase,
        keys: PairingKeys,
        pages: Pages,
        hold: float,
    ) -> None:
        self.recorder = recorder
        self.db = db
        self.keys = keys
        self.pages = pages
        self.hold = hold
        self.position = Position(0, "")
        self.done = 0

    def run(self, todo: int, progress: Progress | None) -> int:
        """Empties the views and applies every page; returns the events applied."""
        page = self._read()
        emptied = False
        while not emptied or page is not None:
            try:
                with self.db.transaction(commit=True) as cursor:
                    if not emptied:
                        reset(cursor)
                        emptied = True
                    page = self._fill(cursor, page, todo, progress)
            # Pages apply exactly once, onto views emptied first, so a duplicate
            # row means the events contradict each other.
            except IntegrityError as error:
                assert page is not None
                raise out_of_step(page.first, page.last, error, from_start=True) from None
            if page is not None:  # time is up: the next page is read between transactions
                page = self._read()
        return self.done

    def _fill(
        self, cursor: Cursor, page: Page | None, todo: int, progress: Progress | None
    ) -> Page | None:
        """Applies `page` and the pages after it until the log ends (returns None)
        or the transaction has been open `hold` seconds (returns the last page)."""
        ends = time.monotonic() + self.hold
        met: set[int] = set()  # pairings whose meetings changed, by seq
        while page is not None:
            new = Position(page.last, max(self.position.latest_on, page.batch.latest_on))
            if advance(cursor, self.position, new):
                page.batch.apply(cursor, self.keys, met)
                self.done += page.events
                self.position = new
                if progress is not None:
                    progress(self.done, max(todo, self.done))
            else:  # another process applied pages between our transactions
                self.position = read_position(cursor)
            if time.monotonic() >= ends:
                break
            page = self._read()
        recount(cursor, met)
        return page

    def _read(self) -> Page | None:
        try:
            return self.pages.after(self.position.notification_id)
        except BadEvent as bad:
            raise damaged_event(self.recorder, bad) from None
