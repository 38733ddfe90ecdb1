"""Naming the damage when a store was tampered with or corrupted.

The views read events straight from their JSON, so a bad event shows up here
as a KeyError or a decoding error; the user gets one line naming the event
(its position in the log, its aggregate and version) instead of a traceback.
"""

from __future__ import annotations

from uuid import UUID

import orjson
from eventsourcing.persistence import ApplicationRecorder

from domain.errors import DamagedStore
from projections.source import event_version


class BadEvent(Exception):
    """A stored event the views cannot read."""

    def __init__(self, notification_id: int, originator: str, what: str) -> None:
        super().__init__(what)
        self.notification_id = notification_id
        self.originator = originator
        self.what = what


class UnknownType(Exception):
    """An event type of ours (a `domain.` topic) that the views do not know."""


def describe(error: Exception, topic: str) -> str:
    """What is wrong with an event whose decoding raised `error`."""
    if isinstance(error, UnknownType):
        return f"unknown event type {topic!r}"
    if isinstance(error, orjson.JSONDecodeError):
        return "its state is not valid JSON"
    kind = topic.rpartition(".")[2] or topic
    if isinstance(error, KeyError):
        return f"{kind} event has no field {error.args[0]!r}"
    return f"{kind} event has a field of the wrong type ({error})"


def damaged_event(recorder: ApplicationRecorder, bad: BadEvent) -> DamagedStore:
    version = event_version(recorder, bad.notification_id)
    where = f"aggregate {UUID(hex=bad.originator)}"
    if version is not None:
        where += f", version {version}"
    return DamagedStore(
        f"the store is damaged: event {bad.notification_id} ({where}): {bad.what}"
    )


def out_of_step(first: int, last: int, error: Exception, *, from_start: bool) -> DamagedStore:
    """Applying events first..last broke a view's constraint (a duplicate row)."""
    detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
    if from_start:  # the views were empty: the events themselves contradict each other
        return DamagedStore(
            f"the store is damaged: events {first}-{last} contradict earlier events ({detail})"
        )
    return DamagedStore(
        f"the store is damaged: the views are out of step with the event log "
        f"(applying events {first}-{last}: {detail}); run mentorship replay to rebuild them"
    )
