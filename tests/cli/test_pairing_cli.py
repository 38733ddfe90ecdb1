"""Commands that change a pairing (`pair`, `meet`, `reverse`, `end`, `retract`)
and the ways a command may name a pairing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cli_helpers import CountFn, RefusedFn, RunFn, World

from domain.mentorship import pairing_id


def _shown(ok: RunFn, reference: str) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(ok("show", reference, "--format", "json").stdout)
    return shown


def _listed(ok: RunFn) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in json.loads(ok("list", "--format", "json").stdout)}


# pair


def test_pair_prints_only_the_new_pairings_id(people: object, ok: RunFn, written: CountFn) -> None:
    before = written()

    result = ok(
        "pair", "--program", "spring-2026", "--mentor", "E1", "--mentee", "E2",
        "--on", "2026-02-02",
    )  # fmt: skip

    # Pairing ids are derived from program, the two people and the generation.
    expected = str(pairing_id("spring-2026", "E1", "E2", 1))
    assert result.stdout == f"{expected}\n"
    assert result.stderr == ""
    assert written() == before + 3  # the pairing, and the pairing on each person
    assert _listed(ok)[expected] == {
        "id": expected,
        "program": "spring-2026",
        "mentor": "E1",
        "mentee": "E2",
        "direction": "traditional",
        "status": "active",
        "paired_on": "2026-02-02",
        "ended_on": None,
        "end_reason": None,
        "reversals": 0,
        "meetings": 0,
        "minutes": 0,
        "last_met_on": None,
    }


@pytest.mark.parametrize(
    ("mentor", "mentee", "direction"),
    [
        ("E1", "E3", "traditional"),  # level 7 mentors level 3
        ("E3", "E4", "reverse"),  # level 3 mentors level 5
        ("E2", "E3", "peer"),  # both level 3
    ],
)
def test_pair_derives_the_direction_from_the_levels(
    people: object, ok: RunFn, mentor: str, mentee: str, direction: str
) -> None:
    new = ok("pair", "--program", "spring-2026", "--mentor", mentor, "--mentee", mentee)

    shown = _shown(ok, new.stdout.strip())
    assert (shown["direction"], shown["direction_at_pairing"]) == (direction, direction)
    assert shown["paired_on"] == "2026-11-22"  # today by default


def test_pair_with_an_explicit_direction_overrides_the_levels(people: object, ok: RunFn) -> None:
    new = ok(
        "pair", "--program", "spring-2026", "--mentor", "E1", "--mentee", "E3",
        "--direction", "peer",
    )  # fmt: skip

    assert _shown(ok, new.stdout.strip())["direction"] == "peer"


def test_pair_without_levels_works_with_an_explicit_direction(ok: RunFn) -> None:
    ok("person", "add", "X1", "--name", "No Level")
    ok("person", "add", "X2", "--name", "Also None")
    ok("program", "launch", "buddies", "--name", "Buddies", "--on", "2026-01-05")

    new = ok(
        "pair", "--program", "buddies", "--mentor", "X1", "--mentee", "X2", "--direction", "peer"
    )

    assert _shown(ok, "X1/X2")["id"] == new.stdout.strip()


def test_pairing_again_after_an_ending_gets_a_new_id(populated: World, ok: RunFn) -> None:
    ok("end", populated.p1, "--reason", "completed", "--on", "2026-11-01")

    new = ok("pair", "--program", "spring-2026", "--mentor", "E2", "--mentee", "E1")

    second = str(pairing_id("spring-2026", "E1", "E2", 2))
    assert new.stdout == f"{second}\n"
    met = ok("meet", "E1/E2", "--minutes", "30")  # records take the one active pairing
    assert met.stdout == f"Recorded meeting 1 of pairing {second}\n"


# meet


def test_meet_prints_the_meeting_number_and_counts_it(
    populated: World, ok: RunFn, written: CountFn
) -> None:
    before = written()

    result = ok("meet", populated.p1, "--minutes", "50", "--on", "2026-11-20", "--note", "Goals")

    assert result.stdout == f"Recorded meeting 4 of pairing {populated.p1}\n"
    assert written() == before + 1
    shown = _shown(ok, populated.p1)
    assert (shown["meetings"], shown["minutes"], shown["last_met_on"]) == (4, 185, "2026-11-20")
    assert shown["meeting_log"][-1] == {
        "number": 4,
        "on": "2026-11-20",
        "minutes": 50,
        "note": "Goals",
        "retracted": False,
    }


def test_meet_defaults_to_today_and_accepts_the_boundary_lengths(
    populated: World, ok: RunFn
) -> None:
    ok("meet", "E3/E4", "--minutes", "1")
    ok("meet", "E4/E3", "--minutes", "1440")

    shown = _shown(ok, populated.p3)
    assert [(m["on"], m["minutes"]) for m in shown["meeting_log"]] == [
        ("2026-11-22", 1),
        ("2026-11-22", 1440),
    ]


# reverse


def test_reverse_swaps_mentor_and_mentee_and_the_direction(populated: World, ok: RunFn) -> None:
    result = ok("reverse", populated.p1, "--on", "2026-06-01", "--note", "Ada learns Go")

    assert result.stdout == (
        f"Reversed roles of pairing {populated.p1}: E2 now mentors E1 (reverse)\n"
    )
    listed = _listed(ok)[populated.p1]
    assert (listed["mentor"], listed["mentee"], listed["direction"], listed["reversals"]) == (
        "E2",
        "E1",
        "reverse",
        1,
    )
    shown = _shown(ok, populated.p1)
    assert (shown["direction_at_pairing"], shown["reversals"], shown["reversal_dates"]) == (
        "traditional",
        1,
        ["2026-06-01"],
    )


def test_reversing_twice_restores_the_original_roles(populated: World, ok: RunFn) -> None:
    ok("reverse", populated.p1, "--on", "2026-06-01")

    result = ok("reverse", "E2/E1", "--on", "2026-07-01")

    assert result.stdout == (
        f"Reversed roles of pairing {populated.p1}: E1 now mentors E2 (traditional)\n"
    )
    listed = _listed(ok)[populated.p1]
    assert (listed["mentor"], listed["direction"], listed["reversals"]) == ("E1", "traditional", 2)


def test_reversing_a_peer_pairing_keeps_it_peer(populated: World, ok: RunFn) -> None:
    result = ok("reverse", populated.p2, "--on", "2026-04-01")

    assert result.stdout == f"Reversed roles of pairing {populated.p2}: E3 now mentors E2 (peer)\n"


def test_a_reversal_before_the_previous_one_is_refused(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    ok("reverse", populated.p1, "--on", "2026-06-01")

    message = refused("reverse", populated.p1, "--on", "2026-05-01")

    assert message == (
        "Error: reversal date 2026-05-01 is before the previous reversal on 2026-06-01"
    )


# end


@pytest.mark.parametrize(
    "reason",
    [
        "completed",
        "mentor_withdrew",
        "mentee_withdrew",
        "left_organisation",
        "mismatch",
        "program_closed",
        "other",
    ],
)
def test_end_records_the_date_and_each_reason(populated: World, ok: RunFn, reason: str) -> None:
    result = ok("end", "E1/E2", "--reason", reason, "--on", "2026-11-01")

    assert result.stdout == f"Ended pairing {populated.p1} on 2026-11-01 ({reason})\n"
    listed = _listed(ok)[populated.p1]
    assert (listed["status"], listed["ended_on"], listed["end_reason"]) == (
        "ended",
        "2026-11-01",
        reason,
    )


def test_end_defaults_to_today(populated: World, ok: RunFn) -> None:
    result = ok("end", populated.p3, "--reason", "mismatch", "--note", "never clicked")

    assert result.stdout == f"Ended pairing {populated.p3} on 2026-11-22 (mismatch)\n"


# retract


def test_retracting_a_meeting_stops_it_counting_but_keeps_it_listed(
    populated: World, ok: RunFn, written: CountFn
) -> None:
    before = written()

    result = ok("retract", populated.p1, "1", "--reason", "logged twice")

    assert result.stdout == f"Retracted meeting 1 of pairing {populated.p1}\n"
    assert written() == before + 1
    shown = _shown(ok, populated.p1)
    assert (shown["meetings"], shown["minutes"], shown["last_met_on"]) == (2, 75, "2026-10-30")
    assert [m["retracted"] for m in shown["meeting_log"]] == [True, False, False]
    listed = _listed(ok)[populated.p1]
    assert (listed["meetings"], listed["minutes"], listed["last_met_on"]) == (2, 75, "2026-10-30")


def test_retracting_the_latest_meeting_moves_last_met_back(populated: World, ok: RunFn) -> None:
    ok("retract", populated.p1, "3", "--reason", "wrong pair")

    listed = _listed(ok)[populated.p1]
    assert (listed["meetings"], listed["minutes"], listed["last_met_on"]) == (2, 105, "2026-03-10")


def test_a_retracted_meeting_keeps_its_number(populated: World, ok: RunFn) -> None:
    ok("retract", populated.p1, "3", "--reason", "wrong pair")

    result = ok("meet", populated.p1, "--minutes", "20", "--on", "2026-11-02")

    assert result.stdout == f"Recorded meeting 4 of pairing {populated.p1}\n"


def test_retracting_the_same_meeting_twice_is_refused(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    ok("retract", populated.p1, "1", "--reason", "logged twice")

    message = refused("retract", populated.p1, "1", "--reason", "again")

    assert message == f"Error: meeting 1 of pairing {populated.p1} is already retracted"


def test_a_meeting_of_an_ended_pairing_can_still_be_retracted(populated: World, ok: RunFn) -> None:
    ok("end", populated.p1, "--reason", "completed", "--on", "2026-11-01")

    result = ok("retract", populated.p1, "3", "--reason", "never happened")

    assert result.stdout == f"Retracted meeting 3 of pairing {populated.p1}\n"
    listed = _listed(ok)[populated.p1]
    assert (listed["status"], listed["meetings"], listed["last_met_on"]) == (
        "ended",
        2,
        "2026-03-10",
    )
