"""Keeps the views caught up with the event log, one transaction per batch.

Each batch's view writes and the new tracking position commit together, and the
position only moves forward from the value this runner read (a compare-and-set,
see tracking.py): a batch is applied exactly once even when several processes
catch up at once or a replay is killed part-way through. A replay applies many
batches to a transaction (rebuild.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, InternalError

from domain.store import retry_startup
from projections.damage import BadEvent, damaged_event, out_of_step
from projections.db import Cursor, ViewDatabase
from projections.pages import Pages, Source, paused_collector
from projections.rebuild import Rebuild
from projections.schema import PROJECTION, SCHEMA_VERSION, VIEW_TABLES, create_statements
from projections.source import last_notification_id, read_page
from projections.tracking import Position, advance, read_position, reset
from projections.writes import PairingKeys

__all__ = ["PAGE_SIZE", "CatchUp", "Position", "Progress", "ViewRunner"]

PAGE_SIZE = 100_000
Progress = Callable[[int, int], None]  # (events done, events to do)


@dataclass(frozen=True)
class CatchUp:
    events: int
    seconds: float

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


class ViewRunner:
    def __init__(
        self,
        recorder: ApplicationRecorder,
        page_size: int = PAGE_SIZE,
        db: ViewDatabase | None = None,
        source: Source | None = None,
    ) -> None:
        """`source` reads the pages (default: the whole log); `--known-at` gives
        one that ends where the events recorded by then end."""
        self.recorder = recorder
        self.source = source or (lambda after, limit: read_page(recorder, after, limit))
        self.db = db or ViewDatabase(recorder)
        self.page_size = page_size
        self.keys = PairingKeys()
        # How long a replay keeps one transaction open (see rebuild.py); by
        # default a third of the time a writer waits for the store's lock.
        self.replay_hold: float | None = None
        self._ready = False

    def prepare(self) -> None:
        """Creates the view tables, rebuilding them if their layout changed."""
        # Checked first in a read transaction: tables that are there already
        # need no write lock (a busy or read-only store can still answer).
        if not self._ready:
            if self.stored_position() is None:
                retry_startup(self._create_tables, (InternalError, IntegrityError))
            self._ready = True

    def stored_position(self) -> Position | None:
        """The views' position, read without writing; None if their tables are
        missing or have another layout."""
        with self.db.transaction(commit=False) as cursor:
            if not self.db.has_table(cursor, "view_tracking"):
                return None
            row = cursor.execute(
                "SELECT notification_id, latest_on, schema_version FROM view_tracking "
                "WHERE projection = ?",
                (PROJECTION,),
            ).fetchone()
        if row is None or row[2] != SCHEMA_VERSION:
            return None
        return Position(int(row[0]), row[1] or "")

    def _create_tables(self) -> None:
        with self.db.transaction(commit=True) as cursor:
            # Views of another layout go first: PostgreSQL refuses an index on a
            # column an old table lacks, even with IF NOT EXISTS.
            if self._version(cursor) not in (None, SCHEMA_VERSION):
                for table in VIEW_TABLES:
                    cursor.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in create_statements(sqlite=self.db.is_sqlite):
                cursor.execute(statement)
            if self._version(cursor) != SCHEMA_VERSION:
                reset(cursor)

    def _version(self, cursor: Cursor) -> int | None:
        if not self.db.has_table(cursor, "view_tracking"):
            return None
        row = cursor.execute(
            "SELECT schema_version FROM view_tracking WHERE projection = ?", (PROJECTION,)
        ).fetchone()
        return None if row is None else int(row[0])

    def position(self) -> Position:
        self.prepare()
        with self.db.transaction(commit=False) as cursor:
            return read_position(cursor)

    def catch_up(
        self,
        progress: Progress | None = None,
        on_batch: Callable[[int, Position], None] | None = None,
    ) -> CatchUp:
        """Applies every event after the views' position, page by page.

        `on_batch(events, position)` runs after each batch this runner committed
        (not for pages another process applied first); an exception it raises
        stops the catch-up there, with that batch kept."""
        started = time.perf_counter()
        position = self.position()
        todo = last_notification_id(self.recorder) - position.notification_id
        pages = Pages(self.source, self.page_size, read_ahead=not self.db.is_sqlite)
        try:
            with paused_collector():
                done = self._apply_pages(pages, position, todo, progress, on_batch)
        finally:
            pages.close()
        return CatchUp(done, time.perf_counter() - started)

    def _apply_pages(
        self,
        pages: Pages,
        position: Position,
        todo: int,
        progress: Progress | None,
        on_batch: Callable[[int, Position], None] | None,
    ) -> int:
        done = 0
        while True:
            try:
                page = pages.after(position.notification_id)
            except BadEvent as bad:
                raise damaged_event(self.recorder, bad) from None
            if page is None:
                return done
            new = Position(page.last, max(position.latest_on, page.batch.latest_on))
            try:
                with self.db.transaction(commit=True) as cursor:
                    moved = advance(cursor, position, new)
                    if moved:
                        page.batch.apply(cursor, self.keys)
            # Batches apply exactly once (see `advance`), so a duplicate row
            # means the views and the log disagree; the batch was rolled back.
            except IntegrityError as error:
                from_start = position.notification_id == 0
                raise out_of_step(page.first, page.last, error, from_start=from_start) from None
            if not moved:  # another process applied this page first
                position = self.position()
                continue
            done += page.events
            position = new
            if progress is not None:
                progress(done, max(todo, done))
            if on_batch is not None:
                on_batch(page.events, new)

    def replay(self, progress: Progress | None = None) -> CatchUp:
        """Rebuilds every view from the first event."""
        self.prepare()
        self.keys.forget()
        started = time.perf_counter()
        todo = last_notification_id(self.recorder)
        pages = Pages(self.source, self.page_size, read_ahead=not self.db.is_sqlite)
        hold = self.replay_hold
        if hold is None:
            hold = self.db.lock_seconds() / 3
        rebuild = Rebuild(self.recorder, self.db, self.keys, pages, hold)
        try:
            with paused_collector():
                done = rebuild.run(todo, progress)
        finally:
            pages.close()
        return CatchUp(done, time.perf_counter() - started)
