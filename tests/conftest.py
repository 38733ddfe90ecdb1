"""Fixtures shared by every layer: a throw-away PostgreSQL database.

PostgreSQL tests skip, with the reason, when no server answers; CI sets
MENTORSHIP_REQUIRE_POSTGRES=1 and then an unreachable server fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

POSTGRES_ADMIN = os.environ.get(
    "MENTORSHIP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


def _admin_connection():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)


@pytest.fixture
def postgres_store() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    try:
        admin = _admin_connection()
    except Exception as error:  # any failure to connect means "no server here"
        reason = f"PostgreSQL not reachable at {POSTGRES_ADMIN}: {error}".splitlines()[0]
        if os.environ.get("MENTORSHIP_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"MENTORSHIP_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    name = f"mentorship_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        base = POSTGRES_ADMIN.rsplit("/", 1)[0]
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
