"""How events are stored: an orjson transcoder and a mapper for pydantic payloads.

A stored event's state is JSON:
`{"timestamp": ISO-8601 UTC, "actor": str, "payload": {...},
  "originator_topic"?: str, "class_version"?: int}`.
Event classes may declare `class_version` and `upcast_vN_vM(state)` static
methods; the mapper applies them before validating the payload.

Personal fields (`domain.events.personal_fields`) are sealed on the way in with
the key ring (`domain.keys`) attached as `keys`: a person's own events under
their key, a pairing's notes under both people's. On the way out they are
opened, or read as `vocabulary.ERASED` once a key was destroyed. Every other
field stays plain JSON, which the projections read without this mapper.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
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
from domain.events import STORED_CONTEXT, personal_fields
from domain.keys import KeyRing, is_sealed
from domain.vocabulary import ERASED


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        # A copy of its own size: the bytes orjson returns keep its whole 4 KB
        # buffer, so a batch's chunk of 5,000 stored events held 20 MB.
        return bytes(memoryview(orjson.dumps(obj)))

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)


@cache
def payload_type(event_class: type) -> type[BaseModel]:
    hints = typing.get_type_hints(event_class)
    payload = hints["payload"]
    assert isinstance(payload, type) and issubclass(payload, BaseModel), event_class
    return payload


@cache
def event_shape(event_class: type) -> tuple[str, bool, tuple[str, ...]]:
    """The aggregate an event class belongs to, whether it creates it, and its
    personal fields."""
    owner = event_class.__qualname__.partition(".")[0]
    creates = any(base.__name__ == "Created" for base in event_class.__mro__)
    return owner, creates, tuple(personal_fields(payload_type(event_class)))


@cache
def write_shape(event_class: type) -> tuple[str, Callable[..., Any], bool]:
    """What storing an event of this class needs, worked out once per class: its
    topic, payload serialiser, and whether the key ring sees it (it holds
    personal fields, or it pairs two people)."""
    owner, creates, personal = event_shape(event_class)
    serializer = payload_type(event_class).__pydantic_serializer__
    sealing = bool(personal) or (creates and owner == "Mentorship")
    return get_topic(event_class), serializer.to_python, sealing


class PayloadMapper(Mapper[Any]):
    """Maps events whose fields are `actor` and a pydantic `payload`."""

    keys: KeyRing | None = None  # attached by the application (or an export)

    def to_stored_event(self, domain_event: DomainEventProtocol[Any]) -> StoredEvent:
        event_class = type(domain_event)
        topic, dump, sealing = write_shape(event_class)
        fields = vars(domain_event)
        payload = dump(fields["payload"], mode="json")
        if sealing:
            self.seal(event_class, domain_event.originator_id, payload)
        data = self.encode_state(
            event_class, fields["timestamp"], fields["actor"], payload,
            fields.get("originator_topic"),
        )  # fmt: skip
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=topic,
            state=data,
        )

    def encode_state(
        self,
        event_class: type,
        timestamp: datetime,
        actor: str,
        payload: dict[str, Any],
        originator_topic: str | None,
    ) -> bytes:
        """The stored state of an event whose payload is already in JSON form (and
        sealed): the one place that writes the state's layout."""
        state: dict[str, Any] = {
            # orjson writes a datetime as isoformat() does, four times as fast.
            "timestamp": timestamp,
            "actor": actor,
            "payload": payload,
        }
        if originator_topic is not None:
            state["originator_topic"] = originator_topic
        class_version = getattr(event_class, "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        data = self.transcoder.encode(state)
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return data

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
        payload = state["payload"]
        self._open(event_class, originator_id, payload)
        fields = {
            "originator_id": originator_id,
            "originator_version": stored_event.originator_version,
            "timestamp": datetime.fromisoformat(state["timestamp"]),
            "actor": state["actor"],
            "payload": payload_type(event_class).model_validate(
                payload, strict=False, context=STORED_CONTEXT
            ),
        }
        if "originator_topic" in state:
            fields["originator_topic"] = state["originator_topic"]
        event = object.__new__(event_class)
        object.__setattr__(event, "__dict__", fields)
        return typing.cast(DomainEventProtocol[Any], event)


    def seal(self, event_class: type, aggregate: UUID, payload: dict[str, Any]) -> None:
        """Seals the personal fields of a payload in JSON form, in place."""
        keys = self.keys
        if keys is None:
            return
        owner, creates, personal = event_shape(event_class)
        if creates and owner == "Mentorship":
            keys.note_pairing(aggregate, payload["mentor"], payload["mentee"])
        values = [f for f in personal if payload.get(f) is not None and payload[f] != ERASED]
        if not values:
            return
        if owner == "Person":
            if creates:  # the application creates keys in bulk; this covers the rest
                keys.create([(aggregate, payload["employee_id"])])
            people: tuple[UUID, ...] = (aggregate,)
        else:
            people = keys.pairing_people(aggregate)
        for field in values:
            payload[field] = keys.seal(payload[field], people)

    def _open(self, event_class: type, aggregate: UUID, payload: dict[str, Any]) -> None:
        owner, creates, personal = event_shape(event_class)
        keys = self.keys
        if creates and owner == "Mentorship" and keys is not None:
            keys.note_pairing(aggregate, payload["mentor"], payload["mentee"])
        for field in personal:
            value = payload.get(field)
            if isinstance(value, str) and is_sealed(value):
                if keys is None:
                    raise AssertionError("a sealed value needs the store's key ring")
                payload[field] = keys.open(value)


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
