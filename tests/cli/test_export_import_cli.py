"""`mentorship export events` and `mentorship import --events`, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from backends import Stores
from cli_helpers import POPULATED_EVENTS, Backend, invoke_root, one_error_line

from domain import event_lines
from domain.application import MentorshipLedger
from domain.person import person_id

QUERIES = ("list", "people", "programs", "retention", "engagement")


SQLITE_FILE = "about a missing SQLite file"


@pytest.fixture
def empty_store(stores: Stores) -> str:
    return stores("copy.db")


def test_round_trip_gives_the_same_store(
    demo_export: tuple[str, bytes], empty_store: str, tmp_path: Path
) -> None:
    source, exported = demo_export
    events = len(exported.splitlines())
    file = tmp_path / "demo.jsonl"
    assert invoke_root(source, "export", "events", "--out", str(file)).exit_code == 0

    imported = invoke_root(empty_store, "import", "--events", str(file))

    assert imported.exit_code == 0, imported.output
    assert re.fullmatch(
        rf"Imported {events} events from {re.escape(str(file))} in \d+\.\d s \([\d,]+ events/s\)\n",
        imported.stdout,
    )
    assert file.read_bytes() == exported
    assert invoke_root(empty_store, "export", "events").stdout_bytes == exported
    for query in QUERIES:
        before = invoke_root(source, query, "--format", "json")
        after = invoke_root(empty_store, query, "--format", "json")
        assert (after.exit_code, after.stdout) == (0, before.stdout), query
    assert len(json.loads(invoke_root(empty_store, "people", "--format", "json").stdout)) == 40


def test_a_large_import_on_postgresql_leaves_pipeline_mode(
    demo_export: tuple[str, bytes],
    postgres_store: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above PIPELINE_LIMIT events one transaction is written without psycopg's
    pipeline mode, which deadlocks on very large batches (here: a lower limit)."""
    from domain import store_postgres

    monkeypatch.setattr(store_postgres, "PIPELINE_LIMIT", 10)
    file = tmp_path / "demo.jsonl"
    file.write_bytes(demo_export[1])

    imported = invoke_root(postgres_store, "import", "--events", str(file))

    assert imported.exit_code == 0, imported.output
    assert invoke_root(postgres_store, "export", "events").stdout_bytes == demo_export[1]


def test_a_bad_line_is_named_and_nothing_is_written(
    demo_export: tuple[str, bytes], empty_store: str, tmp_path: Path
) -> None:
    lines = demo_export[1].splitlines(keepends=True)
    index = next(i for i, text in enumerate(lines) if json.loads(text)["version"] == 2)
    line = json.loads(lines[index])
    line["version"] = 3
    lines[index] = json.dumps(line).encode() + b"\n"
    file = tmp_path / "bad.jsonl"
    file.write_bytes(b"".join(lines))

    error = one_error_line(invoke_root(empty_store, "import", "--events", str(file)))

    assert error == (
        f"Error: {file}:{index + 1}: aggregate {line['aggregate']}, version 3: "
        "the aggregate's next version is 2"
    )
    app = MentorshipLedger(empty_store)
    try:
        assert app.recorder.max_notification_id() in (None, 0)
    finally:
        app.close()


def test_a_bad_payload_is_refused_by_its_model(
    demo_export: tuple[str, bytes], empty_store: str, tmp_path: Path
) -> None:
    lines = demo_export[1].splitlines(keepends=True)
    line = json.loads(lines[0])
    line["payload"]["cadence_days"] = 0
    file = tmp_path / "bad.jsonl"
    file.write_bytes(json.dumps(line).encode() + b"\n" + b"".join(lines[1:]))

    error = one_error_line(invoke_root(empty_store, "import", "--events", str(file)))

    assert error == (
        f"Error: {file}:1: aggregate {line['aggregate']}, version 1: Launched event field "
        "'cadence_days' is invalid: Input should be greater than or equal to 1 (got 0)"
    )


def test_import_refuses_a_store_with_events(
    backend: Backend, demo_export: tuple[str, bytes], tmp_path: Path
) -> None:
    file = tmp_path / "demo.jsonl"
    file.write_bytes(demo_export[1])

    error = one_error_line(backend.run("import", "--events", str(file)))

    assert error == (
        f"Error: store {backend.store} already has {POPULATED_EVENTS} events; "
        "import --events needs an empty store"
    )
    assert backend.count() == POPULATED_EVENTS


def test_export_writes_one_event_a_line(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event_lines, "PAGE", 4)  # several pages

    result = backend.run("export", "events")

    assert result.exit_code == 0, result.output
    lines = [json.loads(text) for text in result.stdout.splitlines()]
    assert len(lines) == POPULATED_EVENTS
    assert [line["position"] for line in lines] == list(range(1, POPULATED_EVENTS + 1))
    first, met = lines[0], lines[8]
    assert first.pop("recorded_at").endswith("+00:00")
    assert first == {
        "position": 1,
        "aggregate": str(person_id("E1")),
        "version": 1,
        "kind": "person",
        "id": "E1",
        "type": "Person.Registered",
        "on": None,
        "actor": "hr.admin",
        "payload": {
            "employee_id": "E1",
            "name": "Ada Lovelace",
            "email": "e1@example.com",
            "level": 7,
            "department": "Engineering",
            "joined_on": "2019-04-01",
        },
    }
    del met["recorded_at"]
    assert met == {
        "position": 9,
        "aggregate": backend.world.p1,
        "version": 2,
        "kind": "pairing",
        "id": backend.world.p1,
        "type": "Mentorship.Met",
        "on": "2026-02-10",
        "actor": "hr.admin",
        "payload": {"number": 1, "on": "2026-02-10", "minutes": 60, "note": None},
    }


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_export_creates_no_store(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"

    error = one_error_line(invoke_root(str(missing), "export", "events", "--out", "x.jsonl"))

    assert error.startswith(f"Error: no store at {missing}")
    assert not missing.exists()
    assert not (tmp_path / "x.jsonl").exists()
