"""The floors the benchmark compares with: the same rows written and read by the
bare database drivers, with nothing of Mentorship Ledger in between.

* write floor: one transaction inserting the source store's stored-event rows
  into an empty table of the same schema (SQLite: `executemany`; PostgreSQL:
  COPY, the fastest bulk path of each driver); and the same with each event's
  seal of the hash chain (worked out beforehand) inserted into a table of the
  chain's schema, which every write of the ledger also does;
* read floor: a plain read of every stored event plus its JSON decode.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import orjson

from domain.bulk_write import BATCH_CACHE_KIB

Row = tuple[str, int, str, bytes]
SealRow = tuple[int, str, int, bytes, str | None, bytes]
CHUNK = 5_000


def sqlite_rows(store: Path) -> list[Row]:
    with sqlite3.connect(store) as connection:
        return connection.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "ORDER BY rowid"
        ).fetchall()


def seals_of(rows: list[Row]) -> list[SealRow]:
    """The rows' seals at positions 1, 2, 3..., worked out before a floor is timed."""
    from domain.chain import GENESIS, seal_rows

    seals: list[SealRow] = []
    previous = GENESIS
    for start in range(0, len(rows), CHUNK):
        chunk = [(start + n + 1, *row) for n, row in enumerate(rows[start : start + CHUNK])]
        seals += seal_rows(previous, chunk)
        previous = seals[-1][-1]
    return seals


CHAIN = (  # as the stores create it: table name, then the types of position and hashes
    "CREATE TABLE {0} (position {1} PRIMARY KEY, originator_id text NOT NULL, "
    "originator_version bigint NOT NULL, state_hash {2} NOT NULL, stamp text, link {2} NOT NULL)"
)


def sqlite_write(rows: list[Row], scratch: Path, seals: list[SealRow] | None = None) -> float:
    """Events per second of the bare insert into a new SQLite file (rollback
    journal and page cache as the store's batches into an empty store:
    domain.store_sqlite.write_alone), with `seals` into a chain table if given."""
    scratch.unlink(missing_ok=True)
    connection = sqlite3.connect(scratch, isolation_level=None)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.execute(f"PRAGMA cache_size = -{BATCH_CACHE_KIB}")  # as the ledger's batches
    connection.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, "
        "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    if seals is not None:
        connection.execute(CHAIN.format("chain", "INTEGER", "BLOB"))
    started = time.perf_counter()
    connection.execute("BEGIN")
    for start in range(0, len(rows), CHUNK):
        connection.executemany(
            "INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows[start : start + CHUNK]
        )
        if seals is not None:
            connection.executemany(
                "INSERT INTO chain VALUES (?, ?, ?, ?, ?, ?)", seals[start : start + CHUNK]
            )
    connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return len(rows) / seconds


def sqlite_read(store: Path) -> float:
    """Events per second of a plain read plus JSON decode, best of three."""
    best = 0.0
    for _ in range(3):
        connection = sqlite3.connect(store)
        started = time.perf_counter()
        count = 0
        rows = connection.execute("SELECT rowid, originator_id, topic, state FROM stored_events")
        for row in rows:
            orjson.loads(row[3])
            count += 1
        best = max(best, count / (time.perf_counter() - started))
        connection.close()
    return best


def postgres_write(rows: list[Row], url: str, seals: list[SealRow] | None = None) -> float:
    """Events per second of a bare psycopg COPY (its fastest bulk path, which the
    ledger's batches use too) into a table of the store's shape, in one
    transaction; with `seals` copied into a chain table if given."""
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute(
            "CREATE TABLE floor_events (originator_id uuid, originator_version integer, "
            "topic text, state bytea, notification_id bigserial, "
            "PRIMARY KEY (originator_id, originator_version))"
        )
        connection.execute(CHAIN.format("floor_chain", "bigint", "bytea"))
        connection.commit()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY floor_events (originator_id, originator_version, topic, state) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            if seals is not None:
                with cursor.copy("COPY floor_chain FROM STDIN") as copy:
                    for seal in seals:
                        copy.write_row(seal)
        connection.commit()
        seconds = time.perf_counter() - started
        connection.execute("DROP TABLE floor_events")
        connection.execute("DROP TABLE floor_chain")
        connection.commit()
    return len(rows) / seconds


def postgres_read(url: str) -> float:
    """Events per second of a plain server-side-cursor read plus JSON decode
    (of the table eventsourcing names after the application)."""
    import psycopg

    with psycopg.connect(url) as connection, connection.cursor(name="floor") as cursor:
        started = time.perf_counter()
        cursor.itersize = CHUNK
        cursor.execute(
            "SELECT notification_id, originator_id, topic, state FROM mentorshipledger_events"
        )
        count = 0
        row: Any
        for row in cursor:
            orjson.loads(row[3])
            count += 1
        return count / (time.perf_counter() - started)
