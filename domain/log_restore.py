"""Lines of an exported log (`domain.event_lines`) back into rows to store.

Each line is checked with the code that reads a store: its type must be one of
the ledger's, its payload must pass the event's pydantic model (the one source
of every rule on a value) and is stored as the model writes it, its `id` must be
the one its aggregate's UUID is derived from, and it must continue its
aggregate's history (the first event creates the aggregate, versions count 1, 2,
3...). Its state is then written by the application's mapper (`encode_state`,
`seal`), exactly as the application would store the event.

What is remembered between lines is one small record per aggregate (its next
version), so a log of any length is restored in constant memory per aggregate;
the aggregates themselves are not rebuilt (their `apply` methods only change
state, which the views rebuild from the same events). No domain event object
is built either: a line becomes the row the events table holds, since an
import of a million events pays for every object made per line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NoReturn
from uuid import UUID

from eventsourcing.domain import CanInitAggregate, CanMutateAggregate
from eventsourcing.utils import TopicError, resolve_topic
from orjson import JSONDecodeError, loads
from pydantic import ValidationError

from domain import validation
from domain.chain_reader import StoredRow as Row
from domain.errors import InvalidInput, LedgerError
from domain.event_lines import FIELDS, KINDS, MODULES
from domain.events import STORED_CONTEXT
from domain.key_table import NewKey
from domain.keys import KeyRing
from domain.mapper import PayloadMapper, _describe, event_shape, payload_type, write_shape
from domain.person import Person, person_id
from domain.program import program_id

_FIELD_SET = frozenset(FIELDS)


@dataclass(frozen=True)
class _EventType:
    event_class: type
    validate: Callable[..., Any]  # the payload model's validator
    dump: Callable[..., Any]  # its serialiser, to JSON form
    topic: str
    personal: tuple[str, ...]  # fields the mapper seals when they hold a value
    special: bool  # the mapper (or the key ring) sees every event of this type
    kind: str  # the line's "kind" for this type
    owner: str
    creates: bool
    originator_topic: str | None  # set on creating events
    registers: bool
    forgets: bool


@dataclass
class _Aggregate:
    uuid: UUID
    hex: str
    natural_id: str
    owner: str
    next_version: int


class LogRestorer:
    """Turns exported lines into stored rows, one line at a time, sealing
    personal values with `mapper`'s key ring. Keys it made for people registered
    in the log wait in `new_keys`, and the people forgotten in it in
    `forgotten` (id, when), for the writer to take."""

    def __init__(self, mapper: PayloadMapper, keys: KeyRing) -> None:
        self.mapper = mapper
        self.keys = keys
        self._aggregates: dict[str, _Aggregate] = {}
        self.new_keys: list[NewKey] = []
        self.forgotten: list[tuple[UUID, str]] = []

    def row(self, text: bytes) -> Row:
        """The stored row for one line; `InvalidInput` saying what is wrong with the line.
        (Written for speed, as this runs once per event of an import: the
        checks that fail are spelt out in the functions it calls.)"""
        try:
            line = loads(text)
        except JSONDecodeError:
            raise InvalidInput("not a JSON object") from None
        if type(line) is not dict or line.keys() != _FIELD_SET:
            _check_fields(line)
        name = line["type"]
        kind = _TYPES.get(name) if type(name) is str else None
        if kind is None:
            kind = _event_type(name)
        if line["kind"] != kind.kind:
            raise InvalidInput(f"kind {line['kind']!r} does not match type {name!r}")
        text_id = line["aggregate"]
        aggregate = self._aggregates.get(text_id) if type(text_id) is str else None
        if aggregate is None or line["id"] != aggregate.natural_id or kind.owner != aggregate.owner:
            aggregate = self._aggregate(kind, line)
        recorded_at = _recorded_at(line["recorded_at"])
        version = line["version"]
        if type(version) is not int or version < 1:
            raise InvalidInput(f"version must be a whole number from 1: {version!r}")
        actor = line["actor"]
        actor = _actor(actor if type(actor) is str else "")
        if version != aggregate.next_version or kind.creates != (version == 1):
            _refuse_sequence(aggregate, version, kind.creates)
        try:
            payload = kind.validate(line["payload"], strict=False, context=STORED_CONTEXT)
        except (ValidationError, ValueError, TypeError) as error:
            what = _describe(error, name)
            raise InvalidInput(f"aggregate {aggregate.uuid}, version {version}: {what}") from None
        data = kind.dump(payload, mode="json")
        special = kind.special
        for field in kind.personal:
            if data[field] is not None:
                special = True
        if special:
            self._keys_and_seals(kind, aggregate.uuid, data, recorded_at)
        state = self.mapper.encode_state(
            kind.event_class, recorded_at, actor, data, kind.originator_topic
        )
        aggregate.next_version = version + 1
        return aggregate.hex, version, kind.topic, state

    def _aggregate(self, kind: _EventType, line: dict[str, Any]) -> _Aggregate:
        """The line's aggregate, its id, natural id and type checked."""
        text, natural = str(line["aggregate"]), str(line["id"])
        known = self._aggregates.get(text)
        if known is None:
            try:
                uuid = UUID(text)
            except ValueError:
                raise InvalidInput(f"bad aggregate id {text!r}") from None
            _check_id(kind.owner, natural, uuid)
            known = self._aggregates[text] = _Aggregate(uuid, uuid.hex, natural, kind.owner, 1)
        elif kind.owner != known.owner:
            raise InvalidInput(
                f"aggregate {known.uuid} is a {KINDS[known.owner]}, not a {kind.kind}"
            )
        elif natural != known.natural_id:
            _check_id(kind.owner, natural, known.uuid)
        return known

    def _keys_and_seals(
        self, kind: _EventType, aggregate: UUID, data: dict[str, Any], recorded_at: datetime
    ) -> None:
        """A key made for a person registered here (before their values are
        sealed), a forgotten person noted, and personal values sealed by the mapper."""
        if kind.registers:
            key = self.keys.reserve(aggregate, data["employee_id"])
            if key is not None:
                self.new_keys.append(key)
        elif kind.forgets:
            self.forgotten.append((aggregate, recorded_at.isoformat()))
        self.mapper.seal(kind.event_class, aggregate, data)


def _check_fields(line: object) -> None:
    if not isinstance(line, dict):
        raise InvalidInput("not a JSON object")
    missing = [f for f in FIELDS if f not in line]
    if missing:
        raise InvalidInput(f"missing field {missing[0]!r}")


def _refuse_sequence(aggregate: _Aggregate, version: int, creates: bool) -> NoReturn:
    where = f"aggregate {aggregate.uuid}, version {version}"
    exists = aggregate.next_version > 1
    if creates == exists:
        what = "is created twice" if exists else "has no creating event before"
        raise InvalidInput(f"{where}: the aggregate {what}")
    raise InvalidInput(f"{where}: the aggregate's next version is {aggregate.next_version}")


_TYPES: dict[str, _EventType] = {}  # the types met so far, by name


def _event_type(name: object) -> _EventType:
    if not isinstance(name, str):
        raise InvalidInput(f"unknown event type {name!r}")
    owner, _, event = name.partition(".")
    if owner not in MODULES or not event.isidentifier():
        raise InvalidInput(f"unknown event type {name!r}")
    try:
        event_class = resolve_topic(f"{MODULES[owner]}:{name}")
    except (TopicError, ValueError, AttributeError, ImportError):
        raise InvalidInput(f"unknown event type {name!r}") from None
    if not (isinstance(event_class, type) and issubclass(event_class, CanMutateAggregate)):
        raise InvalidInput(f"unknown event type {name!r}")
    creates = issubclass(event_class, CanInitAggregate)
    model = payload_type(event_class)  # type: ignore[arg-type]  # classes are hashable
    topic, dump, _ = write_shape(event_class)  # type: ignore[arg-type]
    registers, forgets = event_class is Person.Registered, event_class is Person.Forgotten
    pairs = creates and owner == "Mentorship"  # the mapper notes whom its notes are about
    kind = _TYPES[name] = _EventType(
        event_class=event_class,
        validate=model.__pydantic_validator__.validate_python,
        dump=dump,
        topic=topic,
        personal=event_shape(event_class)[2],  # type: ignore[arg-type]
        special=registers or forgets or pairs,
        kind=KINDS[owner],
        owner=owner,
        creates=creates,
        originator_topic=f"{MODULES[owner]}:{owner}" if creates else None,
        registers=registers,
        forgets=forgets,
    )
    return kind


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
