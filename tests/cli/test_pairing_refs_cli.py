"""The ways a command may name a pairing: its full id, a unique prefix of at
least 6 hex digits, or MENTOR/MENTEE: for commands that record, the one active
pairing of two people; for show and history, their only pairing, even ended."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pytest
from cli_helpers import RefusedFn, RunFn, World


def _shown(ok: RunFn, reference: str) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(ok("show", reference, "--format", "json").stdout)
    return shown


@pytest.mark.parametrize(
    "reference",
    [
        lambda w: w.p1,  # full id
        lambda w: w.p1.upper(),  # case does not matter
        lambda w: w.p1.replace("-", ""),  # 32 hex digits
        lambda w: w.p1[:8],  # the short id the table shows
        lambda w: w.p1[:6],  # the shortest prefix allowed
        lambda w: w.p1[:13],  # a prefix with a dash
        lambda w: "E1/E2",
        lambda w: "E2/E1",  # either order
        lambda w: "  E1/E2 ",
    ],
    ids=["full", "upper", "hex", "short", "six", "dashed", "people", "swapped", "spaces"],
)
def test_a_pairing_can_be_named_by_id_prefix_or_people(
    populated: World, ok: RunFn, reference: Any
) -> None:
    assert _shown(ok, reference(populated))["id"] == populated.p1


def test_people_reference_finds_the_pairing_after_a_reversal(populated: World, ok: RunFn) -> None:
    ok("reverse", populated.p3, "--on", "2026-05-01")

    assert _shown(ok, "E4/E3")["id"] == populated.p3
    assert _shown(ok, "E3/E4")["id"] == populated.p3


def test_a_prefix_shorter_than_six_characters_is_refused(
    populated: World, refused: RefusedFn
) -> None:
    prefix = populated.p1[:5]

    message = refused("show", prefix)

    assert message == (f"Error: pairing prefix '{prefix}' is too short: give at least 6 characters")


def test_an_unknown_prefix_is_refused(populated: World, refused: RefusedFn) -> None:
    assert refused("show", "000000") == "Error: no pairing id starts with '000000'"


def test_an_unknown_full_id_is_refused(populated: World, refused: RefusedFn) -> None:
    unknown = "00000000-0000-0000-0000-000000000000"

    assert refused("show", unknown) == f"Error: unknown pairing {unknown}"


@pytest.mark.parametrize("reference", ["Q1-Q2", "zzzzzz", "0" * 33])
def test_a_reference_that_is_neither_id_nor_people_is_refused(
    populated: World, refused: RefusedFn, reference: str
) -> None:
    assert refused("show", reference) == (
        f"Error: invalid pairing '{reference}': give its id, a prefix of at least "
        "6 characters, or MENTOR/MENTEE"
    )


def test_an_ambiguous_prefix_lists_the_candidates(
    people: object, ok: RunFn, refused: RefusedFn
) -> None:
    # Found offline: E1/E2 pairing ids in these two programs share "5cdc9f".
    ids = []
    for slug in ("cohort-871", "cohort-5043"):
        ok("program", "launch", slug, "--name", slug, "--on", "2026-01-05")
        new = ok("pair", "--program", slug, "--mentor", "E1", "--mentee", "E2")
        ids.append(new.stdout.strip())
    assert [i[:7] for i in ids] == ["5cdc9f6", "5cdc9f4"]

    message = refused("show", "5cdc9f")

    assert message == (
        f"Error: pairing prefix '5cdc9f' is ambiguous: {ids[1]}, {ids[0]}"  # sorted by id
    )
    assert _shown(ok, "5cdc9f6")["id"] == ids[0]
    assert UUID(_shown(ok, "5CDC9F4")["id"]) == UUID(ids[1])


def test_people_with_active_pairings_in_two_programs_are_ambiguous(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    ok("program", "launch", "autumn-2026", "--name", "Autumn 2026", "--on", "2026-09-01")
    other = ok("pair", "--program", "autumn-2026", "--mentor", "E2", "--mentee", "E1").stdout

    message = refused("meet", "E1/E2", "--minutes", "30")

    assert message == (
        f"Error: E1 and E2 have 2 active pairings: {populated.p1[:8]} (spring-2026, "
        f"2026-02-02, active), {other[:8]} (autumn-2026, 2026-11-22, active); give an id"
    )


def test_people_without_any_pairing_are_refused(populated: World, refused: RefusedFn) -> None:
    assert refused("show", "E1/E4") == "Error: no pairing of E1 and E4"
    assert refused("history", "E4/E1") == "Error: no pairing of E4 and E1"
    assert refused("meet", "E1/E4", "--minutes", "30") == "Error: no active pairing of E1 and E4"


def test_show_and_history_find_an_ended_pairing_by_its_people(populated: World, ok: RunFn) -> None:
    ok("end", populated.p1, "--reason", "completed", "--on", "2026-11-01")

    shown = _shown(ok, "E2/E1")
    history = json.loads(ok("history", "E1/E2", "--format", "json").stdout)

    assert (shown["id"], shown["status"], shown["ended_on"]) == (
        populated.p1,
        "ended",
        "2026-11-01",
    )
    assert history["pairing"] == populated.p1
    assert history["events"][-1]["type"] == "Ended"


def test_commands_that_record_refuse_an_ended_pairing_named_by_its_people(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    ok("end", populated.p1, "--reason", "completed", "--on", "2026-11-01")

    assert refused("meet", "E1/E2", "--minutes", "30") == "Error: no active pairing of E1 and E2"
    assert refused("end", "E2/E1", "--reason", "other") == "Error: no active pairing of E2 and E1"
    assert refused("reverse", "E1/E2") == "Error: no active pairing of E1 and E2"
    assert refused("retract", "E1/E2", "1", "--reason", "x") == (
        "Error: no active pairing of E1 and E2"
    )


def test_show_of_people_paired_twice_lists_both_pairings(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    ok("end", populated.p1, "--reason", "mismatch", "--on", "2026-11-01")
    pair = ("pair", "--program", "spring-2026", "--mentor", "E2", "--mentee", "E1")
    again = ok(*pair, "--on", "2026-11-02").stdout.strip()

    expected = (
        f"Error: E1 and E2 have 2 pairings: {populated.p1[:8]} (spring-2026, 2026-02-02 to "
        f"2026-11-01), {again[:8]} (spring-2026, 2026-11-02, active); give an id"
    )
    assert refused("show", "E1/E2") == expected
    assert refused("history", "E1/E2") == expected
    assert ok("meet", "E1/E2", "--minutes", "30").stdout == (
        f"Recorded meeting 1 of pairing {again}\n"  # the one active pairing
    )
    assert _shown(ok, again[:8])["status"] == "active"
