"""A unit of work: many commands, one transaction.

Inside `with ledger.unit_of_work():` the application's commands run as usual,
with every rule checked by the aggregates and commands themselves, but against
aggregates kept in memory: each is loaded from the store once, or created in the
batch. A command's `save` records its events here, in the order it would have
written them, instead of writing. Leaving the block without an error writes all
of them in one `save` (one transaction); an error discards them: nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import (
    Aggregate,
    CanInitAggregate,
    CanMutateAggregate,
    DomainEventProtocol,
    EventSourcingError,
    MutableOrImmutableAggregate,
    OriginatorVersionError,
)
from eventsourcing.persistence import IntegrityError, Recording

from domain.errors import ConcurrentUpdate, DamagedStore
from domain.mentorship import Mentorship


class UnitOfWork:
    """What a batch of commands has loaded, created and recorded so far."""

    def __init__(self) -> None:
        self.aggregates: dict[UUID, Aggregate] = {}
        self.events: list[DomainEventProtocol[UUID]] = []
        self._pairings_in: dict[str, dict[UUID, None]] = {}  # program -> pairing ids

    def __len__(self) -> int:
        """How many events the batch has recorded."""
        return len(self.events)

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
            if isinstance(obj, Aggregate):
                self.keep(obj)
                self.events.extend(obj.collect_events())
            elif isinstance(obj, CanMutateAggregate):
                self.restore(obj)
            else:
                raise TypeError(f"cannot save {obj!r}")

    def restore(self, event: CanMutateAggregate[UUID]) -> None:
        """An event recorded before (an import): it must continue its aggregate's
        history (the first event creates it, versions count 1, 2, 3...)."""
        current = self.aggregates.get(event.originator_id)
        where = f"aggregate {event.originator_id}, version {event.originator_version}"
        if isinstance(event, CanInitAggregate) != (current is None):
            what = "is created twice" if current is not None else "has no creating event before"
            raise DamagedStore(f"{where}: the aggregate {what}")
        if current is not None and event.originator_version != current.version + 1:
            raise DamagedStore(f"{where}: the aggregate's next version is {current.version + 1}")
        try:
            aggregate = event.mutate(current)
        except (EventSourcingError, LookupError, ValueError, AssertionError, TypeError) as error:
            raise DamagedStore(f"{where}: does not follow the events before ({error!r})") from None
        assert isinstance(aggregate, Aggregate)
        self.keep(aggregate)
        self.events.append(event)

    def pairings_in(self, program: str) -> list[UUID]:
        """Pairings of `program` that the batch created or loaded."""
        return list(self._pairings_in.get(program, {}))


class UnitOfWorkMixin(Application[UUID]):
    """Mixed into `MentorshipLedger`: `unit_of_work()`, aggregate loading that
    consults it, and a `save` that records into it instead of writing."""

    _work: UnitOfWork | None = None

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """Commands inside the block are saved together when it ends without an error."""
        if self._work is not None:
            raise RuntimeError("a unit of work is already active")
        work = self._work = UnitOfWork()
        try:
            yield work
        finally:
            self._work = None
        if work.events:
            try:
                super().save(*work.events)
            except IntegrityError:
                raise ConcurrentUpdate(
                    "another writer changed the same records while the batch ran; "
                    "nothing was written: try again"
                ) from None

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
