"""Keeps the views current as events arrive: the loop behind `mentorship follow`.

Every batch goes through `ViewRunner.catch_up`, so its compare-and-set applies
and a batch is applied once even beside other followers or catching-up queries.

Waiting for new events: the PostgreSQL event store sends a NOTIFY on its
channel (`recorder.channel_name`) in every transaction that inserts events, and
the follower LISTENs on it, so it sleeps until events are committed. (The
recorder's own `subscribe()` is built on that channel too, but it also reads
every new event itself, which the catch-up would then read a second time.)
SQLite has no notifications: the follower polls every `interval` seconds.

`stop()` only sets a flag, so it is safe in a signal handler: the batch being
applied is committed, then the follower returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from projections.runner import Position, ViewRunner

STOP_CHECK = 0.5  # seconds between looks at the stop flag while listening
Report = Callable[[int, Position], None]  # (events in the batch, position after it)
Announce = Callable[[Position, str], None]  # (position at start, how it waits)


class _Stopped(Exception):
    """Raised after a committed batch when a stop was asked for."""


class Follower:
    def __init__(
        self,
        runner: ViewRunner,
        *,
        interval: float,
        report: Report,
        announce: Announce | None = None,
    ) -> None:
        self.runner = runner
        self.interval = interval
        self.report = report
        self.announce = announce
        self._stop = threading.Event()

    def stop(self) -> None:
        """Asks the follower to stop after the current batch (signal-handler safe)."""
        self._stop.set()

    def run(self) -> Position:
        """Applies new events until `stop()`; returns the views' position then."""
        with self._waiting() as (wait, how):
            if self.announce is not None:
                self.announce(self.runner.position(), how)
            while not self._stop.is_set():
                try:
                    self.runner.catch_up(on_batch=self._applied)
                except _Stopped:
                    break
                wait()
        return self.runner.position()

    def _applied(self, events: int, position: Position) -> None:
        self.report(events, position)
        if self._stop.is_set():
            raise _Stopped

    @contextmanager
    def _waiting(self) -> Iterator[tuple[Callable[[], None], str]]:
        """A function that returns when there may be new events, or on stop;
        and how it waits, in words."""
        if self.runner.db.is_sqlite:
            yield self._polled, f"polling every {self.interval:g} s"
            return
        # LISTEN before the first catch-up, so no commit between the two is missed.
        with _listening(self.runner.recorder) as connection:
            yield lambda: self._notified(connection), "woken by the store's notifications"

    def _polled(self) -> None:
        self._stop.wait(self.interval)

    def _notified(self, connection: Any) -> None:
        while not self._stop.is_set():
            if any(True for _ in connection.notifies(timeout=STOP_CHECK, stop_after=1)):
                # Several commits since the last catch-up: one catch-up covers them all.
                for _ in connection.notifies(timeout=0.0):
                    pass
                return


@contextmanager
def _listening(recorder: Any) -> Iterator[Any]:
    """A connection of the store's pool that LISTENs on the events' channel."""
    from psycopg.sql import SQL, Identifier

    channel = Identifier(recorder.channel_name)
    with recorder.datastore.get_connection() as connection:  # autocommit
        connection.execute(SQL("LISTEN {0}").format(channel))
        try:
            yield connection
        finally:  # the connection goes back to the pool (unless it was lost)
            if not connection.broken and not connection.closed:
                connection.execute(SQL("UNLISTEN {0}").format(channel))
