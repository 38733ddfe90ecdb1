"""How events are stored: an orjson transcoder and a mapper for pydantic payloads.

A stored event's state is JSON:
`{"timestamp": ISO-8601 UTC, "actor": str, "payload": {...},
  "originator_topic"?: str, "class_version"?: int}`.
Event classes may declare `class_version` and `upcast_vN_vM(state)` static
methods; the mapper applies them before validating the payload.
"""

from __future__ import annotations

import typing
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import TopicError, get_topic, resolve_topic
from pydantic import BaseModel, ValidationError

from domain.errors import DamagedStore


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


@cache
def payload_type(event_class: type) -> type[BaseModel]:
    hints = typing.get_type_hints(event_class)
    payload = hints["payload"]
    assert isinstance(payload, type) and issubclass(payload, BaseModel), event_class
    return payload


class PayloadMapper(Mapper[Any]):
    """Maps events whose fields are `actor` and a pydantic `payload`."""

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        fields = vars(domain_event)
        state: dict[str, Any] = {
            "timestamp": fields["timestamp"].isoformat(),
            "actor": fields["actor"],
            "payload": fields["payload"].model_dump(mode="json"),
        }
        if "originator_topic" in fields:
            state["originator_topic"] = fields["originator_topic"]
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        data = self.transcoder.encode(state)
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=data,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        """The event; `DamagedStore`, naming it, if the stored event does not read back."""
        try:
            return self._to_domain_event(stored_event)
        except (TopicError, ValueError, KeyError, TypeError, AttributeError) as error:
            what = _describe(error, stored_event.topic)
        raise DamagedStore(
            f"the store is damaged: aggregate {stored_event.originator_id}, "
            f"version {stored_event.originator_version}: {what}"
        )

    def _to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[Any]:
        event_class = resolve_topic(stored_event.topic)
        data = stored_event.state
        if self.cipher:
            data = self.cipher.decrypt(data)
        if self.compressor:
            data = self.compressor.decompress(data)
        state = self.transcoder.decode(data)
        from_version = state.pop("class_version", 1)
        to_version = getattr(event_class, "class_version", 1)
        while from_version < to_version:
            getattr(event_class, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        originator_id = stored_event.originator_id
        if isinstance(originator_id, str):
            originator_id = UUID(originator_id)
        fields = {
            "originator_id": originator_id,
            "originator_version": stored_event.originator_version,
            "timestamp": datetime.fromisoformat(state["timestamp"]),
            "actor": state["actor"],
            "payload": payload_type(event_class).model_validate(state["payload"], strict=False),
        }
        if "originator_topic" in state:
            fields["originator_topic"] = state["originator_topic"]
        event = object.__new__(event_class)
        object.__setattr__(event, "__dict__", fields)
        return typing.cast(DomainEventProtocol[Any], event)


def _describe(error: Exception, topic: str) -> str:
    """What is wrong with a stored event, in a few words (errors come from decoding)."""
    kind = topic.rpartition(".")[2] or topic
    if isinstance(error, TopicError):
        return f"unknown event type {topic!r}"
    if isinstance(error, orjson.JSONDecodeError):
        return "its state is not valid JSON"
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "payload"
        if first["type"] == "missing":
            return f"{kind} event has no field {field!r}"
        return f"{kind} event field {field!r} is invalid: {first['msg']} (got {first['input']!r})"
    if isinstance(error, KeyError):
        return f"{kind} event has no field {error.args[0]!r}"
    return f"{kind} event cannot be read ({error})"
