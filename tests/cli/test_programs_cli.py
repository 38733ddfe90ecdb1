"""`mentorship program launch/close` and `mentorship programs`."""

from __future__ import annotations

import json

from cli_helpers import CountFn, RefusedFn, RunFn, World


def _programs(ok: RunFn) -> dict[str, dict[str, object]]:
    return {p["id"]: p for p in json.loads(ok("programs", "--format", "json").stdout)}


def test_program_launch_records_name_cadence_and_date(ok: RunFn, written: CountFn) -> None:
    result = ok(
        "program", "launch", "autumn-2026",
        "--name", "Autumn 2026",
        "--cadence", "14",
        "--on", "2026-09-01",
    )  # fmt: skip

    assert result.stdout == "Launched autumn-2026 on 2026-09-01\n"
    assert written() == 1
    assert _programs(ok) == {
        "autumn-2026": {
            "id": "autumn-2026",
            "name": "Autumn 2026",
            "cadence_days": 14,
            "launched_on": "2026-09-01",
            "closed_on": None,
            "pairings": 0,
            "active": 0,
        }
    }


def test_program_launch_defaults_to_today_and_a_30_day_cadence(ok: RunFn) -> None:
    result = ok("program", "launch", "winter-2026", "--name", "Winter 2026")

    assert result.stdout == "Launched winter-2026 on 2026-11-22\n"
    program = _programs(ok)["winter-2026"]
    assert (program["cadence_days"], program["launched_on"]) == (30, "2026-11-22")


def test_program_close_ends_every_active_pairing_of_the_program(
    populated: World, ok: RunFn, written: CountFn
) -> None:
    before = written()

    result = ok("program", "close", "spring-2026", "--on", "2026-11-20")

    assert result.stdout == (
        "Closed spring-2026 on 2026-11-20\n"
        f"Ended pairing {populated.p1} (program_closed)\n"
        f"Ended pairing {populated.p2} (program_closed)\n"
        f"Ended pairing {populated.p3} (program_closed)\n"
    )
    assert written() == before + 4  # Closed + three Ended
    listed = json.loads(ok("list", "--format", "json").stdout)
    assert {(p["status"], p["ended_on"], p["end_reason"]) for p in listed} == {
        ("ended", "2026-11-20", "program_closed")
    }
    assert _programs(ok)["spring-2026"]["closed_on"] == "2026-11-20"


def test_program_close_leaves_already_ended_pairings_alone(populated: World, ok: RunFn) -> None:
    ok("end", populated.p2, "--reason", "completed", "--on", "2026-04-30")

    result = ok("program", "close", "spring-2026")  # today

    assert result.stdout == (
        "Closed spring-2026 on 2026-11-22\n"
        f"Ended pairing {populated.p1} (program_closed)\n"
        f"Ended pairing {populated.p3} (program_closed)\n"
    )
    shown = json.loads(ok("show", populated.p2, "--format", "json").stdout)
    assert (shown["ended_on"], shown["end_reason"]) == ("2026-04-30", "completed")


def test_program_close_without_pairings_prints_only_the_closure(people: object, ok: RunFn) -> None:
    result = ok("program", "close", "spring-2026", "--on", "2026-02-01")

    assert result.stdout == "Closed spring-2026 on 2026-02-01\n"


def test_program_close_before_a_pairings_last_meeting_is_refused(
    populated: World, refused: RefusedFn
) -> None:
    message = refused("program", "close", "spring-2026", "--on", "2026-10-01")

    assert message == (
        f"Error: cannot end active pairing {populated.p1} on 2026-10-01: "
        "end date 2026-10-01 is before the pairing's last activity on 2026-10-30"
    )


def test_no_pairing_in_a_closed_program(people: object, ok: RunFn, refused: RefusedFn) -> None:
    ok("program", "close", "spring-2026", "--on", "2026-06-30")

    message = refused("pair", "--program", "spring-2026", "--mentor", "E1", "--mentee", "E2")

    assert message == "Error: program spring-2026 was closed on 2026-06-30"


def test_a_program_closes_only_once(people: object, ok: RunFn, refused: RefusedFn) -> None:
    ok("program", "close", "spring-2026", "--on", "2026-06-30")

    message = refused("program", "close", "spring-2026")

    assert message == "Error: program spring-2026 was closed on 2026-06-30"


def test_program_close_before_its_launch_is_refused(people: object, refused: RefusedFn) -> None:
    message = refused("program", "close", "spring-2026", "--on", "2026-01-04")

    assert message == (
        "Error: closing date 2026-01-04 is before program spring-2026 was launched on 2026-01-05"
    )


def test_program_launch_refuses_bad_values(refused: RefusedFn) -> None:
    assert refused("program", "launch", "Spring_2026", "--name", "S") == (
        "Error: invalid program id 'Spring_2026': use lower-case letters, digits and '-'"
    )
    assert refused("program", "launch", "s-2026", "--name", "S", "--cadence", "0") == (
        "Error: cadence must be a whole number from 1 to 365, not 0"
    )
    assert refused("program", "launch", "s-2026", "--name", "S", "--cadence", "366") == (
        "Error: cadence must be a whole number from 1 to 365, not 366"
    )
    assert refused("program", "launch", "s-2026", "--name", "S", "--on", "2026-11-23") == (
        "Error: launch date 2026-11-23 is in the future (today is 2026-11-22)"
    )
    assert refused("program", "launch", "s-2026", "--name", "  ") == (
        "Error: program name must not be empty"
    )


def test_programs_table_counts_pairings_and_active_ones(populated: World, ok: RunFn) -> None:
    ok("program", "launch", "autumn-2026", "--name", "Autumn 2026", "--on", "2026-09-01")
    ok("end", populated.p3, "--reason", "mismatch", "--on", "2026-05-01")

    assert ok("programs").stdout == (
        "id           name         cadence_days  launched_on  closed_on  pairings  active\n"
        "-----------  -----------  ------------  -----------  ---------  --------  ------\n"
        "autumn-2026  Autumn 2026  30            2026-09-01   -          0         0\n"
        "spring-2026  Spring 2026  30            2026-01-05   -          3         2\n"
    )


def test_programs_csv_has_a_header_and_one_row_per_program(populated: World, ok: RunFn) -> None:
    ok("program", "close", "spring-2026", "--on", "2026-11-20")

    assert ok("programs", "--format", "csv").stdout == (
        "id,name,cadence_days,launched_on,closed_on,pairings,active\n"
        "spring-2026,Spring 2026,30,2026-01-05,2026-11-20,3,0\n"
    )


def test_programs_on_an_empty_store(ok: RunFn) -> None:
    assert ok("programs").stdout == "(none)\n"
    assert ok("programs", "--format", "json").stdout == "[]\n"
