"""A unit of work: many commands, one transaction.

Inside `with ledger.unit_of_work():` the application's commands run as usual,
with every rule checked by the aggregates and commands themselves, but against
aggregates kept in memory: each is loaded from the store once, or created in the
batch. A command's `save` records its events here, in the order it would have
written them, instead of writing. They are written into one open transaction a
chunk at a time (`domain.bulk_write`), so a batch of any size never holds more
than a chunk of events; leaving the block without an error commits it, an error
rolls it back: nothing is written.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import (
    Aggregate,
    DomainEventProtocol,
    MutableOrImmutableAggregate,
    OriginatorVersionError,
)
from eventsourcing.persistence import IntegrityError, Recording

from domain.bulk_write import BulkWriter, ChunkRecorder
from domain.chain_reader import StoredRow
from domain.errors import ConcurrentUpdate, DamagedStore
from domain.key_table import NewKey
from domain.mentorship import Mentorship

CHUNK_EVENTS = 5_000  # written per insert: larger chunks were no faster
Events = list[DomainEventProtocol[UUID]]
Forgotten = Sequence[tuple[UUID, str]]  # people forgotten in a log, and when
StoreRows = Callable[[Sequence[StoredRow], Sequence[NewKey], Forgotten], None]


class UnitOfWork:
    """What a batch of commands has loaded, created and recorded so far."""

    def __init__(self, write: Callable[[Events], None], store: StoreRows) -> None:
        self.aggregates: dict[UUID, Aggregate] = {}
        self.events: Events = []  # recorded, not yet written
        self.written = 0
        self.after_commit: list[Callable[[], object]] = []  # what waits for the commit
        self._write = write
        self._store = store
        self._pairings_in: dict[str, dict[UUID, None]] = {}  # program -> pairing ids

    def __len__(self) -> int:
        """How many events the batch has recorded."""
        return self.written + len(self.events)

    def flush(self) -> None:
        """Writes the events recorded so far into the batch's transaction."""
        if self.events:
            events, self.events = self.events, []
            self._write(events)
            self.written += len(events)

    def _maybe_flush(self) -> None:
        if len(self.events) >= CHUNK_EVENTS:
            self.flush()

    def cached(self, aggregate_id: UUID) -> Aggregate | None:
        return self.aggregates.get(aggregate_id)

    def keep(self, aggregate: Aggregate) -> None:
        """An aggregate the batch loaded or created: later commands see this copy."""
        self.aggregates[aggregate.id] = aggregate
        if isinstance(aggregate, Mentorship):
            self._pairings_in.setdefault(aggregate.program, {})[aggregate.id] = None

    def record(self, objs: Iterable[Any]) -> None:
        """A command's `save`: keeps its aggregates and takes their pending events."""
        for obj in objs:
            if obj is None:
                continue
            if not isinstance(obj, Aggregate):
                raise TypeError(f"cannot save {obj!r}")
            self.keep(obj)
            self.events.extend(obj.collect_events())
        self._maybe_flush()

    def store(
        self, rows: Sequence[StoredRow], keys: Sequence[NewKey], forgotten: Forgotten
    ) -> None:
        """Rows of an exported log (`domain.log_restore`) with the keys made for
        their people, stored as they are in the batch's transaction, after what
        was recorded before; the `forgotten` people's keys go once it commits."""
        self.flush()
        self._store(rows, keys, forgotten)
        self.written += len(rows)

    def pairings_in(self, program: str) -> list[UUID]:
        """Pairings of `program` that the batch created or loaded."""
        return list(self._pairings_in.get(program, {}))


class UnitOfWorkMixin(Application[UUID]):
    """Mixed into `MentorshipLedger`: `unit_of_work()`, aggregate loading that
    consults it, and a `save` that records into it instead of writing."""

    _work: UnitOfWork | None = None

    @contextmanager
    def unit_of_work(self, *, alone: bool = False) -> Iterator[UnitOfWork]:
        """Commands inside the block are saved together when it ends without an
        error. `alone`: nothing reads the store through another connection while
        the batch writes (commands do: whether a person exists...), so the
        batch may take an empty SQLite store for itself (`domain.bulk_write`)."""
        if self._work is not None:
            raise RuntimeError("a unit of work is already active")
        # domain.store always chooses one of the recorders that append chunks.
        writer = BulkWriter(cast(ChunkRecorder, self.recorder), alone=alone)
        to_stored = self.mapper.to_stored_event

        def write(events: Events) -> None:
            self._before_writing(events, writer, work)
            writer.write([to_stored(e) for e in events])

        def store(rows: Sequence[StoredRow], keys: Sequence[NewKey], forgotten: Forgotten) -> None:
            self._before_storing(keys, forgotten, writer, work)
            writer.write_rows(rows)

        work = self._work = UnitOfWork(write, store)
        collecting = gc.isenabled()
        gc.disable()  # a batch keeps many objects alive and makes no cycles: no collector passes
        try:
            try:
                yield work
                work.flush()
                writer.commit()
            finally:
                self._work = None
                if collecting:
                    gc.enable()
        except BaseException as error:
            try:
                writer.close(type(error), error, error.__traceback__)
            except BaseException as raised:
                if raised is not error and not _is_integrity_error(raised):
                    raise
            if _is_integrity_error(error) or _is_integrity_error(error.__context__):
                raise ConcurrentUpdate(
                    "another writer changed the same records while the batch ran; "
                    "nothing was written: try again"
                ) from None
            raise
        for step in work.after_commit:
            step()

    def _before_writing(self, events: Events, writer: BulkWriter, work: UnitOfWork) -> None:
        """Runs before each chunk of a batch is mapped and written (a hook)."""

    def _before_storing(
        self, keys: Sequence[NewKey], forgotten: Forgotten, writer: BulkWriter, work: UnitOfWork
    ) -> None:
        """Runs before each chunk of stored rows is written (a hook)."""

    def save(
        self,
        *objs: MutableOrImmutableAggregate[UUID] | DomainEventProtocol[UUID] | None,
        **kwargs: Any,
    ) -> list[Recording[UUID]]:
        if self._work is None:
            return super().save(*objs, **kwargs)
        self._work.record(objs)
        return []

    def _exists(self, aggregate_id: UUID) -> bool:
        try:
            self._load(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True

    def _load(self, aggregate_id: UUID) -> object:
        """An aggregate from its events; a gap in their versions means a damaged store.
        In a unit of work, each aggregate is loaded once and then kept in memory."""
        work = self._work
        if work is None:
            return self._read(aggregate_id)
        cached = work.cached(aggregate_id)
        if cached is None:
            cached = self._read(aggregate_id)
            work.keep(cached)
        return cached

    def _read(self, aggregate_id: UUID) -> Aggregate:
        try:
            return self.repository.get(aggregate_id)
        except OriginatorVersionError as error:
            found, expected = error.args
            what = f"version {expected} is missing (the next event is version {found})"
        except AssertionError:  # eventsourcing's check that the first event creates it
            what = "its first event is missing"
        raise DamagedStore(f"the store is damaged: aggregate {aggregate_id}: {what}")


def _is_integrity_error(error: BaseException | None) -> bool:
    """A unique key taken by another writer, as the database driver or eventsourcing says it."""
    import sqlite3

    if isinstance(error, IntegrityError | sqlite3.IntegrityError):
        return True
    try:
        import psycopg
    except ImportError:  # the postgres extra is not installed
        return False
    return isinstance(error, psycopg.IntegrityError)
