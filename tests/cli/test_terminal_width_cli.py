"""Tables fit the terminal: on an 80-column terminal long text is cut with "…"
or wrapped and low-value columns give way; piped output is never shortened."""

from __future__ import annotations

import json

import pytest
from cli_helpers import RunFn, World

from cli import output

LONG_PROGRAM = "leadership-for-engineers-2026"
LONG_NAME = "Maximilian Alexander von Humboldt-Lovelace"
LONG_NOTE = "Went through the promotion packet, then practised the calibration talk twice"
TERMINAL = {"COLUMNS": "80"}


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout is a terminal; its width comes from COLUMNS."""
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)


@pytest.fixture
def long_names(populated: World, ok: RunFn) -> str:
    """P4: E1 mentors E5 (a long name) in a program with a long slug; its id."""
    ok("person", "add", "E5", "--name", LONG_NAME, "--level", "4")
    ok(
        "program", "launch", LONG_PROGRAM, "--on", "2026-08-01",
        "--name", "Leadership for engineers who mentor across departments",
    )  # fmt: skip
    pairing = ok(
        "pair", "--program", LONG_PROGRAM, "--mentor", "E1", "--mentee", "E5", "--on", "2026-09-01"
    ).stdout.strip()
    ok("meet", pairing, "--minutes", "50", "--on", "2026-09-15", "--note", LONG_NOTE)
    return pairing


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_list_on_a_terminal_cuts_the_program_and_leaves_out_the_ending(
    populated: World, long_names: str, terminal: None, ok: RunFn
) -> None:
    # Without ended_on, end_reason and last_met_on the other columns take 55 and
    # the gaps 14: 11 left for the program.
    assert ok("list", env=TERMINAL).stdout.splitlines() == [
        "short_id  program      mentor  mentee  direction    status  paired_on   meetings",
        "--------  -----------  ------  ------  -----------  ------  ----------  --------",
        f"{populated.p1[:8]}  spring-2026  E1      E2      traditional  active  2026-02-02  3",
        f"{populated.p2[:8]}  spring-2026  E2      E3      peer         active  2026-03-02  1",
        f"{populated.p3[:8]}  spring-2026  E3      E4      reverse      active  2026-04-01  0",
        f"{long_names[:8]}  leadership…  E1      E5      traditional  active  2026-09-01  1",
    ]


def test_list_on_a_wide_terminal_is_not_cut(
    populated: World, long_names: str, terminal: None, ok: RunFn
) -> None:
    shown = ok("list", env={"COLUMNS": "200"}).stdout

    assert shown.splitlines()[0] == (
        "short_id  program                        mentor  mentee  direction    status  "
        "paired_on   ended_on  end_reason  meetings  last_met_on"
    )
    assert _widest(shown) == 133


def test_piped_output_is_never_shortened(populated: World, long_names: str, ok: RunFn) -> None:
    listed = ok("list", env=TERMINAL).stdout

    assert listed.splitlines()[-1] == (
        f"{long_names[:8]}  {LONG_PROGRAM}  E1      E5      traditional  active  "
        "2026-09-01  -         -           1         2026-09-15"
    )
    assert _widest(listed) == 133
    assert LONG_NAME in ok("people", env=TERMINAL).stdout


def test_history_on_a_terminal_wraps_the_details_and_the_title(
    populated: World, long_names: str, terminal: None, ok: RunFn
) -> None:
    lines = ok("history", long_names, env=TERMINAL).stdout.splitlines()

    assert max(len(line) for line in lines) <= 80
    title = (
        f"Pairing {long_names} in {LONG_PROGRAM} (Leadership for engineers who mentor across "
        f"departments): E1 (Ada Lovelace) mentoring E5 ({LONG_NAME})"
    )
    assert " ".join(lines[: lines.index("")]).split() == title.split()  # every word kept
    table = lines[lines.index("") + 1 :]
    # no. 3, type 6, on 10, recorded_at_utc 19, actor 6: details start at 54.
    assert [line[:25].rstrip() for line in table[2:]] == [
        "1    Paired  2026-09-01",
        "",
        "",
        "",
        "",
        "",
        "2    Met     2026-09-15",
        "",
        "",
        "",
        "",
    ]
    assert [line[54:] for line in table] == [
        "details",
        "--------------------------",
        "program=leadership-for-",
        "engineers-2026, mentor=E1,",
        "mentee=E5,",
        "direction=traditional,",
        "mentor_level=7,",
        "mentee_level=4",
        "number=1, minutes=50,",
        "note=Went through the",
        "promotion packet, then",
        "practised the calibration",
        "talk twice",
    ]


def test_history_json_and_csv_on_a_terminal_keep_the_full_details(
    populated: World, long_names: str, terminal: None, ok: RunFn
) -> None:
    found = json.loads(ok("history", long_names, "--format", "json", env=TERMINAL).stdout)
    csv = ok("history", long_names, "--format", "csv", env=TERMINAL).stdout

    assert found["mentee"] == {"id": "E5", "name": LONG_NAME}
    assert f"program={LONG_PROGRAM}, mentor=E1, mentee=E5, direction=traditional" in csv


def test_people_on_a_terminal_cut_long_names(
    populated: World, long_names: str, terminal: None, ok: RunFn
) -> None:
    lines = ok("people", env=TERMINAL).stdout.splitlines()

    # id 2, level 5, joined_on 10, left_on 7 and six gaps take 36: email (14)
    # and department (11) fit, and the name gets the 19 left.
    assert lines[0] == (
        "id  name                 email           level  department   joined_on   left_on"
    )
    assert lines[6] == "E5  Maximilian Alexand…  -               4      -            -           -"
    assert max(len(line) for line in lines) <= 80


def test_at_risk_on_a_terminal_cuts_names_and_leaves_out_cadence_and_last_met(
    populated: World, long_names: str, terminal: None, ok: RunFn
) -> None:
    lines = ok("engagement", "--at-risk", env=TERMINAL).stdout.splitlines()

    # Program, mentor and mentee need 10 each at least: only without cadence and
    # last met do id, direction, health, days quiet and the gaps (50) leave 30.
    assert lines == [
        "As of 2026-11-22, worst first:",
        "id        program     direction    mentor      mentee      health     days quiet",
        "--------  ----------  -----------  ----------  ----------  ---------  ----------",
        f"{populated.p2[:8]}  spring-20…  peer         E2 Brian…   E3 Grace…   dormant    251",
        f"{populated.p3[:8]}  spring-20…  reverse      E3 Grace…   E4 Linus…   never_met  235",
        f"{long_names[:8]}  leadershi…  traditional  E1 Ada Lo…  E5 Maximi…  dormant    68",
    ]


def test_show_on_a_terminal_wraps_long_lines_and_cuts_the_note(
    populated: World, long_names: str, terminal: None, ok: RunFn
) -> None:
    lines = ok("show", long_names, env=TERMINAL).stdout.splitlines()

    assert lines == [
        f"Pairing    {long_names}",
        f"Program    {LONG_PROGRAM} (Leadership for engineers who mentor",
        "           across departments, meets every 30 days)",
        "Mentor     E1 (Ada Lovelace)",
        f"Mentee     E5 ({LONG_NAME})",
        "Direction  traditional (paired as traditional; 0 reversal(s))",
        "Status     active, paired 2026-09-01",
        "Meetings   1 (50 min), last met 2026-09-15",
        "",
        "no.  on          minutes  note",
        "---  ----------  -------  ----------------------------------------------------",
        # 80 less no. (3), on (10), minutes (7), the empty flag column and 4 gaps: 52.
        "1    2026-09-15  50       Went through the promotion packet, then practised t…",
    ]
    assert LONG_NOTE in ok("show", long_names, "--format", "csv", env=TERMINAL).stdout
