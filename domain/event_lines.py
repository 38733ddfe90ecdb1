"""The event log as JSON Lines, for `mentorship export events` and `import --events`.

One event per line:
`{"position", "aggregate", "version", "kind", "id", "type", "on", "recorded_at",
  "actor", "payload"}` (see docs/import.md). Both directions go through the
application's mapper, so payloads are upcast on the way out and validated by
their pydantic models on the way in.

Personal values are exported opened: plaintext for people who are still known
(an export is a backup, to be kept as safely as the key table), `[erased]` for
people who were forgotten. On import they are sealed again under new keys, and
an imported `Forgotten` event destroys the new key at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import CanInitAggregate, CanMutateAggregate, DomainEventProtocol
from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent
from eventsourcing.utils import resolve_topic

from domain import validation
from domain.errors import DamagedStore, InvalidInput, LedgerError
from domain.keys import keyring_for
from domain.mapper import PayloadMapper
from domain.person import person_id
from domain.program import program_id

PAGE = 2_000  # events read per query: the whole log is never in memory
MODULES = {
    "Person": "domain.person",
    "Program": "domain.program",
    "Mentorship": "domain.mentorship",
}
KINDS = {"Person": "person", "Program": "program", "Mentorship": "pairing"}
FIELDS = (
    *("position", "aggregate", "version", "kind", "id", "type", "on", "recorded_at"),
    *("actor", "payload"),
)


def export_lines(recorder: ApplicationRecorder, mapper: Mapper[Any]) -> Iterator[bytes]:
    """The whole log, a page of encoded lines at a time, in recording order."""
    if isinstance(mapper, PayloadMapper) and mapper.keys is None:  # a query's own mapper
        mapper.keys = keyring_for(recorder)
    names: dict[UUID, str] = {}  # aggregate -> employee id, slug or pairing id
    start = 1
    while page := recorder.select_notifications(start, PAGE):
        yield b"".join(_line(n.id, n, mapper, names) for n in page)
        start = page[-1].id + 1


def _line(position: int, stored: StoredEvent, mapper: Mapper[Any], names: dict[UUID, str]) -> bytes:
    event: Any = mapper.to_domain_event(stored)
    owner, _, name = type(event).__qualname__.partition(".")
    aggregate: UUID = event.originator_id
    payload = event.payload.model_dump(mode="json")
    if isinstance(event, CanInitAggregate):
        natural = {"Person": payload.get("employee_id"), "Program": payload.get("slug")}
        names[aggregate] = natural.get(owner) or str(aggregate)
    if aggregate not in names:
        what = "its first event is missing"
        raise DamagedStore(f"the store is damaged: aggregate {aggregate}: {what}")
    line = {
        "position": position,
        "aggregate": str(aggregate),
        "version": event.originator_version,
        "kind": KINDS[owner],
        "id": names[aggregate],
        "type": f"{owner}.{name}",
        "on": payload.get("on"),
        "recorded_at": event.timestamp.isoformat(),
        "actor": event.actor,
        "payload": payload,
    }
    return orjson.dumps(line) + b"\n"


def read_line(text: bytes, mapper: Mapper[Any]) -> DomainEventProtocol[UUID]:
    """The event on one exported line; `InvalidInput` saying what is wrong with it."""
    try:
        line = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise InvalidInput("not a JSON object") from None
    if not isinstance(line, dict):
        raise InvalidInput("not a JSON object")
    missing = [f for f in FIELDS if f not in line]
    if missing:
        raise InvalidInput(f"missing field {missing[0]!r}")
    owner, _, name = str(line["type"]).partition(".")
    if owner not in MODULES or not name.isidentifier():
        raise InvalidInput(f"unknown event type {line['type']!r}")
    if line["kind"] != KINDS[owner]:
        raise InvalidInput(f"kind {line['kind']!r} does not match type {line['type']!r}")
    topic = f"{MODULES[owner]}:{line['type']}"
    try:
        event_class = resolve_topic(topic)
        aggregate = UUID(str(line["aggregate"]))
        recorded_at = datetime.fromisoformat(str(line["recorded_at"]))
    except (ValueError, AttributeError, ImportError):
        raise InvalidInput("unknown event type, bad aggregate id or bad recorded_at") from None
    if not (isinstance(event_class, type) and issubclass(event_class, CanMutateAggregate)):
        raise InvalidInput(f"unknown event type {line['type']!r}")
    if recorded_at.tzinfo is None:
        raise InvalidInput("recorded_at has no time zone")
    version = line["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidInput(f"version must be a whole number from 1: {version!r}")
    _actor(line["actor"] if isinstance(line["actor"], str) else "")
    _check_id(owner, str(line["id"]), aggregate)
    state = {"timestamp": line["recorded_at"], "actor": line["actor"], "payload": line["payload"]}
    if issubclass(event_class, CanInitAggregate):  # as the mapper stores a creating event
        state["originator_topic"] = f"{MODULES[owner]}:{owner}"
    stored = StoredEvent(aggregate, version, topic, mapper.transcoder.encode(state))
    try:
        return mapper.to_domain_event(stored)
    except DamagedStore as error:  # names the event and the field at fault
        raise InvalidInput(str(error).removeprefix("the store is damaged: ")) from None


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
