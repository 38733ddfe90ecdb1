"""PostgreSQL stores through the real command line: connection failures name
their cause, a missing postgres extra names the extra, a lock held by another
session is waited for only MENTORSHIP_LOCK_TIMEOUT, a query never creates
tables, and a role that may only SELECT still gets answers.

Commands that must run as another role, or without psycopg, run in a
subprocess (`python -m cli`); the rest use CliRunner in this process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from cli_helpers import CLEAN_ENV, one_error_line
from click.testing import CliRunner, Result
from eventsourcing.postgres import PostgresDatastore

from cli.main import cli

QUICK = {"MENTORSHIP_LOCK_TIMEOUT": "1", "MENTORSHIP_ACTOR": "carol"}
BUSY = "Error: the store is busy: another process held a lock for 1 s; try again"
EVENTS = "mentorshipledger_events"


def invoke(store: str, *args: str) -> Result:
    runner = CliRunner(env={**CLEAN_ENV, **QUICK})
    return runner.invoke(cli, ["--store", store, *args], catch_exceptions=True)


def succeeded(store: str, *args: str) -> Result:
    result = invoke(store, *args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def spawn(*args: str, code: str = "from cli.main import main; main()") -> subprocess.Popen[str]:
    env = {**os.environ, **QUICK}
    env.pop("MENTORSHIP_STORE", None)
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate()
    return process.returncode, out, err


def count(store: str, sql: str) -> int:
    with psycopg.connect(store) as connection:
        row = connection.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def store(postgres_store: str) -> str:
    """Two people and a program: 3 events, views not built yet."""
    succeeded(postgres_store, "person", "add", "E1", "--name", "Ada Lovelace", "--level", "7")
    succeeded(postgres_store, "person", "add", "E2", "--name", "Brian K", "--level", "3")
    succeeded(postgres_store, "program", "launch", "p-2020", "--name", "P", "--on", "2020-01-06")
    return postgres_store


def test_each_connection_failure_names_its_cause(postgres_store: str) -> None:
    # Each waits out the pool's 5 s connection timeout, so they run side by side.
    cases = {
        "postgresql://postgres@127.0.0.1:5432/no_such_db": (
            "cannot connect to PostgreSQL at 127.0.0.1:5432/no_such_db as postgres: "
            'database "no_such_db" does not exist'
        ),
        "postgresql://postgres@127.0.0.1:1/test": (
            "cannot connect to PostgreSQL at 127.0.0.1:1/test as postgres: Connection refused"
        ),
        "postgresql://postgres@no-such-host.invalid/test": (
            "cannot connect to PostgreSQL at no-such-host.invalid:5432/test as postgres: "
            "failed to resolve host 'no-such-host.invalid': [Errno -2] Name or service not known"
        ),
        "postgresql://nobody_here@127.0.0.1:5432/test": (
            "cannot connect to PostgreSQL at 127.0.0.1:5432/test as nobody_here: "
            'role "nobody_here" does not exist'
        ),
    }
    running = {url: spawn("--store", url, "people") for url in cases}

    outcomes = {url: finished(process) for url, process in running.items()}

    assert outcomes == {url: (1, "", f"Error: {line}\n") for url, line in cases.items()}


def test_a_store_that_fails_to_open_leaves_no_connection_pool_open(
    postgres_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Left to the garbage collector, a pool may be closed from one of its own
    # threads, which cannot join itself (a warning after some test runs).
    opened: list[PostgresDatastore] = []
    construct = PostgresDatastore.__init__

    def spy(self: PostgresDatastore, *args: Any, **kwargs: Any) -> None:
        opened.append(self)
        construct(self, *args, **kwargs)

    monkeypatch.setattr(PostgresDatastore, "__init__", spy)
    absent = f"{postgres_store.rsplit('/', 1)[0]}/mentorship_absent_db"

    for command in (("person", "add", "E1", "--name", "Ada"), ("people",)):  # ledger, views
        assert invoke(absent, *command).exit_code == 1, command

    assert len(opened) == 2
    assert [datastore.pool.closed for datastore in opened] == [True, True]


def test_a_postgresql_store_without_the_postgres_extra_is_one_line(postgres_store: str) -> None:
    without_psycopg = (
        "import sys; sys.modules['psycopg'] = sys.modules['psycopg_pool'] = None; "
        "from cli.main import main; main()"
    )

    outcome = finished(spawn("--store", postgres_store, "people", code=without_psycopg))

    assert outcome == (
        1,
        "",
        "Error: PostgreSQL stores need the postgres extra: "
        'pip install "mentorship-ledger[postgres]"\n',
    )


def test_a_query_on_an_empty_database_is_refused_and_creates_no_table(
    postgres_store: str,
) -> None:
    message = one_error_line(invoke(postgres_store, "people"))

    assert message == (
        f"Error: no store at {postgres_store}: create one by recording something "
        "(e.g. mentorship person add ...) or run mentorship demo"
    )
    tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    assert count(postgres_store, tables) == 0


@contextmanager
def session_holding(store: str, *statements: str) -> Iterator[None]:
    """Another session that holds the locks its statements take, until the block ends."""
    with psycopg.connect(store) as connection:
        for statement in statements:
            connection.execute(statement)
        try:
            yield
        finally:
            connection.rollback()


def test_a_writer_behind_a_locked_event_table_fails_busy_and_writes_nothing(store: str) -> None:
    with session_holding(store, f"LOCK TABLE {EVENTS} IN ACCESS EXCLUSIVE MODE"):
        result = invoke(store, "person", "add", "E3", "--name", "Grace")

    assert one_error_line(result) == BUSY
    assert count(store, f"SELECT count(*) FROM {EVENTS}") == 3


def test_a_writer_whose_views_are_locked_fails_busy_and_writes_nothing(store: str) -> None:
    succeeded(store, "pair", "--program", "p-2020", "--mentor", "E1", "--mentee", "E2",
              "--on", "2020-02-03")  # fmt: skip
    succeeded(store, "list")  # builds the views

    with session_holding(store, "LOCK TABLE view_tracking IN ACCESS EXCLUSIVE MODE"):
        result = invoke(store, "meet", "E1/E2", "--minutes", "30", "--on", "2020-02-10")

    assert one_error_line(result) == BUSY
    # 3, then Paired and PairingJoined on E1 and E2: no Met
    assert count(store, f"SELECT count(*) FROM {EVENTS}") == 6


def test_a_query_while_another_session_updates_the_views_answers_with_a_warning(
    store: str,
) -> None:
    succeeded(store, "people")
    succeeded(store, "person", "add", "E3", "--name", "Grace")

    with session_holding(store, "SELECT * FROM view_tracking FOR UPDATE"):
        result = invoke(store, "people", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["id", "E1", "E2"]
    assert result.stderr == (
        "Warning: the views are 1 event behind the log (the store is busy); "
        "these figures leave them out\n"
    )


def test_a_select_only_role_gets_answers_from_stale_views_with_a_warning(store: str) -> None:
    succeeded(store, "people")
    succeeded(store, "person", "add", "E3", "--name", "Grace")
    with _role(store) as reader:
        outcome = finished(spawn("--store", reader, "people", "--format", "csv"))

    code, out, err = outcome
    assert code == 0, err
    assert [line.split(",")[0] for line in out.splitlines()] == ["id", "E1", "E2"]
    assert err == (
        "Warning: the views are 1 event behind the log (the store is read-only for this "
        "user); these figures leave them out\n"
    )


def test_a_select_only_role_without_views_gets_them_built_in_memory(store: str) -> None:
    with _role(store) as reader:
        code, out, err = finished(spawn("--store", reader, "programs", "--format", "csv"))

    assert code == 0, err
    assert out.splitlines()[1].startswith("p-2020,P,30,2020-01-06,")
    assert err == (
        "Warning: the views are not in the store and cannot be created there (the store "
        "is read-only for this user); built them in memory from all 3 events\n"
    )


@contextmanager
def _role(store: str) -> Iterator[str]:
    """The store's URL for a new role that may only SELECT its tables (granted now,
    so it covers the view tables that exist at this point)."""
    role = f"reader_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(store, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        try:
            yield store.replace("postgres@", f"{role}@", 1)
        finally:
            admin.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")
