"""`person show` and `program show`: one person or program at a glance, read
from the views."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cli_helpers import RefusedFn, RunFn, World

from domain.application import MentorshipLedger


def _json(ok: RunFn, *args: str) -> Any:
    return json.loads(ok(*args, "--format", "json").stdout)


# person show


def test_person_show_json_has_the_profile_and_every_pairing_in_either_role(
    populated: World, ok: RunFn
) -> None:
    assert _json(ok, "person", "show", "E2") == {
        "id": "E2",
        "name": "Brian Kernighan",
        "email": "e2@example.com",
        "level": 3,
        "department": None,
        "joined_on": "2022-01-10",
        "left_on": None,
        "left_reason": None,
        "status": "active",
        "pairings": [
            {
                "id": populated.p1,
                "program": "spring-2026",
                "role": "mentee",
                "with": "E1",
                "with_name": "Ada Lovelace",
                "direction": "traditional",
                "status": "active",
                "paired_on": "2026-02-02",
                "ended_on": None,
                "end_reason": None,
                "meetings": 3,
                "last_met_on": "2026-10-30",
            },
            {
                "id": populated.p2,
                "program": "spring-2026",
                "role": "mentor",
                "with": "E3",
                "with_name": "Grace Hopper",
                "direction": "peer",
                "status": "active",
                "paired_on": "2026-03-02",
                "ended_on": None,
                "end_reason": None,
                "meetings": 1,
                "last_met_on": "2026-03-16",
            },
        ],
    }


def test_person_show_gives_the_role_and_direction_now(populated: World, ok: RunFn) -> None:
    ok("reverse", populated.p1, "--on", "2026-06-01")

    [first, _] = _json(ok, "person", "show", "E2")["pairings"]

    assert (first["role"], first["with"], first["direction"]) == ("mentor", "E1", "reverse")


def test_person_show_table_of_someone_who_left(populated: World, ok: RunFn) -> None:
    ok("person", "leave", "E4", "--on", "2026-10-01", "--reason", "resigned")

    assert ok("person", "show", "E4").stdout.splitlines() == [
        "Person      E4 (Linus Torvalds)",
        "Email       e4@example.com",
        "Level       5",
        "Department  -",
        "Joined      -",
        "Status      left 2026-10-01 (resigned)",
        "",
        "id        program      role    with             direction  status  paired_on   "
        "ended_on    end_reason         meetings  last_met_on",
        "--------  -----------  ------  ---------------  ---------  ------  ----------  "
        "----------  -----------------  --------  -----------",
        f"{populated.p3[:8]}  spring-2026  mentee  E3 Grace Hopper  reverse    ended   "
        "2026-04-01  2026-10-01  left_organisation  0         -",
    ]


def test_person_show_csv_has_one_row_per_pairing_carrying_the_profile(
    populated: World, ok: RunFn
) -> None:
    ok("end", populated.p2, "--reason", "mismatch", "--on", "2026-04-15")
    profile = "E3,Grace Hopper,e3@example.com,3,,,,,active"

    assert ok("person", "show", "E3", "--format", "csv").stdout.splitlines() == [
        "id,name,email,level,department,joined_on,left_on,left_reason,person_status,"
        "pairing,program,role,with,with_name,direction,status,paired_on,ended_on,end_reason,"
        "meetings,last_met_on",
        f"{profile},{populated.p2},spring-2026,mentee,E2,Brian Kernighan,peer,ended,"
        "2026-03-02,2026-04-15,mismatch,1,2026-03-16",
        f"{profile},{populated.p3},spring-2026,mentor,E4,Linus Torvalds,reverse,active,"
        "2026-04-01,,,0,",
    ]


def test_person_show_of_someone_never_paired(people: object, ok: RunFn) -> None:
    lines = ok("person", "show", "E3").stdout.splitlines()
    csv = ok("person", "show", "E3", "--format", "csv").stdout.splitlines()

    assert lines[-2:] == ["Status      active", "Pairings    none"]
    assert csv[1] == "E3,Grace Hopper,e3@example.com,3,,,,,active" + "," * 12
    assert _json(ok, "person", "show", "E3")["pairings"] == []


def test_person_show_of_an_unknown_person_is_refused(populated: World, refused: RefusedFn) -> None:
    assert refused("person", "show", "E9") == "Error: unknown person 'E9'"


# program show


def test_program_show_json_counts_pairings_meetings_and_health(populated: World, ok: RunFn) -> None:
    assert _json(ok, "program", "show", "spring-2026") == {
        "as_of": "2026-11-22",
        "id": "spring-2026",
        "name": "Spring 2026",
        "cadence_days": 30,
        "launched_on": "2026-01-05",
        "closed_on": None,
        "status": "open",
        "pairings": 3,
        "active": 3,
        "ended": 0,
        "ended_by_reason": {
            "completed": 0,
            "mentor_withdrew": 0,
            "mentee_withdrew": 0,
            "left_organisation": 0,
            "mismatch": 0,
            "program_closed": 0,
            "other": 0,
        },
        "by_direction": {
            "traditional": {"pairings": 1, "active": 1},
            "reverse": {"pairings": 1, "active": 1},
            "peer": {"pairings": 1, "active": 1},
        },
        "meetings": 4,
        "minutes": 165,
        # P1 met 23 days ago (cadence 30), P2 251 days ago, P3 never.
        "health": {"healthy": 1, "at_risk": 0, "dormant": 1, "never_met": 1},
    }


def test_program_show_table_after_an_ending_and_a_reversal(populated: World, ok: RunFn) -> None:
    ok("end", populated.p2, "--reason", "mismatch", "--on", "2026-04-15")
    ok("retract", populated.p1, "1", "--reason", "never happened")
    ok("reverse", populated.p1, "--on", "2026-06-01")

    assert ok("program", "show", "spring-2026").stdout.splitlines() == [
        "Program    spring-2026 (Spring 2026, meets every 30 days)",
        "Status     open, launched 2026-01-05",
        "Pairings   3 (2 active, 1 ended)",
        "Ended by   mismatch 1",
        "Meetings   3 (105 min)",
        "Health     1 healthy, 0 at risk, 0 dormant, 1 never met (as of 2026-11-22)",
        "",
        "direction now  pairings  active",
        "-------------  --------  ------",
        "traditional    0         0",
        "reverse        2         2",
        "peer           1         0",
    ]


def test_program_show_csv_is_one_row_with_flattened_counts(populated: World, ok: RunFn) -> None:
    ok("program", "close", "spring-2026", "--on", "2026-11-21")

    lines = ok("program", "show", "spring-2026", "--format", "csv").stdout.splitlines()

    assert lines == [
        "as_of,id,name,cadence_days,launched_on,closed_on,status,pairings,active,ended,"
        "ended_by_reason.completed,ended_by_reason.mentor_withdrew,"
        "ended_by_reason.mentee_withdrew,ended_by_reason.left_organisation,"
        "ended_by_reason.mismatch,ended_by_reason.program_closed,ended_by_reason.other,"
        "by_direction.traditional.pairings,by_direction.traditional.active,"
        "by_direction.reverse.pairings,by_direction.reverse.active,"
        "by_direction.peer.pairings,by_direction.peer.active,meetings,minutes,"
        "health.healthy,health.at_risk,health.dormant,health.never_met",
        "2026-11-22,spring-2026,Spring 2026,30,2026-01-05,2026-11-21,closed,3,0,3,"
        "0,0,0,0,0,3,0,1,0,1,0,1,0,4,165,0,0,0,0",
    ]


def test_program_show_of_an_unknown_program_is_refused(
    populated: World, refused: RefusedFn
) -> None:
    assert refused("program", "show", "nope") == "Error: unknown program 'nope'"


def test_person_and_program_show_read_the_views_not_the_aggregates(
    populated: World, ok: RunFn, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_aggregates(*args: object) -> None:
        raise AssertionError("loaded an aggregate")

    for method in ("get_person", "get_program", "get_pairing"):
        monkeypatch.setattr(MentorshipLedger, method, no_aggregates)

    assert _json(ok, "person", "show", "E1")["name"] == "Ada Lovelace"
    assert _json(ok, "program", "show", "spring-2026")["pairings"] == 3
