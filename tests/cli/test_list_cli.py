"""`mentorship list`: every pairing with its current roles, and its filters."""

from __future__ import annotations

import json

from cli_helpers import RunFn, World


def _ids(ok: RunFn, *filters: str) -> list[str]:
    return [p["id"] for p in json.loads(ok("list", *filters, "--format", "json").stdout)]


def test_list_table_shows_short_ids_and_current_roles(populated: World, ok: RunFn) -> None:
    ok("reverse", populated.p1, "--on", "2026-06-01")
    ok("end", populated.p2, "--reason", "mismatch", "--on", "2026-04-15")

    assert ok("list").stdout == (
        "short_id  program      mentor  mentee  direction  status  paired_on   "
        "ended_on    end_reason  meetings  last_met_on\n"
        "--------  -----------  ------  ------  ---------  ------  ----------  "
        "----------  ----------  --------  -----------\n"
        f"{populated.p1[:8]}  spring-2026  E2      E1      reverse    active  2026-02-02  "
        "-           -           3         2026-10-30\n"
        f"{populated.p2[:8]}  spring-2026  E2      E3      peer       ended   2026-03-02  "
        "2026-04-15  mismatch    1         2026-03-16\n"
        f"{populated.p3[:8]}  spring-2026  E3      E4      reverse    active  2026-04-01  "
        "-           -           0         -\n"
    )


def test_list_json_has_one_object_per_pairing(populated: World, ok: RunFn) -> None:
    ok("retract", populated.p1, "2", "--reason", "duplicate")

    listed = json.loads(ok("list", "--format", "json").stdout)

    assert [p["id"] for p in listed] == [populated.p1, populated.p2, populated.p3]
    assert listed[0] == {
        "id": populated.p1,
        "program": "spring-2026",
        "mentor": "E1",
        "mentee": "E2",
        "direction": "traditional",
        "status": "active",
        "paired_on": "2026-02-02",
        "ended_on": None,
        "end_reason": None,
        "reversals": 0,
        "meetings": 2,  # the retracted one does not count
        "minutes": 90,
        "last_met_on": "2026-10-30",
    }


def test_list_csv_has_a_header_and_full_ids(populated: World, ok: RunFn) -> None:
    lines = ok("list", "--person", "E1", "--format", "csv").stdout.splitlines()

    assert lines == [
        "id,program,mentor,mentee,direction,status,paired_on,ended_on,end_reason,"
        "reversals,meetings,minutes,last_met_on",
        f"{populated.p1},spring-2026,E1,E2,traditional,active,2026-02-02,,,0,3,135,2026-10-30",
    ]


def test_list_filters_by_program(populated: World, ok: RunFn) -> None:
    ok("program", "launch", "autumn-2026", "--name", "Autumn 2026", "--on", "2026-09-01")
    other = ok("pair", "--program", "autumn-2026", "--mentor", "E1", "--mentee", "E4")

    assert _ids(ok, "--program", "autumn-2026") == [other.stdout.strip()]
    assert _ids(ok, "--program", "spring-2026") == [populated.p1, populated.p2, populated.p3]
    assert ok("list", "--program", "nope").stdout == "(none)\n"


def test_list_filters_by_the_current_direction(populated: World, ok: RunFn) -> None:
    assert _ids(ok, "--direction", "traditional") == [populated.p1]
    assert _ids(ok, "--direction", "peer") == [populated.p2]

    ok("reverse", populated.p1, "--on", "2026-06-01")

    assert _ids(ok, "--direction", "traditional") == []
    assert _ids(ok, "--direction", "reverse") == [populated.p1, populated.p3]


def test_list_filters_by_status(populated: World, ok: RunFn) -> None:
    ok("end", populated.p2, "--reason", "other", "--on", "2026-05-01")

    assert _ids(ok, "--status", "ended") == [populated.p2]
    assert _ids(ok, "--status", "active") == [populated.p1, populated.p3]


def test_list_filters_by_person_in_either_role(populated: World, ok: RunFn) -> None:
    assert _ids(ok, "--person", "E3") == [populated.p2, populated.p3]
    assert _ids(ok, "--person", "E1") == [populated.p1]
    assert _ids(ok, "--person", "E3", "--direction", "reverse") == [populated.p3]
    assert _ids(ok, "--person", "E9") == []


def test_list_on_an_empty_store(ok: RunFn) -> None:
    assert ok("list").stdout == "(none)\n"
