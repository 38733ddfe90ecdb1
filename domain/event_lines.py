"""The event log as JSON Lines, for `mentorship export events` and `import --events`.

One event per line:
`{"position", "aggregate", "version", "kind", "id", "type", "on", "recorded_at",
  "actor", "payload"}` (see docs/import.md). Written through the application's
mapper, so payloads are upcast on the way out; `domain.log_restore` reads the
lines back, through the mapper too.

Personal values are exported opened: plaintext for people who are still known
(an export is a backup, to be kept as safely as the key table), `[erased]` for
people who were forgotten. On import they are sealed again under new keys, and
an imported `Forgotten` event destroys the new key at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import CanInitAggregate
from eventsourcing.persistence import ApplicationRecorder, Mapper, StoredEvent

from domain.errors import DamagedStore
from domain.keys import keyring_for
from domain.mapper import PayloadMapper

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
