"""`import --events` into an empty SQLite store takes the file for itself
(`domain.store_sqlite.write_alone`): a rollback journal while it writes, so that
each page is written once, and the write-ahead log again afterwards; the log as
usual when another connection has the file open, and for a CSV import, whose
commands read the store while the batch writes. A failed or killed import
leaves the file as it was either way."""

from __future__ import annotations

import sqlite3
import textwrap
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import invoke_root, one_error_line, run_killed

from domain.application import MentorshipLedger
from domain.bulk_write import BulkWriter

pytestmark = pytest.mark.sqlite_only(reason="about the SQLite file's journal")


EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


@pytest.fixture
def journal_modes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The journal mode of the batch's transaction, seen as each chunk of 50
    events is written (rows of a log, or events of commands). The batch's page
    cache is 64 KB, so its pages go into the file long before the commit: a
    read through another connection would then wait for the commit."""
    seen: list[str] = []

    def spying(write: Any) -> Any:
        def spy(self: BulkWriter, chunk: Any) -> None:
            cursor = self.cursor()
            cursor.execute("PRAGMA journal_mode")
            seen.append(cursor.fetchone()[0])
            write(self, chunk)

        return spy

    monkeypatch.setattr(BulkWriter, "write_rows", spying(BulkWriter.write_rows))
    monkeypatch.setattr(BulkWriter, "write", spying(BulkWriter.write))
    monkeypatch.setattr("domain.unit_of_work.CHUNK_EVENTS", 50)
    monkeypatch.setattr("domain.bulk_write.BATCH_CACHE_KIB", 64)
    return seen


@pytest.fixture
def log_file(demo_export: tuple[str, bytes], tmp_path: Path) -> Path:
    file = tmp_path / "demo.jsonl"
    file.write_bytes(demo_export[1])
    return file


def journal_mode(store: str) -> str:
    with sqlite3.connect(store) as connection:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])


def created(store: str) -> str:
    MentorshipLedger(store).close()
    return store


def test_an_import_into_an_empty_file_writes_it_alone_then_goes_back_to_the_log(
    store: str, log_file: Path, demo_export: tuple[str, bytes], journal_modes: list[str]
) -> None:
    result = invoke_root(store, "import", "--events", str(log_file))

    assert result.exit_code == 0, result.output
    chunks = -(-len(demo_export[1].splitlines()) // 50)
    assert journal_modes == ["delete"] * chunks
    assert journal_mode(store) == "wal"
    assert not Path(f"{store}-journal").exists()
    assert invoke_root(store, "export", "events").stdout_bytes == demo_export[1]


def test_an_import_shares_a_file_another_connection_has_open(
    store: str, log_file: Path, demo_export: tuple[str, bytes], journal_modes: list[str]
) -> None:
    other = sqlite3.connect(created(store))
    assert other.execute("SELECT count(*) FROM stored_events").fetchone() == (0,)

    result = invoke_root(store, "import", "--events", str(log_file))

    assert result.exit_code == 0, result.output
    assert set(journal_modes) == {"wal"}
    events = len(demo_export[1].splitlines())
    assert other.execute("SELECT count(*) FROM stored_events").fetchone() == (events,)
    other.close()


def test_a_bad_line_after_chunks_were_written_alone_leaves_the_file_empty_in_the_log(
    store: str, log_file: Path, journal_modes: list[str]
) -> None:
    lines = log_file.read_bytes().splitlines(keepends=True)
    log_file.write_bytes(b"".join([*lines[:-1], b"not json\n"]))

    error = one_error_line(invoke_root(store, "import", "--events", str(log_file)))

    assert error == f"Error: {log_file}:{len(lines)}: not a JSON object"
    assert set(journal_modes) == {"delete"} and len(journal_modes) > 1
    assert journal_mode(store) == "wal"
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT count(*) FROM stored_events").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM person_keys").fetchone() == (0,)


def test_a_csv_import_into_an_empty_file_shares_it_as_its_commands_read_it(
    store: str, journal_modes: list[str]
) -> None:
    files = [str(EXAMPLES / f"{kind}.csv") for kind in ("people", "programs", "pairings")]

    result = invoke_root(store, "import", *files)

    assert result.exit_code == 0, result.output
    assert journal_modes and set(journal_modes) == {"wal"}


KILLED_ALONE = textwrap.dedent(
    """
    import os, signal, sys
    from domain import bulk_write, unit_of_work
    from domain.bulk_write import BulkWriter
    from cli.main import main

    bulk_write.BATCH_CACHE_KIB = 64  # pages go into the file before the commit
    unit_of_work.CHUNK_EVENTS = 50
    write_rows = BulkWriter.write_rows

    def write_then_die(self, rows):
        write_rows(self, rows)
        if self.written >= 200:
            os.kill(os.getpid(), signal.SIGKILL)

    BulkWriter.write_rows = write_then_die
    sys.argv = ["mentorship", "--store", sys.argv[1], "import", "--events", sys.argv[2]]
    main()
    """
)


def test_a_killed_import_is_rolled_back_by_the_next_command(
    store: str, log_file: Path, demo_export: tuple[str, bytes]
) -> None:
    size = Path(created(store)).stat().st_size

    run_killed(KILLED_ALONE, store, str(log_file))

    assert Path(f"{store}-journal").exists()  # the original pages, to put back
    assert Path(store).stat().st_size > size  # pages of the import went into the file
    assert invoke_root(store, "export", "events").stdout_bytes == b""
    assert Path(store).stat().st_size == size
    assert journal_mode(store) == "wal"
    again = invoke_root(store, "import", "--events", str(log_file))
    assert again.exit_code == 0, again.output
    assert invoke_root(store, "export", "events").stdout_bytes == demo_export[1]
