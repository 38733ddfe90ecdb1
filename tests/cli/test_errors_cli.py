"""User errors: exit code 1, exactly one `Error: ...` line on stderr, nothing on
stdout, no traceback, and no event written (all checked by `refused`).

Each case runs on the populated world (P1 E1->E2, P2 E2->E3, P3 E3->E4 in
spring-2026, today 2026-11-22); `{p1}` and `{p3}` stand for the pairing ids.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest
from cli_helpers import RefusedFn, RunFn, World

PAIR = ("pair", "--program", "spring-2026")
CHOICES_END = (
    "completed, mentor_withdrew, mentee_withdrew, left_organisation, mismatch, "
    "program_closed, other"
)
UNKNOWN_E9 = "Error: unknown person 'E9'"
WHOLE_MINUTES = "Error: minutes must be a whole number from 1 to 1440, not"

# (arrange, act, the whole error line)
CASES: dict[str, tuple[list[tuple[str, ...]], tuple[str, ...], str]] = {
    # Unknown things.
    "unknown mentor": ([], (*PAIR, "--mentor", "E9", "--mentee", "E2"), UNKNOWN_E9),
    "unknown mentee": ([], (*PAIR, "--mentor", "E1", "--mentee", "E9"), UNKNOWN_E9),
    "update unknown person": ([], ("person", "update", "E9", "--level", "3"), UNKNOWN_E9),
    "leave unknown person": ([], ("person", "leave", "E9"), UNKNOWN_E9),
    "unknown program": (
        [], ("pair", "--program", "nope", "--mentor", "E1", "--mentee", "E4"),
        "Error: unknown program 'nope'",
    ),
    "close unknown program": ([], ("program", "close", "nope"), "Error: unknown program 'nope'"),
    "unknown pairing id": (
        [], ("meet", "00000000-0000-0000-0000-000000000000", "--minutes", "30"),
        "Error: unknown pairing 00000000-0000-0000-0000-000000000000",
    ),
    "unknown pairing prefix": (
        [], ("end", "000000", "--reason", "completed"), "Error: no pairing id starts with '000000'"
    ),
    "short pairing prefix": (
        [], ("retract", "{p1_short}", "1", "--reason", "x"),
        "Error: pairing prefix '{p1_short}' is too short: give at least 6 characters",
    ),
    "no active pairing of two people": (
        [], ("reverse", "E1/E4"), "Error: no active pairing of E1 and E4"
    ),
    # Program, people and pairing rules.
    "closed program": (
        [("program", "close", "spring-2026", "--on", "2026-11-20")],
        (*PAIR, "--mentor", "E1", "--mentee", "E4"),
        "Error: program spring-2026 was closed on 2026-11-20",
    ),
    "person who left": (
        [("person", "leave", "E4", "--on", "2026-05-01")],
        (*PAIR, "--mentor", "E1", "--mentee", "E4"),
        "Error: E4 left the organisation on 2026-05-01",
    ),
    "self-pairing": (
        [], (*PAIR, "--mentor", "E1", "--mentee", "E1"), "Error: cannot pair E1 with themselves"
    ),
    "duplicate active pairing": (
        [], (*PAIR, "--mentor", "E2", "--mentee", "E1"),
        "Error: E2 and E1 already have an active pairing in spring-2026: {p1}",
    ),
    "missing level without direction": (
        [("person", "add", "E9", "--name", "No Level")],
        (*PAIR, "--mentor", "E9", "--mentee", "E1"),
        "Error: E9 has no level, so the direction cannot be derived: "
        "give --direction or set their level",
    ),
    "meet on an ended pairing": (
        [("end", "{p1}", "--reason", "completed", "--on", "2026-11-01")],
        ("meet", "{p1}", "--minutes", "30"),
        "Error: pairing {p1} ended on 2026-11-01 (completed); it cannot change",
    ),
    "reverse an ended pairing": (
        [("end", "{p1}", "--reason", "mismatch", "--on", "2026-11-01")],
        ("reverse", "{p1}"),
        "Error: pairing {p1} ended on 2026-11-01 (mismatch); it cannot change",
    ),
    "end an ended pairing": (
        [("end", "{p1}", "--reason", "other", "--on", "2026-11-01")],
        ("end", "{p1}", "--reason", "completed"),
        "Error: pairing {p1} ended on 2026-11-01 (other); it cannot change",
    ),
    "retract a missing meeting": (
        [], ("retract", "{p1}", "9", "--reason", "typo"),
        "Error: pairing {p1} has no meeting 9 (it has 3 recorded)",
    ),
    "retract from a pairing without meetings": (
        [], ("retract", "{p3}", "1", "--reason", "typo"),
        "Error: pairing {p3} has no meeting 1 (it has 0 recorded)",
    ),
    "retract without a reason": (
        [], ("retract", "{p1}", "1", "--reason", "  "), "Error: retraction reason must not be empty"
    ),
    "duplicate person": (
        [], ("person", "add", "E1", "--name", "Ada Again"), "Error: person E1 is already registered"
    ),
    "duplicate program": (
        [], ("program", "launch", "spring-2026", "--name", "Again"),
        "Error: program spring-2026 already exists",
    ),
    # Dates.
    "meeting before the pairing": (
        [], ("meet", "{p1}", "--minutes", "30", "--on", "2026-01-31"),
        "Error: meeting date 2026-01-31 is before the pairing began on 2026-02-02",
    ),
    "end before the last meeting": (
        [], ("end", "{p1}", "--reason", "completed", "--on", "2026-10-29"),
        "Error: end date 2026-10-29 is before the pairing's last activity on 2026-10-30",
    ),
    "reversal before the pairing": (
        [], ("reverse", "{p3}", "--on", "2026-03-31"),
        "Error: reversal date 2026-03-31 is before the pairing began on 2026-04-01",
    ),
    "pairing before the launch": (
        [], (*PAIR, "--mentor", "E1", "--mentee", "E4", "--on", "2026-01-04"),
        "Error: pairing date 2026-01-04 is before program spring-2026 was launched on 2026-01-05",
    ),
    "pairing before joining": (
        [("program", "launch", "old", "--name", "Old", "--on", "2020-01-06")],
        ("pair", "--program", "old", "--mentor", "E1", "--mentee", "E2", "--on", "2021-01-04"),
        "Error: pairing date 2021-01-04 is before E2 joined on 2022-01-10",
    ),
    "leaving before joining": (
        [], ("person", "leave", "E1", "--on", "2019-03-31"),
        "Error: leaving date 2019-03-31 is before E1 joined on 2019-04-01",
    ),
    "leaving before one of two pairings began": (
        [], ("person", "leave", "E3", "--on", "2026-03-20"),
        "Error: cannot end active pairing {p3} on 2026-03-20: "
        "end date 2026-03-20 is before the pairing began on 2026-04-01",
    ),
    "meeting in the future": (
        [], ("meet", "{p1}", "--minutes", "30", "--on", "2026-11-23"),
        "Error: meeting date 2026-11-23 is in the future (today is 2026-11-22)",
    ),
    "pairing in the future": (
        [], (*PAIR, "--mentor", "E1", "--mentee", "E4", "--on", "2027-01-01"),
        "Error: pairing date 2027-01-01 is in the future (today is 2026-11-22)",
    ),
    "end in the future": (
        [], ("end", "{p1}", "--reason", "completed", "--on", "2026-11-23"),
        "Error: end date 2026-11-23 is in the future (today is 2026-11-22)",
    ),
    "joining in the future": (
        [], ("person", "add", "E9", "--name", "Soon", "--joined", "2026-12-01"),
        "Error: joining date 2026-12-01 is in the future (today is 2026-11-22)",
    ),
    "leaving in the future": (
        [], ("person", "leave", "E2", "--on", "2026-11-23"),
        "Error: leaving date 2026-11-23 is in the future (today is 2026-11-22)",
    ),
    "retention as of the future": (
        [], ("retention", "--as-of", "2026-11-23"),
        "Error: --as-of date 2026-11-23 is in the future (today is 2026-11-22)",
    ),
    "engagement as of the future": (
        [], ("engagement", "--at-risk", "--as-of", "2027-01-01"),
        "Error: --as-of date 2027-01-01 is in the future (today is 2026-11-22)",
    ),
    "malformed meeting date": (
        [], ("meet", "{p1}", "--minutes", "30", "--on", "2026-13-01"),
        "Error: invalid meeting date '2026-13-01': expected YYYY-MM-DD",
    ),
    "unpadded meeting date": (
        [], ("meet", "{p1}", "--minutes", "30", "--on", "2026-1-5"),
        "Error: invalid meeting date '2026-1-5': expected YYYY-MM-DD",
    ),
    "malformed pairing date": (
        [], (*PAIR, "--mentor", "E1", "--mentee", "E4", "--on", "2026-02-30"),
        "Error: invalid pairing date '2026-02-30': expected YYYY-MM-DD",
    ),
    "malformed end date": (
        [], ("end", "{p1}", "--reason", "completed", "--on", "yesterday"),
        "Error: invalid end date 'yesterday': expected YYYY-MM-DD",
    ),
    "malformed reversal date": (
        [], ("reverse", "{p1}", "--on", "2026/06/01"),
        "Error: invalid reversal date '2026/06/01': expected YYYY-MM-DD",
    ),
    "malformed leaving date": (
        [], ("person", "leave", "E2", "--on", "31-12-2026"),
        "Error: invalid leaving date '31-12-2026': expected YYYY-MM-DD",
    ),
    "malformed launch date": (
        [], ("program", "launch", "x", "--name", "X", "--on", "2026-00-10"),
        "Error: invalid launch date '2026-00-10': expected YYYY-MM-DD",
    ),
    "malformed closing date": (
        [], ("program", "close", "spring-2026", "--on", "soon"),
        "Error: invalid closing date 'soon': expected YYYY-MM-DD",
    ),
    "malformed joining date": (
        [], ("person", "update", "E2", "--joined", "2022-02-29"),
        "Error: invalid joining date '2022-02-29': expected YYYY-MM-DD",
    ),
    "malformed as-of date": (
        [], ("retention", "--as-of", "2026-11-xx"),
        "Error: invalid --as-of date '2026-11-xx': expected YYYY-MM-DD",
    ),
    # Minutes, reasons, directions and other values.
    "zero minutes": ([], ("meet", "{p1}", "--minutes", "0"), f"{WHOLE_MINUTES} 0"),
    "too many minutes": ([], ("meet", "{p1}", "--minutes", "1441"), f"{WHOLE_MINUTES} 1441"),
    "negative minutes": ([], ("meet", "{p1}", "--minutes", "-5"), f"{WHOLE_MINUTES} '-5'"),
    "fractional minutes": ([], ("meet", "{p1}", "--minutes", "45.5"), f"{WHOLE_MINUTES} '45.5'"),
    "non-numeric minutes": ([], ("meet", "{p1}", "--minutes", "abc"), f"{WHOLE_MINUTES} 'abc'"),
    "empty minutes": ([], ("meet", "{p1}", "--minutes", ""), f"{WHOLE_MINUTES} ''"),
    "unknown end reason": (
        [], ("end", "{p1}", "--reason", "bored"),
        "Error: Invalid value for '--reason': 'bored' is not one of 'completed', "
        "'mentor_withdrew', 'mentee_withdrew', 'left_organisation', 'mismatch', "
        "'program_closed', 'other'.",
    ),
    "unknown direction for pair": (
        [], (*PAIR, "--mentor", "E1", "--mentee", "E4", "--direction", "sideways"),
        "Error: Invalid value for '--direction': 'sideways' is not one of 'traditional', "
        "'reverse', 'peer'.",
    ),
    "unknown direction for list": (
        [], ("list", "--direction", "sideways"),
        "Error: Invalid value for '--direction': 'sideways' is not one of "
        "'traditional', 'reverse', 'peer'.",
    ),
    "unknown format": (
        [], ("people", "--format", "xml"),
        "Error: Invalid value for '--format': 'xml' is not one of 'table', 'json', 'csv'.",
    ),
    "invalid person id": (
        [], ("person", "add", "bad id!", "--name", "X"),
        "Error: invalid person id 'bad id!': use letters, digits, '.', '_' or '-'",
    ),
    "level out of range": (
        [], ("person", "add", "E9", "--name", "X", "--level", "100"),
        "Error: level must be a whole number from 0 to 99, not 100",
    ),
    "non-numeric level": (
        [], ("person", "update", "E1", "--level", "senior"),
        "Error: level must be a whole number from 0 to 99, not 'senior'",
    ),
    "blank name": ([], ("person", "add", "E9", "--name", " "), "Error: name must not be empty"),
    "blank actor": (
        [], ("--actor", " ", "meet", "{p1}", "--minutes", "30"),
        "Error: actor must not be empty",
    ),
    "at-risk and monthly together": (
        [], ("engagement", "--at-risk", "--monthly"),
        "Error: choose one of --at-risk and --monthly",
    ),
    # Usage mistakes are errors too.
    "missing option": (
        [], (*PAIR, "--mentor", "E1"), "Error: Missing option '--mentee'."
    ),
    "missing minutes": ([], ("meet", "{p1}"), "Error: Missing option '--minutes'."),
    "missing end reason": (
        [],
        ("end", "{p1}"),
        "Error: Missing option '--reason'. Choose from: completed, mentor_withdrew, "
        "mentee_withdrew, left_organisation, mismatch, program_closed, other",
    ),
    "missing name": ([], ("person", "add", "E9"), "Error: Missing option '--name'."),
    "missing argument": ([], ("show",), "Error: Missing argument 'PAIRING'."),
    "missing meeting number": (
        [], ("retract", "{p1}", "--reason", "x"), "Error: Missing argument 'MEETING_NUMBER'."
    ),
    "non-numeric meeting number": (
        [], ("retract", "{p1}", "first", "--reason", "x"),
        "Error: meeting number must be a whole number, not 'first'",
    ),
    "unknown command": ([], ("bogus",), "Error: No such command 'bogus'."),
    "unknown option": ([], ("list", "--bogus"), "Error: No such option '--bogus'."),
    "global option without value": (
        [], ("--store",), "Error: Option '--store' requires an argument."
    ),
}  # fmt: skip


def _fill(text: str, world: World) -> str:
    return text.format(**asdict(world), p1_short=world.p1[:5])


@pytest.mark.parametrize(("arrange", "act", "expected"), CASES.values(), ids=CASES.keys())
def test_user_errors_are_one_line_and_write_nothing(
    populated: World,
    ok: RunFn,
    refused: RefusedFn,
    arrange: list[tuple[str, ...]],
    act: tuple[str, ...],
    expected: str,
) -> None:
    for command in arrange:
        ok(*[_fill(arg, populated) for arg in command])

    message = refused(*[_fill(arg, populated) for arg in act])

    assert message == _fill(expected, populated)


def test_minutes_with_an_underscore_are_refused(populated: World, refused: RefusedFn) -> None:
    message = refused("meet", populated.p1, "--minutes", "4_5")

    assert message == f"{WHOLE_MINUTES} '4_5'"


def test_a_week_date_is_not_a_yyyy_mm_dd_date(populated: World, refused: RefusedFn) -> None:
    message = refused("meet", populated.p1, "--minutes", "30", "--on", "2026-W47-7")

    assert message == "Error: invalid meeting date '2026-W47-7': expected YYYY-MM-DD"


def test_refused_commands_leave_the_reports_as_they_were(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    queries = [("list", "--format", "json"), ("engagement", "--format", "json")]
    before = [ok(*q).stdout for q in queries]

    refused("meet", populated.p1, "--minutes", "0")
    refused("end", "E1/E2", "--reason", "completed", "--on", "2026-10-29")
    refused("program", "close", "spring-2026", "--on", "2026-10-01")

    assert [ok(*q).stdout for q in queries] == before
