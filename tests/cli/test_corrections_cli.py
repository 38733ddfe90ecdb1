"""Correcting mistakes from the command line: reopen a mistaken ending, and
confirm before `person leave` or `program close` ends pairings in bulk."""

from __future__ import annotations

import json

import pytest
from cli_helpers import ACTOR, CLEAN_ENV, CountFn, RefusedFn, RunFn, World
from click.testing import CliRunner, Result

from cli.context import LedgerContext
from cli.main import cli
from domain.application import MentorshipLedger


def _listed(ok: RunFn) -> dict[str, dict[str, object]]:
    return {row["id"]: row for row in json.loads(ok("list", "--format", "json").stdout)}


def test_reopen_makes_an_ended_pairing_active_again_in_every_view(
    populated: World, ok: RunFn
) -> None:
    ok("end", populated.p1, "--reason", "mismatch", "--on", "2026-11-01")

    result = ok("reopen", populated.p1, "--reason", "ended the wrong pairing")

    assert result.stdout == f"Reopened pairing {populated.p1}: it is active again\n"
    row = _listed(ok)[populated.p1]
    assert (row["status"], row["ended_on"], row["end_reason"]) == ("active", None, None)
    retention = json.loads(ok("retention", "--format", "json").stdout)
    traditional = next(g for g in retention["groups"] if g["key"] == "traditional")
    assert (traditional["active"], traditional["dropped_out"]) == (1, 0)


def test_the_history_keeps_the_ending_and_shows_the_reopening(populated: World, ok: RunFn) -> None:
    ok("end", populated.p1, "--reason", "mismatch", "--on", "2026-11-01")
    ok("reopen", populated.p1, "--reason", "ended the wrong pairing")

    events = json.loads(ok("history", populated.p1, "--format", "json").stdout)["events"]

    assert [e["type"] for e in events][-2:] == ["Ended", "Reopened"]
    assert events[-1]["details"] == {"reason": "ended the wrong pairing"}
    assert events[-1]["actor"] == ACTOR


def test_reopen_resolves_the_only_pairing_of_two_people_even_when_ended(
    populated: World, ok: RunFn
) -> None:
    ok("end", populated.p2, "--reason", "completed", "--on", "2026-11-01")

    result = ok("reopen", "E2/E3", "--reason", "not finished after all")

    assert result.stdout == f"Reopened pairing {populated.p2}: it is active again\n"


def test_reopen_of_an_active_pairing_is_refused(populated: World, refused: RefusedFn) -> None:
    line = refused("reopen", populated.p1, "--reason", "why not")

    assert line == (
        f"Error: pairing {populated.p1} is active; only an ended pairing can be reopened"
    )


def test_reopen_without_a_reason_is_refused(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    ok("end", populated.p1, "--reason", "mismatch", "--on", "2026-11-01")

    assert refused("reopen", populated.p1, "--reason", "") == (
        "Error: reason for reopening must not be empty"
    )


# Confirmation before ending pairings in bulk.


@pytest.fixture
def at_terminal(store: str, ledger: MentorshipLedger) -> RunFn:
    """Runs a command as if a person were at the keyboard (stdin is a terminal)."""

    def _run(*args: str, input: str | None = None) -> Result:
        context = LedgerContext(store, ACTOR, ledger=ledger, interactive=True)
        runner = CliRunner(env=CLEAN_ENV)
        return runner.invoke(cli, list(args), input=input, obj=context)

    return _run


def test_leave_at_a_terminal_lists_what_will_end_and_asks(
    populated: World, at_terminal: RunFn, written: CountFn
) -> None:
    before = written()

    result = at_terminal("person", "leave", "E3", "--on", "2026-11-20", input="y\n")

    assert result.exit_code == 0, result.output
    assert "This will end 2 active pairing(s) on 2026-11-20:" in result.stderr
    assert f"  {populated.p2[:8]}  spring-2026  E2 mentoring E3 since 2026-03-02" in result.stderr
    assert f"  {populated.p3[:8]}  spring-2026  E3 mentoring E4 since 2026-04-01" in result.stderr
    assert "Go ahead? [y/N]" in result.stderr
    assert written() == before + 3  # the departure and two endings


def test_declining_the_confirmation_records_nothing(
    populated: World, at_terminal: RunFn, written: CountFn
) -> None:
    before = written()

    result = at_terminal("program", "close", "spring-2026", "--on", "2026-11-20", input="n\n")

    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: cancelled: nothing was recorded"
    assert result.stdout == ""
    assert written() == before


def test_yes_skips_the_question(populated: World, at_terminal: RunFn) -> None:
    result = at_terminal("program", "close", "spring-2026", "--on", "2026-11-20", "--yes")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines()[0] == "Closed spring-2026 on 2026-11-20"


def test_without_a_terminal_nothing_is_asked(populated: World, ok: RunFn) -> None:
    result = ok("person", "leave", "E3", "--on", "2026-11-20")

    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "Recorded that E3 left on 2026-11-20",
        f"Ended pairing {populated.p2} (left_organisation)",
        f"Ended pairing {populated.p3} (left_organisation)",
    ]


def test_nothing_to_end_means_nothing_to_ask(people: MentorshipLedger, at_terminal: RunFn) -> None:
    result = at_terminal("person", "leave", "E4", "--on", "2026-11-20")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_the_history_marks_what_was_taken_back_and_by_which_event(
    populated: World, ok: RunFn
) -> None:
    # P1's events: 1 paired, 2-4 meetings 1-3, then:
    ok("retract", populated.p1, "2", "--reason", "logged twice")  # 5
    ok("end", populated.p1, "--reason", "mismatch", "--on", "2026-11-01")  # 6
    ok("reopen", populated.p1, "--reason", "ended the wrong pairing")  # 7

    events = json.loads(ok("history", populated.p1, "--format", "json").stdout)["events"]
    table = ok("history", populated.p1).stdout

    taken_back = {e["number"]: e["retracted_by"] for e in events}
    assert taken_back == {1: None, 2: None, 3: 5, 4: None, 5: None, 6: 7, 7: None}
    assert "[retracted by no. 5] number=2" in table
    assert "[retracted by no. 7] reason=mismatch" in table
