"""`person history` and `program history`: every event of a person or a program,
in the rows and formats of the pairing `history`, on both backends."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from cli_helpers import RunFn, World


def _json(ok: RunFn, *args: str) -> Any:
    return json.loads(ok(*args, "--format", "json").stdout)


def _events(found: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(e["number"], e["type"], e["on"], e["actor"], e["details"]) for e in found["events"]]


def test_person_history_json_lists_every_event_of_the_person(populated: World, ok: RunFn) -> None:
    found = _json(ok, "person", "history", "E2")

    assert found["person"] == {"id": "E2", "name": "Brian Kernighan"}
    assert _events(found) == [
        (
            1,
            "Registered",
            None,
            "hr.admin",
            {
                "employee_id": "E2",
                "name": "Brian Kernighan",
                "email": "e2@example.com",
                "level": 3,
                "department": None,
                "joined_on": "2022-01-10",
            },
        ),
        (
            2,
            "PairingJoined",
            "2026-02-02",
            "hr.admin",
            {
                "pairing": populated.p1,
                "program": "spring-2026",
                "role": "mentee",
                "on": "2026-02-02",
            },
        ),
        (
            3,
            "PairingJoined",
            "2026-03-02",
            "hr.admin",
            {
                "pairing": populated.p2,
                "program": "spring-2026",
                "role": "mentor",
                "on": "2026-03-02",
            },
        ),
    ]
    assert all(e["retracted_by"] is None for e in found["events"])


def test_person_history_table_has_a_title_and_the_pairing_history_columns(
    populated: World, ok: RunFn
) -> None:
    ok("person", "update", "E3", "--level", "4", "--department", "Research")

    lines = ok("person", "history", "E3").stdout.splitlines()

    assert lines[0] == "Person E3 (Grace Hopper)"
    assert lines[2].split() == ["no.", "type", "on", "recorded_at_utc", "actor", "details"]
    assert [line.split()[:2] for line in lines[4:]] == [
        ["1", "Registered"],
        ["2", "PairingJoined"],
        ["3", "PairingJoined"],
        ["4", "ProfileUpdated"],
    ]
    assert lines[-1].split()[5:] == ["tester", "level=4,", "department=Research"]


def test_person_history_csv_has_full_recorded_times(populated: World, ok: RunFn) -> None:
    rows = list(csv.reader(io.StringIO(ok("person", "history", "E4", "--format", "csv").stdout)))

    assert rows[0] == ["no.", "type", "on", "recorded_at_utc", "actor", "details"]
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in rows[1:]] == [
        ("1", "Registered", "", "hr.admin", "employee_id=E4, name=Linus Torvalds, "
         "email=e4@example.com, level=5"),
        ("2", "PairingJoined", "2026-04-01", "hr.admin",
         f"pairing={populated.p3}, program=spring-2026, role=mentee"),
    ]  # fmt: skip
    assert all(datetime.fromisoformat(r[3]).utcoffset() is not None for r in rows[1:])


def test_program_history_lists_the_launch_and_the_closure(populated: World, ok: RunFn) -> None:
    before = datetime.now(UTC).isoformat()
    ok("program", "close", "spring-2026", "--on", "2026-11-21", "--yes")

    now = _json(ok, "program", "history", "spring-2026")
    then = _json(ok, "program", "history", "spring-2026", "--known-at", before)

    assert now["program"] == {"id": "spring-2026", "name": "Spring 2026", "cadence_days": 30}
    assert _events(now) == [
        (1, "Launched", "2026-01-05", "hr.admin",
         {"slug": "spring-2026", "name": "Spring 2026", "cadence_days": 30, "on": "2026-01-05"}),
        (2, "Closed", "2026-11-21", "tester", {"on": "2026-11-21"}),
    ]  # fmt: skip
    assert [e["type"] for e in then["events"]] == ["Launched"]


def test_program_history_table_title_names_the_cadence(populated: World, ok: RunFn) -> None:
    lines = ok("program", "history", "spring-2026").stdout.splitlines()

    assert lines[0] == "Program spring-2026 (Spring 2026, meets every 30 days)"
    assert lines[4].split()[:3] == ["1", "Launched", "2026-01-05"]


def test_person_history_known_at_shows_the_profile_as_it_was(populated: World, ok: RunFn) -> None:
    before = datetime.now(UTC).isoformat()
    ok("person", "update", "E1", "--name", "Ada King")
    ok("person", "leave", "E1", "--on", "2026-11-21", "--yes")

    then = _json(ok, "person", "history", "E1", "--known-at", before)
    now = _json(ok, "person", "history", "E1")

    assert (then["person"]["name"], len(then["events"])) == ("Ada Lovelace", 2)
    assert (now["person"]["name"], [e["type"] for e in now["events"][2:]]) == (
        "Ada King",
        ["ProfileUpdated", "LeftOrganisation"],
    )
