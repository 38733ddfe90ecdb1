"""The ledger as it stood at a past moment: views built from the events recorded by then.

Which events had been recorded by time T is a prefix of the log, and this
module reads exactly that prefix: it stops at the first event whose recorded
time (its `timestamp`) is after T, rather than skipping that event and reading on.

Why a prefix, and why stopping is right even though timestamps are not
monotonic in log order: an event's timestamp is taken when the command builds
it, before the write that stores it; two writers can build events in one order
and store them in the other, and `import --events` keeps the original times
in the original order. But notification ids are given in commit order (the
SQLite write lock; a table lock on PostgreSQL), and an event is stored after
its timestamp. So an event after one stamped later than T was stored after T
too, even if its own stamp is earlier: skipping only the late-stamped events
would show things nobody could have seen at T, and could show a meeting whose
pairing is not there. A prefix is also always a log the projections can read.

Each aggregate's events in the prefix are its versions 1..n (versions are
stored in order), so counting events per aggregate gives the version at which
`show` and `history` read an aggregate as known at T.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

import orjson
from eventsourcing.persistence import ApplicationRecorder

from projections.db import ViewDatabase
from projections.runner import PAGE_SIZE, ViewRunner
from projections.source import Row, read_page

_STAMP = b'{"timestamp":"'  # how the mapper starts every stored state


def recorded_at(state: bytes) -> datetime:
    """When a stored event was recorded, read from its JSON state (see domain/mapper.py)."""
    if state.startswith(_STAMP):  # the usual layout: no need to decode the payload
        end = state.index(b'"', len(_STAMP))
        text = state[len(_STAMP) : end].decode()
    else:
        text = orjson.loads(state)["timestamp"]
    stamp = datetime.fromisoformat(text)
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


class KnownLog:
    """Pages of the log up to the first event recorded after `until` (a source for
    `ViewRunner`), counting each aggregate's events on the way."""

    def __init__(self, recorder: ApplicationRecorder, until: datetime) -> None:
        self.recorder = recorder
        self.until = until
        self.versions: Counter[str] = Counter()  # aggregate (32 hex digits) -> events
        self.events = 0
        self._ended = False

    def read_page(self, after: int, limit: int) -> Sequence[Row]:
        if self._ended:
            return []
        page = read_page(self.recorder, after, limit)
        kept: list[Row] = []
        for row in page:
            if recorded_at(row[3]) > self.until:
                self._ended = True
                break
            kept.append(row)
            self.versions[row[1]] += 1
        self.events += len(kept)
        return kept

    def version(self, aggregate_id: UUID) -> int:
        """The aggregate's latest version recorded by `until`; 0 if not yet recorded."""
        return self.versions.get(aggregate_id.hex, 0)


def known_views(
    recorder: ApplicationRecorder, until: datetime, page_size: int = PAGE_SIZE
) -> tuple[ViewRunner, KnownLog]:
    """Views in memory holding what had been recorded by `until`.

    They are private to this query and need only reads, so a busy or read-only
    store answers the same; the store's own views are left as they are."""
    log = KnownLog(recorder, until)
    memory = ViewDatabase.in_memory_for(recorder)
    runner = ViewRunner(recorder, page_size, memory, source=log.read_page)
    runner.catch_up()
    return runner, log
