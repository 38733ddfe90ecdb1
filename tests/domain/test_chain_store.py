"""Every way the recorders insert events seals them, on SQLite and PostgreSQL:
the recorder's own `insert_events` (a command's save), PostgreSQL's path for
very large batches, and the unit of work's chunked writer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from domain.bulk_write import BulkWriter
from domain.chain import check_log
from domain.chain_reader import BEFORE_ALL, ChainReading
from projections.source import open_recorder

TOPIC = "domain.mentorship:Mentorship.Met"


def events(count: int) -> list[StoredEvent]:
    aggregate = uuid4()
    return [
        StoredEvent(
            aggregate, version, TOPIC, b'{"timestamp":"2026-01-0%dT09:00:00+00:00"}' % version
        )
        for version in range(1, count + 1)
    ]


@pytest.fixture(params=["sqlite", "postgres"])
def recorder(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ChainReading]:
    store = (
        str(tmp_path / "s.db")
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_store")
    )
    opened = open_recorder(store)
    assert isinstance(opened, ChainReading)
    yield opened
    opened.datastore.close()  # type: ignore[attr-defined]


def verdict(recorder: ChainReading) -> tuple[object, int, int]:
    stop = recorder.log_end()
    found = check_log(
        recorder.events_from(BEFORE_ALL, stop), recorder.seals_from(BEFORE_ALL, stop), recorder
    )
    return found.broken, found.events, found.sealed


def test_insert_events_seals(recorder: ChainReading) -> None:
    recorder.insert_events(events(3))  # type: ignore[attr-defined]
    recorder.insert_events(events(2))  # type: ignore[attr-defined]

    assert verdict(recorder) == (None, 5, 5)


def test_postgresql_s_path_for_large_batches_seals(
    recorder: ChainReading, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("domain.store_postgres.PIPELINE_LIMIT", 2)  # SQLite has one path

    recorder.insert_events(events(5))  # type: ignore[attr-defined]

    assert verdict(recorder) == (None, 5, 5)


def test_the_chunked_writer_seals_every_chunk(recorder: ChainReading) -> None:
    recorder.insert_events(events(1))  # type: ignore[attr-defined]
    writer = BulkWriter(recorder)  # type: ignore[arg-type]
    for _ in range(3):
        writer.write(events(4))
    writer.commit()

    assert verdict(recorder) == (None, 13, 13)
