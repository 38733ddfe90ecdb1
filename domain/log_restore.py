"""Lines of an exported log (`domain.event_lines`) back into events to store.

Each line is checked with the code that reads a store: its type must be one of
the ledger's, its payload must pass the event's pydantic model (the one source
of every rule on a value) and is stored as the model writes it, its `id` must be
the one its aggregate's UUID is derived from, and it must continue its
aggregate's history (the first event creates the aggregate, versions count 1, 2,
3...). The unit of work then stores the event exactly as the application would.

What is remembered between lines is one small record per aggregate (its next
version), so a log of any length is restored in constant memory per aggregate;
the aggregates themselves are not rebuilt (their `apply` methods only change
state, which the views rebuild from the same events).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import CanInitAggregate, CanMutateAggregate, DomainEventProtocol
from eventsourcing.utils import resolve_topic
from pydantic import BaseModel, ValidationError

from domain import validation
from domain.errors import InvalidInput, LedgerError
from domain.event_lines import FIELDS, KINDS, MODULES
from domain.events import STORED_CONTEXT
from domain.mapper import _describe, payload_type
from domain.person import person_id
from domain.program import program_id

_FIELD_SET = frozenset(FIELDS)


@dataclass(frozen=True)
class _EventType:
    event_class: type
    payload: type[BaseModel]
    owner: str
    creates: bool
    originator_topic: str


@dataclass
class _Aggregate:
    uuid: UUID
    natural_id: str
    next_version: int


class LogRestorer:
    """Turns exported lines into events, one line at a time."""

    def __init__(self) -> None:
        self._aggregates: dict[str, _Aggregate] = {}

    def event(self, text: bytes) -> DomainEventProtocol[UUID]:
        """The event on one line; `InvalidInput` saying what is wrong with the line."""
        line = _fields(text)
        kind = _event_type(line["type"])
        if line["kind"] != KINDS[kind.owner]:
            raise InvalidInput(f"kind {line['kind']!r} does not match type {line['type']!r}")
        aggregate = self._aggregate(kind, line)
        recorded_at = _recorded_at(line["recorded_at"])
        version = line["version"]
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise InvalidInput(f"version must be a whole number from 1: {version!r}")
        actor = _actor(line["actor"] if isinstance(line["actor"], str) else "")
        self._check_sequence(aggregate, version, kind.creates)
        try:
            payload = kind.payload.model_validate(
                line["payload"], strict=False, context=STORED_CONTEXT
            )
        except (ValidationError, ValueError, TypeError) as error:
            what = _describe(error, str(line["type"]))
            raise InvalidInput(f"aggregate {aggregate.uuid}, version {version}: {what}") from None
        fields: dict[str, Any] = {
            "originator_id": aggregate.uuid,
            "originator_version": version,
            "timestamp": recorded_at,
            "actor": actor,
            "payload": payload,
        }
        if kind.creates:
            fields["originator_topic"] = kind.originator_topic
        event: object = object.__new__(kind.event_class)
        object.__setattr__(event, "__dict__", fields)
        aggregate.next_version = version + 1
        return _as_event(event)

    def _aggregate(self, kind: _EventType, line: dict[str, Any]) -> _Aggregate:
        text, natural = str(line["aggregate"]), str(line["id"])
        known = self._aggregates.get(text)
        if known is None:
            try:
                uuid = UUID(text)
            except ValueError:
                raise InvalidInput(f"bad aggregate id {text!r}") from None
            _check_id(kind.owner, natural, uuid)
            known = self._aggregates[text] = _Aggregate(uuid, natural, 1)
        elif natural != known.natural_id:
            _check_id(kind.owner, natural, known.uuid)
        return known

    @staticmethod
    def _check_sequence(aggregate: _Aggregate, version: int, creates: bool) -> None:
        exists = aggregate.next_version > 1
        if creates != exists and version == aggregate.next_version:
            return
        where = f"aggregate {aggregate.uuid}, version {version}"
        if creates == exists:
            what = "is created twice" if exists else "has no creating event before"
            raise InvalidInput(f"{where}: the aggregate {what}")
        raise InvalidInput(f"{where}: the aggregate's next version is {aggregate.next_version}")


def _fields(text: bytes) -> dict[str, Any]:
    try:
        line = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise InvalidInput("not a JSON object") from None
    if not isinstance(line, dict):
        raise InvalidInput("not a JSON object")
    if line.keys() != _FIELD_SET:
        missing = [f for f in FIELDS if f not in line]
        if missing:
            raise InvalidInput(f"missing field {missing[0]!r}")
    return line


@cache
def _event_type(name: object) -> _EventType:
    owner, _, event = str(name).partition(".")
    if owner not in MODULES or not event.isidentifier():
        raise InvalidInput(f"unknown event type {name!r}")
    try:
        event_class = resolve_topic(f"{MODULES[owner]}:{name}")
    except (ValueError, AttributeError, ImportError):
        raise InvalidInput(f"unknown event type {name!r}") from None
    if not (isinstance(event_class, type) and issubclass(event_class, CanMutateAggregate)):
        raise InvalidInput(f"unknown event type {name!r}")
    creates = issubclass(event_class, CanInitAggregate)
    model = payload_type(event_class)  # type: ignore[arg-type]  # classes are hashable
    return _EventType(event_class, model, owner, creates, f"{MODULES[owner]}:{owner}")


def _recorded_at(text: object) -> datetime:
    try:
        recorded_at = datetime.fromisoformat(str(text))
    except ValueError:
        raise InvalidInput(f"bad recorded_at {text!r}") from None
    if recorded_at.tzinfo is None:
        raise InvalidInput("recorded_at has no time zone")
    return recorded_at


@cache
def _actor(name: str) -> str:
    """A log has few actors: each is checked once."""
    return validation.actor(name)


def _check_id(owner: str, natural: str, aggregate: UUID) -> None:
    try:
        expected = {
            "Person": lambda: person_id(validation.employee_id(natural)),
            "Program": lambda: program_id(validation.slug(natural)),
            "Mentorship": lambda: UUID(natural),
        }[owner]()
    except (LedgerError, ValueError):
        expected = None
    if expected != aggregate:
        raise InvalidInput(f"id {natural!r} is not the {KINDS[owner]} of aggregate {aggregate}")


def _as_event(event: object) -> DomainEventProtocol[UUID]:
    return event  # type: ignore[return-value]
