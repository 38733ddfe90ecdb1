"""Acceptance table, part 2: bad inputs to pair, meet, reverse, end, retract,
reopen and pairing references are refused on SQLite and on PostgreSQL: exit 1,
one `Error: ` line on stderr naming the problem, no traceback, nothing on
stdout, no event written. Part 1 is test_bad_inputs_records_cli.py.

World: E1..E4 in spring-2026 (launched 2026-01-05); P1 E1->E2 paired 2026-02-02,
met three times (last 2026-10-30); P2 E2->E3; P3 E3->E4 paired 2026-04-01,
never met. Today is 2026-11-22. `{p1}`, `{p3}` are pairing ids, `{p1_short}`
the first 5 characters of P1's. ARRANGED rows first record something (which
must succeed), then count events and run the refused command.
"""

from __future__ import annotations

import pytest
from cli_helpers import LONG_TEXT, TOO_LONG, Backend, assert_refused

BAD = "bad\udcff"  # what Python makes of argv bytes that are not UTF-8
UTF8 = "utf-8"
PAIR = ("pair", "--program", "spring-2026")
E1_E4 = (*PAIR, "--mentor", "E1", "--mentee", "E4")
MEET = ("meet", "{p1}", "--minutes")

ROWS = [
    # pair
    pytest.param((*PAIR, "--mentor", "E1", "--mentee", "E1"), "themselves", id="pair self"),
    pytest.param(
        ("pair", "--program", "nope", "--mentor", "E1", "--mentee", "E4"), "unknown program",
        id="pair unknown program",
    ),
    pytest.param(
        ("pair", "--program", "spring-2026\n", "--mentor", "E1", "--mentee", "E4"), "program",
        id="pair slug newline",
    ),
    pytest.param((*PAIR, "--mentor", "E9", "--mentee", "E4"), "unknown person", id="mentor E9"),
    pytest.param((*PAIR, "--mentor", "E1", "--mentee", "E9"), "unknown person", id="mentee E9"),
    pytest.param((*PAIR, "--mentor", "E1\n", "--mentee", "E4"), "person", id="mentor newline"),
    pytest.param((*PAIR, "--mentor", "E2", "--mentee", "E1"), "already have", id="pair twice"),
    pytest.param((*E1_E4, "--direction", "sideways"), "direction", id="pair direction"),
    pytest.param((*E1_E4, "--on", ""), "date", id="pair on ''"),
    pytest.param((*E1_E4, "--on", "2026-02-30"), "date", id="pair feb 30"),
    pytest.param((*E1_E4, "--on", "2027-01-01"), "future", id="pair future"),
    pytest.param((*E1_E4, "--on", "2026-01-04"), "launched", id="pair before launch"),
    # meet
    pytest.param((*MEET, "0"), "minutes", id="minutes 0"),
    pytest.param((*MEET, "1441"), "minutes", id="minutes 1441"),
    pytest.param((*MEET, "-5"), "minutes", id="minutes -5"),
    pytest.param((*MEET, "4_5"), "minutes", id="minutes 4_5"),
    pytest.param((*MEET, "+45"), "minutes", id="minutes +45"),
    pytest.param((*MEET, "\u0664\u0665"), "minutes", id="minutes arabic-indic 45"),
    pytest.param((*MEET, "abc"), "minutes", id="minutes abc"),
    pytest.param((*MEET, "30", "--on", ""), "date", id="meet on ''"),
    pytest.param((*MEET, "30", "--on", "26-1-1"), "date", id="meet 26-1-1"),
    pytest.param((*MEET, "30", "--on", "2026-01-31"), "before the pairing began", id="meet early"),
    pytest.param((*MEET, "30", "--on", "2026-11-23"), "future", id="meet future"),
    pytest.param((*MEET, "30", "--note", BAD), UTF8, id="meet note utf-8"),
    pytest.param((*MEET, "30", "--note", LONG_TEXT), TOO_LONG, id="meet long note"),
    pytest.param((*MEET, "30", "--note", " "), "note", id="meet blank note"),
    # reverse
    pytest.param(("reverse", "{p1}", "--on", ""), "date", id="reverse on ''"),
    pytest.param(("reverse", "{p1}", "--on", "2026-W47-7"), "date", id="reverse week date"),
    pytest.param(("reverse", "{p1}", "--on", "2026-11-23"), "future", id="reverse future"),
    pytest.param(("reverse", "{p3}", "--on", "2026-03-31"), "before", id="reverse early"),
    pytest.param(("reverse", "{p1}", "--note", LONG_TEXT), TOO_LONG, id="reverse long note"),
    pytest.param(("reverse", "{p1}", "--note", BAD), UTF8, id="reverse note utf-8"),
    # end
    pytest.param(("end", "{p1}", "--reason", "bored"), "not one of", id="end reason bored"),
    pytest.param(("end", "{p1}", "--reason", "completed", "--on", ""), "date", id="end on ''"),
    pytest.param(
        ("end", "{p1}", "--reason", "completed", "--on", "2026-10-29"), "last activity",
        id="end before last meeting",
    ),
    pytest.param(
        ("end", "{p1}", "--reason", "completed", "--on", "2026-11-23"), "future", id="end future"
    ),
    pytest.param(("end", "{p1}", "--reason", "other", "--note", BAD), UTF8, id="end note utf-8"),
    pytest.param(
        ("end", "{p1}", "--reason", "other", "--note", LONG_TEXT), TOO_LONG, id="end long note"
    ),
    # retract
    pytest.param(("retract", "{p1}", "9", "--reason", "typo"), "no meeting 9", id="retract 9"),
    pytest.param(("retract", "{p1}", "0", "--reason", "typo"), "no meeting 0", id="retract 0"),
    pytest.param(("retract", "{p3}", "1", "--reason", "typo"), "no meeting 1", id="retract none"),
    pytest.param(("retract", "{p1}", "one", "--reason", "x"), "whole number", id="retract one"),
    pytest.param(("retract", "{p1}", "1", "--reason", ""), "reason", id="retract reason ''"),
    pytest.param(("retract", "{p1}", "1", "--reason", BAD), UTF8, id="retract reason utf-8"),
    pytest.param(("retract", "{p1}", "1", "--reason", LONG_TEXT), TOO_LONG, id="retract long"),
    # reopen (being built: mentorship reopen PAIRING --reason TEXT)
    pytest.param(("reopen", "{p1}", "--reason", "oops"), "active", id="reopen active"),
    pytest.param(("reopen", "000000", "--reason", "oops"), "no pairing id", id="reopen unknown"),
    # pairing references
    pytest.param(("show", "{p1_short}"), "too short", id="ref too short"),
    pytest.param(("show", "000000"), "no pairing id starts with", id="ref unknown prefix"),
    pytest.param(
        ("history", "00000000-0000-0000-0000-000000000000"), "unknown pairing", id="ref unknown id"
    ),
    pytest.param(("meet", "xyz!", "--minutes", "30"), "invalid pairing", id="ref malformed"),
    pytest.param(("end", "E1/E4", "--reason", "other"), "no active pairing", id="ref no pair"),
    pytest.param(("show", "E1/\udcff"), UTF8, id="ref people utf-8"),
]  # fmt: skip

RETRACTED_1 = ("retract", "{p1}", "1", "--reason", "typo")
ENDED_P1 = ("end", "{p1}", "--reason", "mismatch", "--on", "2026-11-01")
E4_LEFT = ("person", "leave", "E4", "--on", "2026-05-01")  # also ends P3
CLOSED = ("program", "close", "spring-2026", "--on", "2026-11-20")  # also ends P1..P3
# Found offline: the E1/E2 pairing ids in these two programs share the prefix 5cdc9f.
TWIN_PREFIXES = [
    ("program", "launch", "cohort-871", "--name", "A"),
    ("program", "launch", "cohort-5043", "--name", "B"),
    ("pair", "--program", "cohort-871", "--mentor", "E1", "--mentee", "E2"),
    ("pair", "--program", "cohort-5043", "--mentor", "E1", "--mentee", "E2"),
]

ARRANGED = [
    pytest.param([RETRACTED_1], RETRACTED_1, "already retracted", id="retract twice"),
    pytest.param([ENDED_P1], ("end", "{p1}", "--reason", "completed"), "ended", id="end twice"),
    pytest.param([ENDED_P1], (*MEET, "30"), "ended", id="meet ended"),
    pytest.param([ENDED_P1], ("reverse", "{p1}"), "ended", id="reverse ended"),
    pytest.param([E4_LEFT], E1_E4, "left", id="pair someone who left"),
    pytest.param([CLOSED], E1_E4, "closed", id="pair in a closed program"),
    pytest.param([CLOSED], ("program", "close", "spring-2026"), "closed", id="close twice"),
    pytest.param([E4_LEFT], ("person", "leave", "E4"), "left", id="leave twice"),
    pytest.param(
        [("person", "add", "E9", "--name", "Nine", "--joined", "2020-01-06"),
         ("person", "leave", "E9", "--on", "2026-05-01")],
        ("person", "update", "E9", "--joined", "2026-06-01"), ("left", "leaving"),
        id="update joined after leaving",
    ),
    pytest.param(TWIN_PREFIXES, ("show", "5cdc9f"), "ambiguous", id="ref ambiguous prefix"),
    pytest.param(
        [("program", "launch", "autumn-2026", "--name", "Autumn", "--on", "2026-09-01"),
         ("pair", "--program", "autumn-2026", "--mentor", "E2", "--mentee", "E1")],
        ("meet", "E1/E2", "--minutes", "30"), "have 2 active pairings", id="ref ambiguous people",
    ),
    pytest.param([E4_LEFT], ("reopen", "{p3}", "--reason", "back"), "left", id="reopen left"),
    pytest.param([CLOSED], ("reopen", "{p1}", "--reason", "again"), "closed", id="reopen closed"),
    pytest.param([ENDED_P1], ("reopen", "{p1}", "--reason", ""), "reason", id="reopen reason ''"),
    pytest.param([ENDED_P1], ("reopen", "{p1}", "--reason", "  "), "reason", id="reopen blank"),
    pytest.param([ENDED_P1], ("reopen", "{p1}"), "--reason", id="reopen without reason"),
    pytest.param([ENDED_P1], ("reopen", "{p1}", "--reason", BAD), UTF8, id="reopen reason utf-8"),
    pytest.param(
        [ENDED_P1], ("reopen", "{p1}", "--reason", LONG_TEXT), TOO_LONG, id="reopen long reason"
    ),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "fragment"), ROWS)
def test_bad_pairing_input_is_refused_in_one_line(
    backend: Backend, argv: tuple[str, ...], fragment: str | tuple[str, ...]
) -> None:
    before = backend.count()

    result = backend.run(*[backend.fill(arg) for arg in argv])

    assert_refused(result, fragment, before, backend.count())


@pytest.mark.parametrize(("arrange", "argv", "fragment"), ARRANGED)
def test_a_command_the_state_forbids_is_refused_in_one_line(
    backend: Backend,
    arrange: list[tuple[str, ...]],
    argv: tuple[str, ...],
    fragment: str | tuple[str, ...],
) -> None:
    for command in arrange:
        done = backend.run(*[backend.fill(arg) for arg in command])
        assert done.exit_code == 0, (command, done.output, done.exception)
    before = backend.count()

    result = backend.run(*[backend.fill(arg) for arg in argv])

    assert_refused(result, fragment, before, backend.count())
