"""An import's steps, kept on disk and read back in the order things happened.

A CSV import runs every row's commands sorted by date across all its files;
held in memory, the steps of a million-row export took about a gigabyte
(about 1.1 KB a step as closures). They are spooled instead into a private
SQLite file in a temporary directory, which sorts them on disk and is
deleted when the import ends, so an import's memory does not grow with its rows.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

BUFFERED = 10_000  # steps held before they are written to the spool
Step = tuple[int, int, str, list[Any]]  # file, line, kind, arguments


class StepSpool:
    """`add` steps with their sort key; `in_order` yields them by (day, rank, added)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="mentorship-import-")
        self._db = sqlite3.connect(Path(self._folder.name) / "steps.db", isolation_level=None)
        # A scratch file, deleted afterwards: durability would only cost time.
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(
            "CREATE TABLE steps (seq INTEGER PRIMARY KEY, day INTEGER, rank INTEGER, "
            "file INTEGER, line INTEGER, kind TEXT, args BLOB)"
        )
        self._buffer: list[tuple[int, int, int, int, str, bytes]] = []
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(
        self, day: int, rank: int, file: int, line: int, kind: str, args: tuple[Any, ...]
    ) -> None:
        """A step; `args` must be JSON values (dates as ordinals)."""
        self._buffer.append((day, rank, file, line, kind, orjson.dumps(args)))
        self._count += 1
        if len(self._buffer) >= BUFFERED:
            self._flush()

    def in_order(self) -> Iterator[Step]:
        self._flush()
        cursor = self._db.execute(
            "SELECT file, line, kind, args FROM steps ORDER BY day, rank, seq"
        )
        while page := cursor.fetchmany(BUFFERED):
            for file, line, kind, args in page:
                yield file, line, kind, orjson.loads(args)

    def close(self) -> None:
        self._db.close()
        self._folder.cleanup()

    def __enter__(self) -> StepSpool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _flush(self) -> None:
        if self._buffer:
            with self._db:  # one transaction: without it, every row commits alone
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT INTO steps (day, rank, file, line, kind, args) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    self._buffer,
                )
            self._buffer = []
