"""Reading the event log and its hash chain page by page, and writing seals a
page at a time, on either store.

A mixin for the sealing recorders (`domain.store_sqlite`, `domain.store_postgres`):
they give the SQL dialect (`_rows`, `_insert_seals`, the position column, table
names), this gives `domain.chain` its streams and look-ups. Never the whole log
in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from domain.chain import GENESIS, EventRow, Recorded, Seal, SealRow, seal_rows

PAGE = 2_000  # rows per query, as domain.event_lines reads the log
BEFORE_ALL = -(2**63)  # positions are 1, 2, 3...; a row put before them is still read
SEAL_COLUMNS = "position, originator_id, originator_version, state_hash, stamp, link"
StoredRow = tuple[str, int, str, bytes]
"""An event as a batch appends it: aggregate id in hex (as SQLite and the chain
keep it), version, topic, state."""


class ChainReading:
    """Queries are written with `?` placeholders; `_rows` adapts them."""

    position_column: str  # the events table's column that holds the log position

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _events_table(self) -> str:
        raise NotImplementedError

    def _chain_table(self) -> str:
        raise NotImplementedError

    def has_chain(self) -> bool:
        """Whether the chain table exists (a store from before sealing, opened
        read-only, has none: nothing is created by a query)."""
        raise NotImplementedError

    def _insert_seals(self, cursor: Any, seals: Sequence[SealRow]) -> None:
        raise NotImplementedError

    def _seal_in_pages(
        self,
        cursor: Any,
        previous: bytes,
        events: Iterable[EventRow],
        insert: Callable[[Any, Sequence[SealRow]], None] | None = None,
    ) -> bytes:
        """Seals `events` (in log order) after the link `previous`, a page at a time,
        so that a large import holds no second copy of itself; the last link.
        The seals are written by `insert` (default `_insert_seals`)."""
        insert = insert or self._insert_seals
        rest = iter(events)
        while page := list(islice(rest, PAGE)):
            seals = seal_rows(previous, page)
            insert(cursor, seals)
            previous = seals[-1][-1]
        return previous

    def _aggregate_key(self, originator_id: str) -> Any:
        """An aggregate id (32 hex digits) as the events table holds it."""
        return originator_id

    # Streams, for walking the whole log.

    def log_end(self) -> int:
        rows = self._rows(f"SELECT MAX({self.position_column}) FROM {self._events_table()}")
        return int(rows[0][0] or 0)

    def chain_end(self) -> int:
        """The last sealed position (0: nothing sealed, or no chain table)."""
        if not self.has_chain():
            return 0
        rows = self._rows(f"SELECT MAX(position) FROM {self._chain_table()}")
        return int(rows[0][0] or 0)

    def events_from(self, after: int, stop: int) -> Iterator[Recorded]:
        """The events with positions in (after, stop], in order, a page at a time."""
        where = f"{self.position_column} > ? AND {self.position_column} <= ?"
        while page := self._events_where(where, (after, stop), PAGE):
            yield from page
            after = page[-1].position

    def seals_from(self, after: int, stop: int) -> Iterator[Seal]:
        if not self.has_chain():
            return
        while page := self._seals_where("position > ? AND position <= ?", (after, stop), PAGE):
            yield from page
            after = page[-1].position

    # Look-ups, for diagnosing a broken link and for checking one aggregate.

    def event_at(self, position: int) -> Recorded | None:
        found = self._events_where(f"{self.position_column} = ?", (position,), 1)
        return found[0] if found else None

    def seal_at(self, position: int) -> Seal | None:
        found = self._seals_where("position = ?", (position,), 1)
        return found[0] if found else None

    def link_before(self, position: int) -> bytes:
        rows = self._rows(
            f"SELECT link FROM {self._chain_table()} WHERE position < ? "
            "ORDER BY position DESC LIMIT 1",
            (position,),
        )
        return bytes(rows[0][0]) if rows else GENESIS

    def seal_position_of(self, originator_id: str, version: int) -> int | None:
        rows = self._rows(
            f"SELECT position FROM {self._chain_table()} "
            "WHERE originator_id = ? AND originator_version = ? ORDER BY position LIMIT 1",
            (originator_id, version),
        )
        return int(rows[0][0]) if rows else None

    def seal_position_with_state(self, state_hash: bytes, other_than: int) -> int | None:
        rows = self._rows(
            f"SELECT position FROM {self._chain_table()} "
            "WHERE state_hash = ? AND position <> ? ORDER BY position LIMIT 1",
            (state_hash, other_than),
        )
        return int(rows[0][0]) if rows else None

    def aggregate_positions(self, originator_id: str) -> list[int]:
        """Where one aggregate's events are now, and where its seals say they were."""
        rows = self._rows(
            f"SELECT {self.position_column} FROM {self._events_table()} WHERE originator_id = ?",
            (self._aggregate_key(originator_id),),
        )
        if self.has_chain():
            rows += self._rows(
                f"SELECT position FROM {self._chain_table()} WHERE originator_id = ?",
                (originator_id,),
            )
        return sorted({int(row[0]) for row in rows})

    def _events_where(self, where: str, params: Sequence[Any], limit: int) -> list[Recorded]:
        rows = self._rows(
            f"SELECT {self.position_column}, originator_id, originator_version, topic, state "
            f"FROM {self._events_table()} WHERE {where} "
            f"ORDER BY {self.position_column} LIMIT ?",
            (*params, limit),
        )
        return [Recorded(int(p), hex_id(o), int(v), t, bytes(s)) for p, o, v, t, s in rows]

    def _seals_where(self, where: str, params: Sequence[Any], limit: int) -> list[Seal]:
        rows = self._rows(
            f"SELECT {SEAL_COLUMNS} FROM {self._chain_table()} WHERE {where} "
            "ORDER BY position LIMIT ?",
            (*params, limit),
        )
        return [Seal(int(p), o, int(v), bytes(h), s, bytes(k)) for p, o, v, h, s, k in rows]


def hex_id(originator_id: Any) -> str:
    """An aggregate id as 32 lower-case hex digits (how SQLite and the chain keep it)."""
    if isinstance(originator_id, UUID):
        return originator_id.hex
    text = str(originator_id)
    if len(text) == 32:  # SQLite's column already: skip parsing a UUID per event
        return text.lower()
    return UUID(text).hex


def stored_rows(stored_events: Iterable[StoredEvent]) -> list[StoredRow]:
    """Stored events as a batch appends them: each id converted once, for the
    insert and the seals alike."""
    return [(hex_id(s.originator_id), s.originator_version, s.topic, s.state)
            for s in stored_events]  # fmt: skip
