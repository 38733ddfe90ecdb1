"""The stores of the tests, on either backend (imported by name: `conftest` is
ambiguous when several test folders have one)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

POSTGRES_ADMIN = os.environ.get(
    "MENTORSHIP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)


def admin_connection():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)


class PostgresServer:
    """The test server's throw-away databases, kept for the whole session: a test
    borrows empty databases and gives them back emptied. Dropping a database takes
    most of a second, emptying one a hundredth, and some tests use several."""

    def __init__(self, admin: Any) -> None:
        self.admin = admin  # an autocommit connection to POSTGRES_ADMIN
        self.base = POSTGRES_ADMIN.rsplit("/", 1)[0]  # the server's URL without a database
        self.created: list[str] = []
        self.free: list[str] = []
        self.public_schema: dict[str, list[str]] = {}  # url -> how to recreate it

    def _connect(self, url: str) -> Any:
        import psycopg

        return psycopg.connect(url, autocommit=True, connect_timeout=3)

    def borrow(self) -> str:
        """The URL of an empty database."""
        if self.free:
            return self.free.pop()
        name = f"mentorship_test_{uuid.uuid4().hex[:12]}"
        self.admin.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        url = f"{self.base}/{name}"
        with self._connect(url) as connection:
            self.public_schema[url] = _public_schema_as_created(connection)
        return url

    def empty(self, url: str) -> None:
        """Empties a borrowed database: tables, functions, triggers and all. Whatever
        is still connected to it (a leaked connection, a killed worker) is cut off."""
        name = url.rsplit("/", 1)[1]
        self.admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        with self._connect(url) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            for statement in self.public_schema[url]:
                connection.execute(statement)

    def give_back(self, url: str) -> None:
        try:
            self.empty(url)
        except Exception:  # not reusable: drop it instead
            name = url.rsplit("/", 1)[1]
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.created.remove(name)
        else:
            self.free.append(url)

    def drop_all(self) -> None:
        for name in self.created:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _public_schema_as_created(connection: Any) -> list[str]:
    """The statements that recreate the `public` schema of a new database with its
    owner and privileges (a role granted only USAGE must still be able to read)."""
    owner, grants = connection.execute(
        "SELECT nspowner::regrole::text, "
        "  (SELECT coalesce(array_agg(CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
        "     ELSE a.grantee::regrole::text END || ' ' || a.privilege_type), '{}') "
        "   FROM aclexplode(n.nspacl) a WHERE a.grantee <> n.nspowner) "
        "FROM pg_namespace n WHERE nspname = 'public'"
    ).fetchone()
    statements = ["CREATE SCHEMA public", f"ALTER SCHEMA public OWNER TO {owner}"]
    for grant in grants:
        grantee, privilege = grant.rsplit(" ", 1)
        statements.append(f"GRANT {privilege} ON SCHEMA public TO {grantee}")
    return statements


class PostgresDatabases:
    """The databases one test borrowed from the `PostgresServer`; all are given
    back, emptied, after the test."""

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.borrowed: list[str] = []

    def new(self) -> str:
        """The URL of an empty database of the test's own."""
        self.borrowed.append(self.server.borrow())
        return self.borrowed[-1]

    def empty(self, url: str) -> None:
        self.server.empty(url)

    def give_back_all(self) -> None:
        for url in self.borrowed:
            self.server.give_back(url)
        self.borrowed.clear()


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
