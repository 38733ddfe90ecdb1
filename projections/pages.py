"""The pages a catch-up applies, each with its batch built; on PostgreSQL the
next one is read and built in a thread while the current one is written.

A PostgreSQL batch's writes are mostly a wait on the server, during which this
process holds no GIL, while reading and decoding a page is mostly Python here:
overlapping the two took replay of the 1M store from ~80k to ~95k events/s on
a busy 2-core machine. Not on SQLite: its writes run in this process and take
the GIL for every row, so a thread decoding beside them slows both (1M store:
165k-171k events/s one page at a time, 121k-140k reading ahead).

Reading ahead only moves the next read earlier: the pages and their order are
the same, and an event committed after it is read by the following catch-up,
as it would be if it had been committed a moment later.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from projections.projector import Batch, build_batch
from projections.source import Row

Source = Callable[[int, int], Sequence[Row]]  # (after notification id, limit) -> page


@dataclass(frozen=True)
class Page:
    """A page's notification ids and its batch. The rows themselves are dropped
    once decoded: with a page read ahead, two pages of rows (~50 MB each at
    100,000 events) would take replay's peak memory near its 300 MB budget."""

    first: int
    last: int
    events: int
    batch: Batch


Built = Page | None  # None: no events after the position


class _Reading:
    """One page being read and built in a thread."""

    def __init__(self, source: Source, after: int, limit: int) -> None:
        self.after = after
        self._built: Built = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(source, limit), name="read-ahead", daemon=True
        )
        self._thread.start()

    def _run(self, source: Source, limit: int) -> None:
        try:
            self._built = _build(source, self.after, limit)
        except BaseException as error:  # raised where the page is asked for
            self._error = error

    def result(self) -> Built:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._built

    def wait(self) -> None:
        self._thread.join()


def _build(source: Source, after: int, limit: int) -> Built:
    rows = source(after, limit)
    if not rows:
        return None
    return Page(rows[0][0], rows[-1][0], len(rows), build_batch(rows))


class Pages:
    def __init__(self, source: Source, page_size: int, *, read_ahead: bool) -> None:
        self.source = source
        self.page_size = page_size
        self.read_ahead = read_ahead
        self._next: _Reading | None = None

    def after(self, notification_id: int) -> Built:
        """The page of events after `notification_id`, None if there are none.

        Raises `BadEvent` for an event of the page that cannot be read."""
        ahead, self._next = self._next, None
        if ahead is not None and ahead.after == notification_id:
            page = ahead.result()
        else:  # nothing read ahead, or from another position (another process moved it)
            if ahead is not None:
                ahead.wait()
            page = _build(self.source, notification_id, self.page_size)
        # After a short page the log had no more: the next read is most likely
        # empty, and a catch-up of a few events (a query's) would pay for a
        # second connection for nothing.
        if self.read_ahead and page is not None and page.events >= self.page_size:
            self._next = _Reading(self.source, page.last, self.page_size)
        return page

    def close(self) -> None:
        """Waits for a read ahead that will not be used (its connection goes back)."""
        ahead, self._next = self._next, None
        if ahead is not None:
            ahead.wait()


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pauses the cycle collector while pages are applied.

    A page is ~10 objects an event (rows, decoded states, row tuples), none in a
    reference cycle, and with that many allocations the collector kept running
    full passes over every one still alive: 0.4 to 0.5 s of the ~2.9 s it took
    to read and build the 1M store's pages."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
