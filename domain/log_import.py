"""`import --events`: an exported log back into an empty store, all or nothing.

The file is read a chunk of lines at a time; each line becomes the row the
events table holds (`domain.log_restore`), and each chunk is stored, with the
keys made for the people it registers, in the one transaction of a unit of
work, which commits at the end: an error (a bad line names its file and line
number) or a killed process leaves the store as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from contextlib import closing, nullcontext
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast
from uuid import UUID

from domain import unit_of_work
from domain.chain_reader import StoredRow
from domain.errors import InvalidInput, LedgerError, NotAllowed
from domain.key_table import NewKey
from domain.keys import KeyRing
from domain.log_restore import LogRestorer
from domain.log_worker import chunks_from_worker
from domain.mapper import PayloadMapper

if TYPE_CHECKING:
    from domain.application import MentorshipLedger

Progress = Callable[[int, int], None]  # bytes read so far, of the file's size
Chunks = Generator["Chunk", None, None]
WORKER_MIN_BYTES = 8_000_000  # about 25,000 events: below, starting a worker costs more


@dataclass
class Chunk:
    """A chunk of a log as rows, the keys made for the people it registers, the
    people it forgets (id, when), and how far into the file it ends."""

    rows: list[StoredRow] = field(default_factory=list)
    keys: list[NewKey] = field(default_factory=list)
    forgotten: list[tuple[UUID, str]] = field(default_factory=list)
    read: int = 0


def import_log(
    ledger: MentorshipLedger,
    path: Path,
    progress: Progress | None = None,
    *,
    in_worker: bool | None = None,
    dry_run: bool = False,
) -> int:
    """Stores the events of the log at `path` in `ledger`'s empty store; how many
    (`dry_run`: checks every line as for storing it, and stores nothing). A large
    log is read by a worker process (`domain.log_worker`; `in_worker` decides
    instead of its size)."""
    held = ledger.recorder.max_notification_id() or 0
    if held:
        raise NotAllowed(
            f"store {ledger.store} already has {held} events; import --events needs an empty store"
        )
    size = path.stat().st_size
    if in_worker is None:
        in_worker = size >= WORKER_MIN_BYTES and _plain(ledger.payload_mapper)
    known = ledger.keys.known()
    if in_worker:
        source = cast(Chunks, chunks_from_worker(path, known, unit_of_work.CHUNK_EVENTS))
    else:
        ring = KeyRing.offline(known)
        mapper = copy(ledger.payload_mapper)
        mapper.keys = ring
        source = chunks(LogRestorer(mapper, ring), path)
    # Nothing reads the store while the batch writes (the keys are all known
    # now, in an offline ring), so the batch may take it for itself.
    batch = nullcontext(None) if dry_run else ledger.unit_of_work(alone=True)
    count = 0
    with batch as work, closing(source):
        for chunk in source:
            if work is not None:
                work.store(chunk.rows, chunk.keys, chunk.forgotten)
            count += len(chunk.rows)
            if progress is not None:
                progress(chunk.read, size)
    return count


def _plain(mapper: PayloadMapper) -> bool:
    """Whether the worker's own mapper (JSON, personal fields sealed) writes
    states as this one does: no compressor or cipher configured."""
    return mapper.compressor is None and mapper.cipher is None


def chunks(restorer: LogRestorer, path: Path, size: int | None = None) -> Chunks:
    """The log at `path` as chunks of `size` rows (default: a unit of work's),
    each line checked; `InvalidInput` naming the file and line of the first bad one."""
    size = size or unit_of_work.CHUNK_EVENTS
    chunk = Chunk()
    row = restorer.row
    with path.open("rb") as file:
        for number, text in enumerate(file, start=1):
            chunk.read += len(text)
            if not text.strip():
                continue
            try:
                chunk.rows.append(row(text))
            except LedgerError as error:
                raise InvalidInput(f"{path}:{number}: {error}") from None
            if len(chunk.rows) >= size:
                yield _taken(chunk, restorer)
                chunk = Chunk(read=chunk.read)
    yield _taken(chunk, restorer)


def _taken(chunk: Chunk, restorer: LogRestorer) -> Chunk:
    """The chunk, with what the restorer made for it since the last one."""
    chunk.keys, restorer.new_keys = restorer.new_keys, []
    chunk.forgotten, restorer.forgotten = restorer.forgotten, []
    return chunk
