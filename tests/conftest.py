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
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

POSTGRES_ADMIN = os.environ.get(
    "MENTORSHIP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


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


def _admin_connection():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)


class PostgresDatabases:
    """Creates empty databases on the test server; `drop_all` drops every one."""

    def __init__(self, admin: Any) -> None:
        self.admin = admin
        self.base = POSTGRES_ADMIN.rsplit("/", 1)[0]  # the server's URL without a database
        self.created: list[str] = []

    def new(self) -> str:
        """The URL of a new, empty database."""
        name = f"mentorship_test_{uuid.uuid4().hex[:12]}"
        self.admin.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return f"{self.base}/{name}"

    def empty(self, url: str) -> None:
        """Empties a database made by `new` again: tables, functions, triggers and
        all (its users must have closed their connections)."""
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=3) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")

    def drop_all(self) -> None:
        for name in self.created:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_databases() -> Iterator[PostgresDatabases]:
    """Makes throw-away databases for one test; all are dropped afterwards."""
    try:
        admin = _admin_connection()
    except Exception as error:  # any failure to connect means "no server here"
        reason = f"PostgreSQL not reachable at {POSTGRES_ADMIN}: {error}".splitlines()[0]
        if os.environ.get("MENTORSHIP_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"MENTORSHIP_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    with admin:
        databases = PostgresDatabases(admin)
        try:
            yield databases
        finally:
            databases.drop_all()


@pytest.fixture
def postgres_store(postgres_databases: PostgresDatabases) -> str:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    return postgres_databases.new()


class Stores:
    """Named stores of the test's backend: `stores("a.db")` is a file in tmp_path
    on SQLite, a new database on PostgreSQL; the same name gives the same store.

    `fresh()` forgets them all, so that a Hypothesis example starts from empty
    stores: on SQLite, later names are files in a new folder; on PostgreSQL, the
    databases are emptied and reused, as creating databases per example is slow.
    """

    def __init__(self, backend: str, folder: Path, databases: PostgresDatabases | None) -> None:
        self.backend = backend
        self.root = folder
        self.folder = folder
        self.databases = databases
        self.named: dict[str, str] = {}
        self.spare: list[str] = []  # emptied databases, for the next names
        self.rounds = 0

    def __call__(self, name: str = "ledger.db") -> str:
        if name not in self.named:
            if self.databases is None:
                self.named[name] = str(self.folder / name)
            else:
                self.named[name] = self.spare.pop() if self.spare else self.databases.new()
        return self.named[name]

    def fresh(self) -> None:
        """Every name gives an empty store again (close their connections first)."""
        if self.databases is None:
            self.rounds += 1
            self.folder = self.root / f"round-{self.rounds}"
            self.folder.mkdir()
        else:
            for url in self.named.values():
                self.databases.empty(url)
                self.spare.append(url)
        self.named.clear()


@pytest.fixture
def stores(request: pytest.FixtureRequest, ledger_backend: str, tmp_path: Path) -> Stores:
    """The test's named stores on its backend (see `Stores`)."""
    databases = None
    if ledger_backend == "postgres":
        databases = request.getfixturevalue("postgres_databases")
    return Stores(ledger_backend, tmp_path, databases)
