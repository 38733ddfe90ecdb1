"""Turns a page of stored events into one batch of writes to the view tables.

Events are decoded straight from their JSON state (no pydantic models) because
replay speed matters. Writes are grouped by kind; writes.py applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from domain.vocabulary import Topic
from projections.damage import BadEvent, UnknownType, describe
from projections.db import Cursor
from projections.totals import Recount
from projections.writes import PairingKeys, apply_batch

MET = Topic.MET
DOMAIN = "domain."  # every event type of ours; other topics are not the views' business
# Event types of ours that the views skip on purpose: a person's record of their
# pairings repeats what the pairing events already say, and a forgotten person's
# values need no change (views hold them sealed, as the events do: they read as
# erased once the key is gone; see domain/keys.py).
IGNORED: frozenset[str] = frozenset(
    {Topic.PERSON_PAIRING_JOINED, Topic.PERSON_PAIRING_RESUMED, Topic.PERSON_FORGOTTEN}
)


@dataclass
class Batch:
    people: list[tuple[Any, ...]] = field(default_factory=list)
    profile_changes: list[tuple[Any, ...]] = field(default_factory=list)
    departures: list[tuple[Any, ...]] = field(default_factory=list)
    programs: list[tuple[Any, ...]] = field(default_factory=list)
    closures: list[tuple[Any, ...]] = field(default_factory=list)
    pairings: list[tuple[Any, ...]] = field(default_factory=list)
    meetings: list[tuple[Any, ...]] = field(default_factory=list)
    reversals: list[tuple[str, str]] = field(default_factory=list)
    endings: list[tuple[Any, ...]] = field(default_factory=list)
    retractions: list[tuple[str, int]] = field(default_factory=list)
    latest_on: str = ""

    def add(self, topic: str, state: dict[str, Any], originator: str) -> None:
        payload = state["payload"]
        on = payload.get("on")
        if on is not None and on > self.latest_on:
            self.latest_on = on
        handler = _HANDLERS.get(topic)
        if handler is not None:
            handler(self, payload, state, originator)
        elif topic.startswith(DOMAIN) and topic not in IGNORED:
            raise UnknownType(topic)

    def apply(
        self, cursor: Cursor, keys: PairingKeys, recount_later: Recount | None = None
    ) -> None:
        apply_batch(self, cursor, keys, recount_later)


Handler = Callable[[Batch, dict[str, Any], dict[str, Any], str], None]


def _registered(b: Batch, p: dict[str, Any], state: dict[str, Any], person: str) -> None:
    b.people.append(
        (
            p["employee_id"],
            person,
            p["name"],
            p.get("email"),
            p.get("level"),
            p.get("department"),
            p.get("joined_on"),
            state["timestamp"][:10],
        )
    )


def _profile(b: Batch, p: dict[str, Any], _: dict[str, Any], person: str) -> None:
    # The payload holds only what changed: coalesce() keeps the other fields.
    b.profile_changes.append(
        (
            p.get("name"),
            p.get("email"),
            p.get("level"),
            p.get("department"),
            p.get("joined_on"),
            person,
        )
    )


def _left(b: Batch, p: dict[str, Any], _: dict[str, Any], person: str) -> None:
    b.departures.append((p["on"], p.get("reason"), person))


def _launched(b: Batch, p: dict[str, Any], _: dict[str, Any], program: str) -> None:
    b.programs.append((p["slug"], program, p["name"], p["cadence_days"], p["on"]))


def _closed(b: Batch, p: dict[str, Any], _: dict[str, Any], program: str) -> None:
    b.closures.append((p["on"], program))


def _paired(b: Batch, p: dict[str, Any], _: dict[str, Any], pairing: str) -> None:
    b.pairings.append((pairing, p["program"], p["mentor"], p["mentee"], p["direction"], p["on"]))


def _reversed(b: Batch, p: dict[str, Any], _: dict[str, Any], pairing: str) -> None:
    b.reversals.append((pairing, p["on"]))


def _ended(b: Batch, p: dict[str, Any], _: dict[str, Any], pairing: str) -> None:
    b.endings.append((p["on"], p["reason"], pairing))


def _reopened(b: Batch, p: dict[str, Any], _: dict[str, Any], pairing: str) -> None:
    # Applied in log order with the endings: the pairing is as if never ended.
    b.endings.append((None, None, pairing))


def _retracted(b: Batch, p: dict[str, Any], _: dict[str, Any], pairing: str) -> None:
    b.retractions.append((pairing, p["meeting"]))


_HANDLERS: dict[str, Handler] = {
    Topic.PERSON_REGISTERED: _registered,
    Topic.PERSON_PROFILE_UPDATED: _profile,
    Topic.PERSON_LEFT: _left,
    Topic.PROGRAM_LAUNCHED: _launched,
    Topic.PROGRAM_CLOSED: _closed,
    Topic.PAIRED: _paired,
    Topic.ROLES_REVERSED: _reversed,
    Topic.ENDED: _ended,
    Topic.MEETING_RETRACTED: _retracted,
    Topic.REOPENED: _reopened,
}


def build_batch(rows: Iterable[tuple[int, str, str | None, bytes]]) -> Batch:
    """`rows` are (notification id, originator id as 32 hex digits, topic, state);
    a meeting's topic may be None (see source.py).

    Raises `BadEvent`, naming the event, for one that cannot be read.
    """
    batch = Batch()
    loads = orjson.loads
    meetings = batch.meetings.append
    latest = ""
    # Meetings are nearly every event in a mature store; they are handled inline
    # because a function call per event costs a tenth of the replay's budget.
    # Their totals are added up where they are written (totals.py), or counted
    # there in SQL. One try around the loop costs nothing per event; the loop
    # variables then name the event that failed.
    try:
        for notification_id, pairing, topic, state in rows:  # noqa: B007 (read below)
            data = loads(state)
            if topic is not None and topic != MET:
                batch.add(topic, data, pairing)
                continue
            payload = data["payload"]
            on = payload["on"]
            meetings((pairing, payload["number"], on, payload["minutes"]))
            if on > latest:
                latest = on
    except (UnknownType, ValueError, KeyError, TypeError, AttributeError) as error:
        raise BadEvent(notification_id, pairing, describe(error, topic or MET)) from None
    if latest > batch.latest_on:
        batch.latest_on = latest
    return batch

