"""`mentorship person add/update/leave` and `mentorship people`."""

from __future__ import annotations

import json

from cli_helpers import CountFn, RefusedFn, RunFn, World

PEOPLE_TABLE = """\
id  name             email           level  department   joined_on   left_on
--  ---------------  --------------  -----  -----------  ----------  -------
E1  Ada Lovelace     e1@example.com  7      Engineering  2019-04-01  -
E2  Brian Kernighan  e2@example.com  3      -            2022-01-10  -
E3  Grace Hopper     e3@example.com  3      -            -           -
E4  Linus Torvalds   e4@example.com  5      -            -           -
"""


def _person(ok: RunFn, employee_id: str) -> dict[str, object]:
    listed = json.loads(ok("people", "--format", "json").stdout)
    return next(p for p in listed if p["id"] == employee_id)


def test_person_add_registers_every_field_and_confirms(ok: RunFn, written: CountFn) -> None:
    result = ok(
        "person", "add", "E5",
        "--name", "Katherine Johnson",
        "--email", "kj@example.com",
        "--level", "4",
        "--department", "Research",
        "--joined", "2020-06-15",
    )  # fmt: skip

    assert result.stdout == "Registered E5 (Katherine Johnson)\n"
    assert result.stderr == ""
    assert written() == 1
    assert _person(ok, "E5") == {
        "id": "E5",
        "name": "Katherine Johnson",
        "email": "kj@example.com",
        "level": 4,
        "department": "Research",
        "joined_on": "2020-06-15",
        "left_on": None,
    }


def test_person_add_with_only_a_name_leaves_the_other_fields_empty(ok: RunFn) -> None:
    ok("person", "add", "E5", "--name", "Katherine Johnson")

    assert _person(ok, "E5") == {
        "id": "E5",
        "name": "Katherine Johnson",
        "email": None,
        "level": None,
        "department": None,
        "joined_on": None,
        "left_on": None,
    }


def test_person_update_changes_only_the_given_fields(
    people: object, ok: RunFn, written: CountFn
) -> None:
    before = written()

    result = ok("person", "update", "E2", "--level", "4", "--department", "Research")

    assert result.stdout == "Updated E2\n"
    assert written() == before + 1
    assert _person(ok, "E2") == {
        "id": "E2",
        "name": "Brian Kernighan",
        "email": "e2@example.com",
        "level": 4,
        "department": "Research",
        "joined_on": "2022-01-10",
        "left_on": None,
    }


def test_person_update_of_name_email_and_joining_date(people: object, ok: RunFn) -> None:
    ok(
        "person", "update", "E3",
        "--name", "Rear Admiral Grace Hopper",
        "--email", "grace@example.com",
        "--joined", "2018-02-01",
    )  # fmt: skip

    assert _person(ok, "E3") == {
        "id": "E3",
        "name": "Rear Admiral Grace Hopper",
        "email": "grace@example.com",
        "level": 3,
        "department": None,
        "joined_on": "2018-02-01",
        "left_on": None,
    }


def test_a_level_change_decides_the_direction_of_later_pairings(people: object, ok: RunFn) -> None:
    ok("person", "update", "E1", "--level", "2")  # now below E2's level 3

    ok("pair", "--program", "spring-2026", "--mentor", "E1", "--mentee", "E2", "--on", "2026-05-04")

    [pairing] = json.loads(ok("list", "--format", "json").stdout)
    assert pairing["direction"] == "reverse"


def test_person_update_without_any_field_is_refused(people: object, refused: RefusedFn) -> None:
    message = refused("person", "update", "E2")

    assert message == "Error: nothing to update: give at least one field to change"


def test_person_leave_records_the_date_and_ends_their_active_pairings(
    populated: World, ok: RunFn
) -> None:
    result = ok("person", "leave", "E3", "--on", "2026-11-01", "--reason", "resigned")

    # E3 is mentee of P2 and mentor of P3, listed in pairing order.
    assert result.stdout == (
        "Recorded that E3 left on 2026-11-01\n"
        f"Ended pairing {populated.p2} (left_organisation)\n"
        f"Ended pairing {populated.p3} (left_organisation)\n"
    )
    assert _person(ok, "E3")["left_on"] == "2026-11-01"
    listed = {p["id"]: p for p in json.loads(ok("list", "--format", "json").stdout)}
    assert [
        (listed[i]["status"], listed[i]["ended_on"], listed[i]["end_reason"])
        for i in (populated.p1, populated.p2, populated.p3)
    ] == [
        ("active", None, None),
        ("ended", "2026-11-01", "left_organisation"),
        ("ended", "2026-11-01", "left_organisation"),
    ]


def test_person_leave_defaults_to_today_and_ends_nothing_without_pairings(
    people: object, ok: RunFn
) -> None:
    result = ok("person", "leave", "E4")

    assert result.stdout == "Recorded that E4 left on 2026-11-22\n"
    assert _person(ok, "E4")["left_on"] == "2026-11-22"


def test_person_leave_shows_in_the_people_table(people: object, ok: RunFn) -> None:
    ok("person", "leave", "E4", "--on", "2026-06-30")

    lines = ok("people").stdout.splitlines()

    assert lines[0].endswith("joined_on   left_on")
    assert lines[5] == (
        "E4  Linus Torvalds   e4@example.com  5      -            -           2026-06-30"
    )


def test_person_who_left_cannot_leave_again(people: object, ok: RunFn, refused: RefusedFn) -> None:
    ok("person", "leave", "E4", "--on", "2026-06-30")

    message = refused("person", "leave", "E4", "--on", "2026-07-01")

    assert message == "Error: E4 left the organisation on 2026-06-30"


def test_people_table_lists_everyone_sorted_by_id(people: object, ok: RunFn) -> None:
    assert ok("people").stdout == PEOPLE_TABLE


def test_people_json_is_an_array_of_records(people: object, ok: RunFn) -> None:
    listed = json.loads(ok("people", "--format", "json").stdout)

    assert [p["id"] for p in listed] == ["E1", "E2", "E3", "E4"]
    assert listed[0] == {
        "id": "E1",
        "name": "Ada Lovelace",
        "email": "e1@example.com",
        "level": 7,
        "department": "Engineering",
        "joined_on": "2019-04-01",
        "left_on": None,
    }


def test_people_csv_has_a_header_and_blank_cells_for_missing_values(
    people: object, ok: RunFn
) -> None:
    assert ok("people", "--format", "csv").stdout == (
        "id,name,email,level,department,joined_on,left_on\n"
        "E1,Ada Lovelace,e1@example.com,7,Engineering,2019-04-01,\n"
        "E2,Brian Kernighan,e2@example.com,3,,2022-01-10,\n"
        "E3,Grace Hopper,e3@example.com,3,,,\n"
        "E4,Linus Torvalds,e4@example.com,5,,,\n"
    )


def test_people_on_an_empty_store(ok: RunFn) -> None:
    assert ok("people").stdout == "(none)\n"
    assert json.loads(ok("people", "--format", "json").stdout) == []
    assert ok("people", "--format", "csv").stdout == (
        "id,name,email,level,department,joined_on,left_on\n"
    )
