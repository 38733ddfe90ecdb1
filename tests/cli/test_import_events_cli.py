"""`mentorship import --events`: each kind of bad line refused by file and line
with nothing written, and the worker process that reads large logs, on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from backends import Stores
from cli_helpers import invoke_root, one_error_line, run_killed

from domain import log_import, log_worker
from domain.application import MentorshipLedger
from domain.vocabulary import MIN_MINUTES

Line = dict[str, Any]
Edit = Callable[[list[Line]], tuple[int, Line | bytes]]
"""Changes a log (its lines, parsed): the index of the bad line and what it becomes."""


@pytest.fixture
def empty_store(stores: Stores) -> str:
    return stores("copy.db")


@pytest.fixture
def log(demo_export: tuple[str, bytes]) -> list[Line]:
    return [json.loads(text) for text in demo_export[1].splitlines()]


def first(lines: list[Line], type_: str) -> int:
    return next(i for i, line in enumerate(lines) if line["type"] == type_)


def changed(index: int, line: Line, **fields: Any) -> tuple[int, Line]:
    return index, {**line, **fields}


def at(type_: str, **fields: Any) -> Edit:
    """The first line of `type_`, with `fields` replaced."""
    return lambda lines: changed(first(lines, type_), lines[first(lines, type_)], **fields)


def without(field: str) -> Edit:
    def edit(lines: list[Line]) -> tuple[int, Line]:
        return 0, {k: v for k, v in lines[0].items() if k != field}

    return edit


def raw(text: bytes) -> Edit:
    return lambda lines: (3, text)


def created_twice(lines: list[Line]) -> tuple[int, Line]:
    lines.insert(1, lines[0])
    return 1, lines[0]


def no_creating_event(lines: list[Line]) -> tuple[int, Line]:
    paired = first(lines, "Mentorship.Paired")
    pairing = lines.pop(paired)["aggregate"]
    later = next(i for i, line in enumerate(lines) if line["aggregate"] == pairing)
    return later, lines[later]


def another_kind(lines: list[Line]) -> tuple[int, Line]:
    """A person's event on a pairing's aggregate, with the pairing's id."""
    met = first(lines, "Mentorship.Met")
    return changed(met, lines[met], type="Person.LeftOrganisation", kind="person")


def meeting_payload(**fields: Any) -> Edit:
    def edit(lines: list[Line]) -> tuple[int, Line]:
        met = first(lines, "Mentorship.Met")
        return changed(met, lines[met], payload={**lines[met]["payload"], **fields})

    return edit


# What the line becomes, and the reason the error gives after "FILE:LINE: "
# ({aggregate} is the bad line's aggregate as written).
BAD_LINES = [
    pytest.param(raw(b"{not json\n"), "not a JSON object", id="not JSON"),
    pytest.param(raw(b"\xff\xfe\x00\n"), "not a JSON object", id="not UTF-8"),
    pytest.param(raw(b"[1, 2]\n"), "not a JSON object", id="an array"),
    pytest.param(without("actor"), "missing field 'actor'", id="missing field"),
    pytest.param(at("Program.Launched", type="Program.Renamed"),
                 "unknown event type 'Program.Renamed'", id="unknown type"),
    pytest.param(at("Program.Launched", type=["Program.Launched"]),
                 "unknown event type ['Program.Launched']", id="type not a string"),
    pytest.param(at("Mentorship.Met", kind="person"),
                 "kind 'person' does not match type 'Mentorship.Met'", id="kind and type differ"),
    pytest.param(at("Program.Launched", aggregate="nope"), "bad aggregate id 'nope'",
                 id="bad aggregate id"),
    pytest.param(at("Person.Registered", id="E999"),
                 "id 'E999' is not the person of aggregate {aggregate}", id="id of another"),
    pytest.param(another_kind, "aggregate {aggregate} is a pairing, not a person",
                 id="aggregate of another kind"),
    pytest.param(at("Mentorship.Met", recorded_at="yesterday"), "bad recorded_at 'yesterday'",
                 id="bad recorded_at"),
    pytest.param(at("Mentorship.Met", recorded_at="2026-05-01T10:00:00"),
                 "recorded_at has no time zone", id="recorded_at without zone"),
    pytest.param(at("Program.Launched", version="1"),
                 "version must be a whole number from 1: '1'", id="version text"),
    pytest.param(at("Program.Launched", version=True),
                 "version must be a whole number from 1: True", id="version true"),
    pytest.param(at("Program.Launched", version=0),
                 "version must be a whole number from 1: 0", id="version 0"),
    pytest.param(created_twice, "aggregate {aggregate}, version 1: the aggregate is created twice",
                 id="created twice"),
    pytest.param(no_creating_event,
                 "aggregate {aggregate}, version 2: the aggregate has no creating event before",
                 id="no creating event"),
    pytest.param(meeting_payload(minutes=MIN_MINUTES - 1),
                 "aggregate {aggregate}, version {version}: Met event field 'minutes' is invalid: "
                 f"Input should be greater than or equal to {MIN_MINUTES} (got {MIN_MINUTES - 1})",
                 id="payload out of range"),
    pytest.param(meeting_payload(mood="good"),
                 "aggregate {aggregate}, version {version}: Met event field 'mood' is invalid: "
                 "Extra inputs are not permitted (got 'good')", id="payload extra field"),
    pytest.param(meeting_payload(on="2026-02-30"),
                 "aggregate {aggregate}, version {version}: Met event field 'on' is invalid: "
                 "Input should be a valid date or datetime, day value is outside expected range "
                 "(got '2026-02-30')", id="payload impossible date"),
]  # fmt: skip


def write_log(path: Path, lines: list[Line | bytes]) -> Path:
    path.write_bytes(b"".join(
        line if isinstance(line, bytes) else json.dumps(line).encode() + b"\n" for line in lines
    ))  # fmt: skip
    return path


def nothing_written(store: str) -> bool:
    app = MentorshipLedger(store)
    try:
        return app.recorder.max_notification_id() in (None, 0) and app.keys.known() == []
    finally:
        app.close()


@pytest.mark.parametrize(("edit", "reason"), BAD_LINES)
def test_a_bad_line_is_named_and_nothing_is_written(
    edit: Edit, reason: str, log: list[Line], empty_store: str, tmp_path: Path
) -> None:
    index, bad = edit(log)
    lines: list[Line | bytes] = list(log)
    lines[index] = bad
    file = write_log(tmp_path / "bad.jsonl", lines)

    error = one_error_line(invoke_root(empty_store, "import", "--events", str(file)))

    shown = reason.format(**bad) if isinstance(bad, dict) else reason
    assert error == f"Error: {file}:{index + 1}: {shown}"
    assert nothing_written(empty_store)


def test_blank_lines_are_skipped(
    demo_export: tuple[str, bytes], empty_store: str, tmp_path: Path
) -> None:
    exported = demo_export[1]
    file = tmp_path / "spaced.jsonl"
    file.write_bytes(b"\n" + exported.replace(b"\n", b"\n  \n"))

    result = invoke_root(empty_store, "import", "--events", str(file))

    assert result.exit_code == 0, result.output
    assert invoke_root(empty_store, "export", "events").stdout_bytes == exported


@pytest.mark.parametrize("worker", [pytest.param(False, id="in this process"),
                                    pytest.param(True, id="by a worker")])  # fmt: skip
def test_a_dry_run_checks_every_line_and_writes_nothing(
    worker: bool,
    demo_export: tuple[str, bytes],
    empty_store: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    read: list[Path] = request.getfixturevalue("through_a_worker") if worker else []
    file = tmp_path / "demo.jsonl"
    file.write_bytes(demo_export[1])

    result = invoke_root(empty_store, "import", "--events", str(file), "--dry-run")

    assert result.exit_code == 0, result.output
    events = len(demo_export[1].splitlines())
    said = f"Checked {events} events from {file}, nothing written (--dry-run) in "
    assert result.stdout.startswith(said)
    assert read == ([file] if worker else [])
    assert nothing_written(empty_store)


def test_a_dry_run_names_a_bad_line_and_writes_nothing(
    log: list[Line], empty_store: str, tmp_path: Path
) -> None:
    index = len(log) - 1
    lines: list[Line | bytes] = [*log[:index], {**log[index], "version": 0}]
    file = write_log(tmp_path / "bad.jsonl", lines)

    result = invoke_root(empty_store, "import", "--events", str(file), "--dry-run")

    error = one_error_line(result)
    assert error == f"Error: {file}:{index + 1}: version must be a whole number from 1: 0"
    assert nothing_written(empty_store)


@pytest.fixture
def through_a_worker(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Any log is read by a worker process, in chunks of 50 events; the paths it read."""
    monkeypatch.setattr(log_import, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr("domain.unit_of_work.CHUNK_EVENTS", 50)
    read: list[Path] = []
    started = log_import.chunks_from_worker

    def spy(path: Path, *args: Any) -> Any:
        read.append(path)
        return started(path, *args)

    monkeypatch.setattr(log_import, "chunks_from_worker", spy)
    return read


def test_a_log_read_by_a_worker_process_gives_the_same_store(
    demo_export: tuple[str, bytes], empty_store: str, tmp_path: Path, through_a_worker: list[Path]
) -> None:
    source, exported = demo_export
    file = tmp_path / "demo.jsonl"
    file.write_bytes(exported)

    imported = invoke_root(empty_store, "import", "--events", str(file))

    assert imported.exit_code == 0, imported.output
    assert through_a_worker == [file]
    assert invoke_root(empty_store, "export", "events").stdout_bytes == exported
    assert invoke_root(empty_store, "verify").exit_code == 0
    for query in ("list", "people", "retention", "engagement"):
        before = invoke_root(source, query, "--format", "json")
        assert invoke_root(empty_store, query, "--format", "json").stdout == before.stdout, query


def test_a_bad_line_found_by_the_worker_is_named_and_nothing_is_written(
    log: list[Line], empty_store: str, tmp_path: Path, through_a_worker: list[Path]
) -> None:
    index = len(log) - 1  # in the last chunk: earlier chunks are in the transaction
    lines: list[Line | bytes] = [*log[:index], {**log[index], "version": 0}]
    file = write_log(tmp_path / "bad.jsonl", lines)

    error = one_error_line(invoke_root(empty_store, "import", "--events", str(file)))

    assert error == f"Error: {file}:{index + 1}: version must be a whole number from 1: 0"
    assert through_a_worker == [file]
    assert nothing_written(empty_store)


@pytest.mark.parametrize(
    ("worker", "ended"),
    [
        pytest.param("sys.exit(3)", "exit code 3", id="exits"),
        pytest.param("sys.stdout.write('not a chunk'); sys.stdout.flush()", "exit code 0",
                     id="garbles"),
        pytest.param("sys.stdout.write('not a chunk'); sys.stdout.flush(); import time; "
                     "time.sleep(60)", "it sent what is not a chunk and was stopped",
                     id="garbles and goes on"),
    ],
)
def test_a_worker_that_dies_fails_the_import_and_nothing_is_written(
    worker: str,
    ended: str,
    demo_export: tuple[str, bytes],
    empty_store: str,
    tmp_path: Path,
    through_a_worker: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(log_worker, "_BOOT", f"import sys; sys.stdin.buffer.read(); {worker}")
    file = tmp_path / "demo.jsonl"
    file.write_bytes(demo_export[1])

    error = one_error_line(invoke_root(empty_store, "import", "--events", str(file)))

    assert error == (
        f"Error: the process reading {file} stopped before the end of the log "
        f"({ended}); nothing was written"
    )
    assert nothing_written(empty_store)


KILLED_IMPORT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from domain import log_import, unit_of_work
    from domain.bulk_write import BulkWriter
    from cli.main import main

    log_import.WORKER_MIN_BYTES = 0
    unit_of_work.CHUNK_EVENTS = 20
    write_rows = BulkWriter.write_rows

    def write_then_die(self, rows):
        write_rows(self, rows)
        if self.written >= 40:  # two chunks are in the open transaction
            me = os.getpid()
            children = Path(f"/proc/{me}/task/{me}/children").read_text().split()
            print(" ".join(children), flush=True)
            os.kill(me, signal.SIGKILL)

    BulkWriter.write_rows = write_then_die
    sys.argv = ["mentorship", "--store", sys.argv[1], "import", "--events", sys.argv[2]]
    main()
    """
)


def gone(pid: int) -> bool:
    """Whether a process has exited (an exited orphan may wait as a zombie)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_a_killed_import_leaves_the_store_as_it_was_and_its_worker_stops(
    demo_export: tuple[str, bytes], empty_store: str, tmp_path: Path
) -> None:
    file = tmp_path / "demo.jsonl"
    file.write_bytes(demo_export[1])

    killed = run_killed(KILLED_IMPORT, empty_store, str(file))

    workers = [int(pid) for pid in killed.stdout.split()]
    assert len(workers) == 1
    deadline = time.monotonic() + 10
    while not gone(workers[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(workers[0])
    assert nothing_written(empty_store)
    again = invoke_root(empty_store, "import", "--events", str(file))  # no lock left behind
    assert again.exit_code == 0, again.output
    # Without positions: PostgreSQL's sequence does not roll back.
    exported = invoke_root(empty_store, "export", "events").stdout_bytes
    assert unpositioned(exported) == unpositioned(demo_export[1])


def unpositioned(log: bytes) -> list[Line]:
    return [{**json.loads(text), "position": None} for text in log.splitlines()]
