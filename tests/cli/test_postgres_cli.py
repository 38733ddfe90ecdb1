"""The command line against a PostgreSQL store given by URL."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import cli


def _run(store: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--store", store, "--actor", "pg-tester", *args])
    return result.exit_code, result.stdout, result.stderr


def test_recording_and_reporting_through_a_postgresql_url(postgres_store: str) -> None:
    assert _run(postgres_store, "person", "add", "E1", "--name", "Ada", "--level", "5")[0] == 0
    assert _run(postgres_store, "person", "add", "E2", "--name", "Bob", "--level", "2")[0] == 0
    assert (
        _run(
            postgres_store,
            "program",
            "launch",
            "rev",
            "--name",
            "Reverse",
            "--cadence",
            "14",
            "--on",
            "2026-01-05",
        )[0]
        == 0
    )
    code, out, _ = _run(
        postgres_store,
        "pair",
        "--program",
        "rev",
        "--mentor",
        "E2",
        "--mentee",
        "E1",
        "--on",
        "2026-01-12",
    )
    assert code == 0
    pairing = out.strip()
    short = pairing[:8]
    assert _run(postgres_store, "meet", "E2/E1", "--minutes", "45", "--on", "2026-01-20")[0] == 0
    assert _run(postgres_store, "meet", short, "--minutes", "30", "--on", "2026-02-02")[0] == 0
    assert _run(postgres_store, "retract", pairing, "2", "--reason", "logged twice")[0] == 0

    listed = json.loads(_run(postgres_store, "list", "--format", "json")[1])
    history = json.loads(_run(postgres_store, "history", pairing, "--format", "json")[1])
    retention = json.loads(
        _run(postgres_store, "retention", "--as-of", "2026-03-01", "--format", "json")[1]
    )

    assert [(p["id"], p["direction"], p["meetings"], p["last_met_on"]) for p in listed] == [
        (pairing, "reverse", 1, "2026-01-20")
    ]
    assert [e["type"] for e in history["events"]] == ["Paired", "Met", "Met", "MeetingRetracted"]
    assert {e["actor"] for e in history["events"]} == {"pg-tester"}
    assert history["mentor"] == {"id": "E2", "name": "Bob"}
    assert retention["groups"] == [
        {
            "key": "reverse",
            "started": 1,
            "active": 1,
            "completed": 0,
            "closed_with_program": 0,
            "dropped_out": 0,
            "dropout_reasons": {},
            "reversed": 0,
            "survival": {"30": 1.0, "90": None, "180": None, "365": None},
            "median_days_to_dropout": None,
            # No dropout yet: no interval; one pairing followed 30 days, none longer.
            "survival_ci": {"30": None, "90": None, "180": None, "365": None},
            "at_risk": {"30": 1, "90": 0, "180": 0, "365": 0},
            "few_at_risk": {"30": True, "90": True, "180": True, "365": True},
            "median_ci": [None, None],
        }
    ]


def test_an_unreachable_postgresql_store_is_a_one_line_error() -> None:
    code, out, err = _run("postgresql://postgres@127.0.0.1:1/nowhere", "people")

    assert code == 1
    assert out == ""
    assert err == (
        "Error: cannot connect to PostgreSQL at 127.0.0.1:1/nowhere as postgres: "
        "Connection refused\n"
    )


def test_person_and_program_show_and_ended_pairings_by_people_on_postgresql(
    postgres_store: str,
) -> None:
    for args in (
        ("person", "add", "E1", "--name", "Ada", "--level", "5"),
        ("person", "add", "E2", "--name", "Bob", "--level", "2"),
        ("program", "launch", "rev", "--name", "Reverse", "--on", "2026-01-05"),
        ("pair", "--program", "rev", "--mentor", "E2", "--mentee", "E1", "--on", "2026-01-12"),
        ("meet", "E1/E2", "--minutes", "45", "--on", "2026-01-20"),
        ("end", "E2/E1", "--reason", "mismatch", "--on", "2026-02-01"),
    ):
        assert _run(postgres_store, *args)[0] == 0, args

    person = json.loads(_run(postgres_store, "person", "show", "E1", "--format", "json")[1])
    program = json.loads(_run(postgres_store, "program", "show", "rev", "--format", "json")[1])
    shown = json.loads(_run(postgres_store, "show", "E1/E2", "--format", "json")[1])

    assert [(p["role"], p["with"], p["status"]) for p in person["pairings"]] == [
        ("mentee", "E2", "ended")
    ]
    assert (program["pairings"], program["ended_by_reason"]["mismatch"]) == (1, 1)
    assert program["by_direction"]["reverse"] == {"pairings": 1, "active": 0}
    assert (shown["status"], shown["meetings"]) == ("ended", 1)
