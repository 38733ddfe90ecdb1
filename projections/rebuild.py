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
waiting for the store (up to the lock timeout) then gets its turn. On
PostgreSQL no writer of events waits for it; another runner's catch-up waits
for the position (a query, for 2 s, then answers from the old views).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from eventsourcing.persistence import ApplicationRecorder, IntegrityError

from projections.damage import BadEvent, damaged_event, out_of_step
from projections.db import Cursor, ViewDatabase
from projections.pages import Page, Pages
from projections.totals import Recount
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
        self.page: Page | None = None  # the page being applied, or the next one
        self.done = 0

    def run(self, todo: int, progress: Progress | None) -> int:
        """Empties the views and applies every page; returns the events applied."""
        self.page = self._read()
        emptied = False
        while not emptied or self.page is not None:
            try:
                with self.db.transaction(commit=True) as cursor:
                    totals = Recount(every=not emptied)
                    if not emptied:
                        reset(cursor)
                        emptied = True
                    ended = self._fill(cursor, totals, todo, progress)
            # Pages apply exactly once, onto views emptied first, so a duplicate
            # row means the events contradict each other.
            except IntegrityError as error:
                assert self.page is not None
                first, last = self.page.first, self.page.last
                raise out_of_step(first, last, error, from_start=True) from None
            # Time is up: the next page is read between transactions.
            self.page = None if ended else self._read()
        return self.done

    def _fill(
        self, cursor: Cursor, totals: Recount, todo: int, progress: Progress | None
    ) -> bool:
        """Applies `self.page` and the pages after it until the log ends (returns
        True) or the transaction has been open `hold` seconds (False)."""
        ends = time.monotonic() + self.hold
        while self.page is not None:
            page = self.page
            new = Position(page.last, max(self.position.latest_on, page.batch.latest_on))
            if advance(cursor, self.position, new):
                page.batch.apply(cursor, self.keys, totals)
                self.done += page.events
                self.position = new
                if progress is not None:
                    progress(self.done, max(todo, self.done))
            else:  # another process applied pages between our transactions
                self.position = read_position(cursor)
            if time.monotonic() >= ends:
                break
            self.page = self._read()
        totals.run(cursor)
        return self.page is None

    def _read(self) -> Page | None:
        try:
            return self.pages.after(self.position.notification_id)
        except BadEvent as bad:
            raise damaged_event(self.recorder, bad) from None
