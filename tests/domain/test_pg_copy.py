"""Rows packed in PostgreSQL's binary COPY format (domain/pg_copy.py) read back
from a real server as the values they were made from."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain import pg_copy

AGGREGATE = UUID("12345678-1234-5678-1234-567812345678")
EVENTS = [
    (AGGREGATE.hex, 1, "domain.person:Person.Registered", b'{"timestamp":"x"}'),
    (AGGREGATE.hex, 2, "domain.person:Person.LeftOrganisation", b""),
]
SEALS = [
    (7, AGGREGATE.hex, 1, bytes(range(32)), "2026-01-01T09:00:00+00:00", b"\xff" * 32),
    (8, AGGREGATE.hex, 2, bytes(32), None, b"\x00\x01"),
]


def copied(url: str, columns: str, data: bytes) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute(f"CREATE TEMPORARY TABLE t ({columns})")
        with connection.cursor() as cursor:
            with cursor.copy("COPY t FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)
            cursor.execute("SELECT * FROM t")
            return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                    for row in cursor.fetchall()]  # fmt: skip


@pytest.mark.parametrize(
    ("id_type", "as_uuid", "shown"), [("uuid", True, AGGREGATE), ("text", False, str(AGGREGATE))]
)
def test_events_read_back_with_their_id_as_uuid_or_text(
    postgres_store: str, id_type: str, as_uuid: bool, shown: object
) -> None:
    columns = f"originator_id {id_type}, originator_version bigint, topic text, state bytea"

    rows = copied(postgres_store, columns, pg_copy.events(EVENTS, as_uuid))

    assert rows == [(shown, version, topic, state) for _, version, topic, state in EVENTS]


def test_seals_read_back_with_a_missing_stamp_as_null(postgres_store: str) -> None:
    columns = (
        "position bigint, originator_id text, originator_version bigint, "
        "state_hash bytea, stamp text, link bytea"
    )

    assert copied(postgres_store, columns, pg_copy.seals(SEALS)) == SEALS


def test_no_rows_is_an_empty_copy(postgres_store: str) -> None:
    columns = "originator_id uuid, originator_version bigint, topic text, state bytea"

    assert copied(postgres_store, columns, pg_copy.events([])) == []
