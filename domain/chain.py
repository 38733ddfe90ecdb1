"""The tamper-evident hash chain over the event log: sealing and checking.

Each event, in log order, gets a link: SHA-256 over a version tag, the previous
event's link (32 zero bytes before the first) and the event's canonical
encoding: its position, aggregate id, version, topic and stored state bytes
(which hold its timestamp, actor and payload), each length-prefixed so that no
two different events encode alike. The last link, the head, vouches for the
whole log before it. A seal keeps, besides the link, the event's aggregate,
version, state hash and timestamp: not needed for the proof, but they let a
broken link say what happened (moved, replaced, swapped, re-timed...).

Pure: works on plain values, so that it is tested on lists; the recorders in
`domain.store_sqlite` and `domain.store_postgres` keep the seals in a table.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from hashlib import sha256
from itertools import chain
from typing import NamedTuple, Protocol

from domain.errors import DamagedStore

GENESIS = bytes(32)  # the link "before" the first event
TAG = b"mentorship-ledger chain v1\x00"  # changes if the encoding ever does
_HEADER = struct.Struct(">qqIII")  # position, version, lengths of id, topic, state
_STAMP = b'{"timestamp":"'  # how domain.mapper's plain JSON state begins


class Recorded(NamedTuple):
    """An event as the store holds it; `originator_id` as 32 lower-case hex digits.
    (Named tuples, here and for seals: sealing builds one per recorded event.)"""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


class Seal(NamedTuple):
    """One row of the chain table, columns in order: the link of the event at `position`."""

    position: int
    originator_id: str
    originator_version: int
    state_hash: bytes
    stamp: str | None
    link: bytes


class Lookups(Protocol):
    """What diagnosing a broken link needs to look up elsewhere in the store."""

    def seal_position_of(self, originator_id: str, version: int) -> int | None: ...

    def seal_position_with_state(self, state_hash: bytes, other_than: int) -> int | None: ...

    def event_at(self, position: int) -> Recorded | None: ...


def canonical(event: Recorded) -> bytes:
    position, originator_id, version, topic, state = event
    aggregate, kind = originator_id.encode(), topic.encode()
    header = _HEADER.pack(position, version, len(aggregate), len(kind), len(state))
    return b"".join((header, aggregate, kind, state))


def link_of(previous: bytes, event: Recorded) -> bytes:
    return sha256(b"".join((TAG, previous, canonical(event)))).digest()


def stamp_of(state: bytes) -> str | None:
    """The timestamp of a plain JSON state (None for any other state, e.g. encrypted)."""
    if not state.startswith(_STAMP):
        return None
    end = state.find(b'"', len(_STAMP))
    return state[len(_STAMP) : end].decode(errors="replace") if end > 0 else None


def seal(previous: bytes, events: Iterable[Recorded]) -> list[Seal]:
    """The seals of `events` (in log order) after the link `previous`."""
    return [Seal._make(row) for row in seal_rows(previous, events)]


SealRow = tuple[int, str, int, bytes, str | None, bytes]  # a Seal's fields, in order
EventRow = tuple[int, str, int, str, bytes]  # a Recorded's fields, in order


def seal_rows(previous: bytes, events: Iterable[EventRow]) -> list[SealRow]:
    """`seal` as plain tuples, for the write paths, where every microsecond per event
    shows: `link_of`, `canonical` and `stamp_of` are inlined."""
    rows: list[SealRow] = []
    append, pack, skip = rows.append, _HEADER.pack, len(_STAMP)
    for position, originator_id, version, topic, state in events:
        end = state.find(b'"', skip) if state.startswith(_STAMP) else -1
        stamp = state[skip:end].decode(errors="replace") if end > 0 else None
        aggregate, kind = originator_id.encode(), topic.encode()
        header = pack(position, version, len(aggregate), len(kind), len(state))
        link = sha256(b"".join((TAG, previous, header, aggregate, kind, state))).digest()
        append((position, originator_id, version, sha256(state).digest(), stamp, link))
        previous = link
    return rows


def check_follows(last_sealed: int, first_new: int) -> None:
    """New events must come after the last seal: SQLite reuses the position of a
    deleted last event, and a seal already names it."""
    if first_new <= last_sealed:
        raise DamagedStore(
            f"the log is broken at event {first_new}: it was sealed before and its event "
            "is gone; run mentorship verify"
        )


@dataclass(frozen=True)
class Verdict:
    """What a check found: `broken` is (position, what is wrong) or None."""

    events: int
    sealed: int
    head: bytes | None
    broken: tuple[int, str] | None = None
    expected_at: int | None = None  # position whose link is the expected head


def check_log(
    events: Iterable[Recorded], seals: Iterable[Seal], lookups: Lookups, expect: bytes | None = None
) -> Verdict:
    """Walks the whole log and its chain side by side, both in position order,
    up to the first broken link. A store with no seal at all (written only
    before sealing existed) is not broken: its events are not sealed yet. Once
    any event is sealed, every event must be (the first write seals them all)."""
    seal_iter = iter(seals)
    first = next(seal_iter, None)
    if first is None:  # a store from before sealing, never written since
        return Verdict(sum(1 for _ in events), 0, None)
    counted = sealed = 0
    previous, expected_at = GENESIS, None
    for position, event, found in _side_by_side(events, chain([first], seal_iter)):
        counted += event is not None
        problem = check_one(position, event, found, previous, lookups)
        if problem is not None:
            return Verdict(counted, sealed, None, (position, problem), expected_at)
        assert found is not None
        previous, sealed = found.link, sealed + 1
        if previous == expect:
            expected_at = position
    return Verdict(counted, sealed, previous, None, expected_at)


def check_positions(
    positions: Sequence[int], lookups: Lookups, seal_at: SealAt, link_before: LinkBefore
) -> tuple[int, str] | None:
    """Checks the events and seals at `positions` (one aggregate's), each against
    the link before it: the first problem as (position, what), or None."""
    for position in sorted(set(positions)):
        problem = check_one(
            position, lookups.event_at(position), seal_at(position), link_before(position), lookups
        )
        if problem is not None:
            return position, problem
    return None


class SealAt(Protocol):
    def __call__(self, position: int, /) -> Seal | None: ...


class LinkBefore(Protocol):
    def __call__(self, position: int, /) -> bytes: ...


def check_one(
    position: int, event: Recorded | None, found: Seal | None, previous: bytes, lookups: Lookups
) -> str | None:
    """What is wrong with the event at `position` (None: its link holds)."""
    if event is None:
        assert found is not None
        return f"it was deleted (it was {_name(found.originator_id, found.originator_version)})"
    if found is None:
        return "it was inserted: it has no seal"
    if link_of(previous, event) == found.link:
        return None
    if (event.originator_id, event.originator_version) != (
        found.originator_id,
        found.originator_version,
    ):
        return _moved(event, found, lookups)
    state_hash = sha256(event.state).digest()
    if state_hash != found.state_hash:
        return _changed(event, found, state_hash, lookups)
    return "its topic or its seal was changed"


def _moved(event: Recorded, found: Seal, lookups: Lookups) -> str:
    now = _name(event.originator_id, event.originator_version)
    elsewhere = lookups.seal_position_of(event.originator_id, event.originator_version)
    if elsewhere is not None:
        return f"the rows were reordered: it holds {now}, sealed as event {elsewhere}"
    was = _name(found.originator_id, found.originator_version)
    return f"the row was replaced: it holds {now}, but {was} was sealed here"


def _changed(event: Recorded, found: Seal, state_hash: bytes, lookups: Lookups) -> str:
    other = lookups.seal_position_with_state(state_hash, event.position)
    if other is not None:
        there = lookups.event_at(other)
        if there is not None and sha256(there.state).digest() == found.state_hash:
            return f"its payload was swapped with event {other}'s"
        return f"its payload was copied from event {other}"
    now = stamp_of(event.state)
    if found.stamp is None or now is None:
        return "its stored state was changed"
    if now == found.stamp:
        return "its payload or actor was changed"
    restored = event.state.replace(_STAMP + now.encode(), _STAMP + found.stamp.encode(), 1)
    if sha256(restored).digest() == found.state_hash:
        return f"its timestamp was changed from {found.stamp} to {now}"
    return f"its timestamp (from {found.stamp} to {now}) and its payload were changed"


def _name(originator_id: str, version: int) -> str:
    from uuid import UUID

    try:
        shown = str(UUID(originator_id))
    except ValueError:  # a tampered id need not be one
        shown = repr(originator_id)
    return f"aggregate {shown} version {version}"


def _side_by_side(
    events: Iterable[Recorded], seals: Iterable[Seal]
) -> Iterator[tuple[int, Recorded | None, Seal | None]]:
    """Merges two position-ordered streams: (position, event or None, seal or None)."""
    event_iter, seal_iter = iter(events), iter(seals)
    event, found = next(event_iter, None), next(seal_iter, None)
    while event is not None or found is not None:
        at = min(x.position for x in (event, found) if x is not None)
        here = event if event is not None and event.position == at else None
        sealed = found if found is not None and found.position == at else None
        yield at, here, sealed
        if here is not None:
            event = next(event_iter, None)
        if sealed is not None:
            found = next(seal_iter, None)
