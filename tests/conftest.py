"""Fixtures shared by every layer: the backend of a test's store, and throw-away
PostgreSQL databases.

A test that asks (directly or through a fixture) for `ledger_backend` runs once
on SQLite and once on PostgreSQL, unless it is marked `sqlite_only` (it is about
the SQLite file itself, or a PostgreSQL limitation keeps it there).

PostgreSQL tests skip, with the reason, when no server answers; CI sets
MENTORSHIP_REQUIRE_POSTGRES=1 and then an unreachable server fails them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import POSTGRES_ADMIN, PostgresDatabases, PostgresServer, Stores, admin_connection


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test on `ledger_backend` runs on SQLite and PostgreSQL, unless it is
    marked `sqlite_only`."""
    if "ledger_backend" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        params = ["sqlite"] if only_sqlite else ["sqlite", "postgres"]
        metafunc.parametrize("ledger_backend", params, indirect=True)


@pytest.fixture
def ledger_backend(request: pytest.FixtureRequest) -> str:
    """The backend, "sqlite" or "postgres", of the test's store (see pytest_generate_tests)."""
    return str(request.param)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The test server, whose throw-away databases are dropped after the session."""
    try:
        admin = admin_connection()
    except Exception as error:  # any failure to connect means "no server here"
        reason = f"PostgreSQL not reachable at {POSTGRES_ADMIN}: {error}".splitlines()[0]
        if os.environ.get("MENTORSHIP_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"MENTORSHIP_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    with admin:
        server = PostgresServer(admin)
        try:
            yield server
        finally:
            server.drop_all()


@pytest.fixture
def postgres_databases(postgres_server: PostgresServer) -> Iterator[PostgresDatabases]:
    """Empty databases for one test (`.new()`), emptied again after it."""
    databases = PostgresDatabases(postgres_server)
    try:
        yield databases
    finally:
        databases.give_back_all()


@pytest.fixture
def postgres_store(postgres_databases: PostgresDatabases) -> str:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    return postgres_databases.new()


@pytest.fixture
def stores(request: pytest.FixtureRequest, ledger_backend: str, tmp_path: Path) -> Stores:
    """The test's named stores on its backend (see `Stores`)."""
    databases = None
    if ledger_backend == "postgres":
        databases = request.getfixturevalue("postgres_databases")
    return Stores(ledger_backend, tmp_path, databases)
