"""SQLite stores through the real root group: queries never create a store, a
busy store fails after the lock timeout in one line, and queries answer beside
a writer or on a read-only store, with a warning when their views are behind.

The store is locked by a second sqlite3 connection holding `BEGIN IMMEDIATE`
(what a writer does); MENTORSHIP_LOCK_TIMEOUT=1 keeps each wait to a second.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from cli_helpers import CLEAN_ENV, one_error_line
from click.testing import CliRunner, Result

from cli.main import cli

# File locks, read-only files and missing files are SQLite's; the PostgreSQL
# counterparts are in test_postgres_safety_cli.py.
pytestmark = pytest.mark.sqlite_only(reason="about SQLite file locks and read-only files")
QUICK = {"MENTORSHIP_LOCK_TIMEOUT": "1", "MENTORSHIP_ACTOR": "carol"}
BUSY = "Error: the store is busy: another process held a lock for 1 s; try again"
NOBODY = 65534
QUERIES = [
    ("people",),
    ("programs",),
    ("list",),
    ("show", "abcdef12"),
    ("history", "abcdef12"),
    ("retention",),
    ("engagement",),
    ("replay",),
]


def invoke(store: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner(env={**CLEAN_ENV, **QUICK, **(env or {})})
    return runner.invoke(cli, ["--store", str(store), *args], catch_exceptions=True)


def succeeded(store: Path, *args: str) -> Result:
    result = invoke(store, *args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def events(store: Path) -> int:
    with sqlite3.connect(store) as connection:
        return int(connection.execute("SELECT count(*) FROM stored_events").fetchone()[0])


@contextmanager
def writer_holding_the_lock(store: Path) -> Iterator[None]:
    connection = sqlite3.connect(store, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.rollback()
        connection.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Two people and a program (3 events); views not built yet."""
    path = tmp_path / "ledger.db"
    succeeded(path, "person", "add", "E1", "--name", "Ada Lovelace", "--level", "7")
    succeeded(path, "person", "add", "E2", "--name", "Brian K", "--level", "3")
    succeeded(path, "program", "launch", "p-2020", "--name", "P", "--on", "2020-01-06")
    return path


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q[0])
def test_a_query_on_a_missing_store_is_refused_and_creates_nothing(
    tmp_path: Path, query: tuple[str, ...]
) -> None:
    typo = tmp_path / "typo.db"

    message = one_error_line(invoke(typo, *query))

    assert message == (
        f"Error: no store at {typo}: create one by recording something "
        "(e.g. mentorship person add ...) or run mentorship demo"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("store_name", [":memory:", "file:ledger?mode=memory"])
def test_an_in_memory_store_is_refused_before_anything_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_name: str
) -> None:
    monkeypatch.chdir(tmp_path)

    result = invoke(Path(store_name), "person", "add", "E1", "--name", "Ada")

    assert one_error_line(result) == (
        f"Error: store {store_name!r} is an in-memory database, which keeps nothing: "
        "give a file path or a postgresql:// URL"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_new_store_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = tmp_path / "new.db"

    succeeded(store, "person", "add", "E1", "--name", "Ada")

    assert stat.S_IMODE(store.stat().st_mode) == 0o600


def test_a_writer_on_a_locked_store_fails_after_the_timeout_and_writes_nothing(
    store: Path,
) -> None:
    with writer_holding_the_lock(store):
        result = invoke(store, "person", "add", "E3", "--name", "Grace")

    assert one_error_line(result) == BUSY
    assert events(store) == 3


def test_a_writer_that_needs_the_views_fails_busy_too(store: Path) -> None:
    succeeded(store, "pair", "--program", "p-2020", "--mentor", "E1", "--mentee", "E2",
              "--on", "2020-02-03")  # fmt: skip

    with writer_holding_the_lock(store):
        result = invoke(store, "meet", "E1/E2", "--minutes", "30", "--on", "2020-02-10")

    assert one_error_line(result) == BUSY
    assert events(store) == 6  # 3, then Paired and PairingJoined on E1 and E2: no Met


def test_a_query_beside_a_writer_answers_from_up_to_date_views_without_a_warning(
    store: Path,
) -> None:
    succeeded(store, "people")  # builds the views

    with writer_holding_the_lock(store):
        result = invoke(store, "people", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["id", "E1", "E2"]
    assert result.stderr == ""


def test_a_query_beside_a_writer_answers_from_stale_views_with_one_warning(store: Path) -> None:
    succeeded(store, "people")
    succeeded(store, "person", "add", "E3", "--name", "Grace")  # not yet in the views

    with writer_holding_the_lock(store):
        result = invoke(store, "people", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["id", "E1", "E2"]
    assert result.stderr == (
        "Warning: the views are 1 event behind the log (the store is busy); "
        "these figures leave them out\n"
    )


def test_a_query_beside_a_writer_builds_missing_views_in_memory(store: Path) -> None:
    with writer_holding_the_lock(store):
        result = invoke(store, "programs", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("p-2020,P,30,2020-01-06,")
    assert result.stderr == (
        "Warning: the views are not in the store and cannot be created there "
        "(the store is busy); built them in memory from all 3 events\n"
    )
    with sqlite3.connect(store) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert "view_tracking" not in {row[0] for row in tables}


def test_a_query_beside_a_writer_builds_views_of_an_old_layout_in_memory(store: Path) -> None:
    succeeded(store, "people")
    with closing(sqlite3.connect(store)) as connection:
        connection.execute("UPDATE view_tracking SET schema_version = 1")
        connection.commit()

    with writer_holding_the_lock(store):
        result = invoke(store, "people", "--format", "csv")

    assert result.exit_code == 0, result.output
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["id", "E1", "E2"]
    assert result.stderr == (
        "Warning: the views are not in the store and cannot be created there "
        "(the store is busy); built them in memory from all 3 events\n"
    )


def _as_nobody(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs the command as the unprivileged user nobody. `setpriv` keeps root's
    capabilities only until the interpreter (under /root here) is executed."""
    drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    env = {"PATH": os.environ.get("PATH", ""), "MENTORSHIP_LOCK_TIMEOUT": "1"}
    return subprocess.run(
        [*drop, sys.executable, "-m", "cli", "--store", str(store), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=store.parent,
        check=False,
    )


def test_a_query_on_a_read_only_store_answers_from_stale_views_with_one_warning(
    store: Path,
) -> None:
    succeeded(store, "people")
    succeeded(store, "person", "add", "E3", "--name", "Grace")
    with read_only_fixture(store) as copy:
        result = _as_nobody(copy, "people", "--format", "csv")
        leftovers = sorted(p.name for p in copy.parent.iterdir())

    assert result.returncode == 0, result.stderr
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["id", "E1", "E2"]
    assert result.stderr == (
        "Warning: the views are 1 event behind the log (the store is read-only); "
        "these figures leave them out\n"
    )
    assert leftovers == ["ledger.db"]


def test_a_query_on_a_read_only_store_without_views_builds_them_in_memory(store: Path) -> None:
    with read_only_fixture(store) as copy:
        result = _as_nobody(copy, "list", "--format", "csv")
        people = _as_nobody(copy, "people", "--format", "csv")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("id,program,mentor,mentee,")
    assert result.stderr == (
        "Warning: the views are not in the store and cannot be created there "
        "(the store is read-only); built them in memory from all 3 events\n"
    )
    assert [line.split(",")[0] for line in people.stdout.splitlines()] == ["id", "E1", "E2"]


def test_a_writer_on_a_read_only_store_fails_in_one_line(store: Path) -> None:
    with read_only_fixture(store) as copy:
        result = _as_nobody(copy, "person", "add", "E3", "--name", "Grace")

    assert result.returncode == 1
    assert result.stderr == "Error: cannot use the store: attempt to write a readonly database\n"


@contextmanager
def read_only_fixture(store: Path) -> Iterator[Path]:
    """A copy of `store` that the unprivileged user nobody can read but not write:
    (the tests run as root, for whom no file is read-only)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the command as the unprivileged user nobody")
    directory = Path(tempfile.mkdtemp())
    try:
        directory.chmod(0o755)
        copy = directory / "ledger.db"
        with sqlite3.connect(store) as source, sqlite3.connect(copy) as target:
            source.backup(target)  # includes what is still in the write-ahead log
        copy.chmod(0o444)
        yield copy
    finally:
        shutil.rmtree(directory)
