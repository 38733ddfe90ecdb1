"""The read commands for auditors: `show` and `history`."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from cli_helpers import RunFn, World


def _history(ok: RunFn, reference: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ok("history", reference, "--format", "json").stdout)
    return found


# show


def test_show_names_the_people_the_program_and_lists_the_meetings(
    populated: World, ok: RunFn
) -> None:
    lines = ok("show", populated.p1).stdout.splitlines()

    assert [line.rstrip() for line in lines] == [
        f"Pairing    {populated.p1}",
        "Program    spring-2026 (Spring 2026, meets every 30 days)",
        "Mentor     E1 (Ada Lovelace)",
        "Mentee     E2 (Brian Kernighan)",
        "Direction  traditional (paired as traditional; 0 reversal(s))",
        "Status     active, paired 2026-02-02",
        "Meetings   3 (135 min), last met 2026-10-30",
        "",
        "no.  on          minutes",
        "---  ----------  -------",
        "1    2026-02-10  60",
        "2    2026-03-10  45",
        "3    2026-10-30  30",
    ]


def test_show_of_a_reversed_ended_pairing_with_a_retraction(populated: World, ok: RunFn) -> None:
    ok("reverse", populated.p1, "--on", "2026-06-01")
    ok("retract", populated.p1, "2", "--reason", "wrong date")
    ok("end", populated.p1, "--reason", "completed", "--on", "2026-11-20")

    lines = ok("show", populated.p1).stdout.splitlines()

    assert [line.rstrip() for line in lines[2:]] == [
        "Mentor     E2 (Brian Kernighan)",
        "Mentee     E1 (Ada Lovelace)",
        "Direction  reverse (paired as traditional; 1 reversal(s))",
        "Status     ended, paired 2026-02-02, ended 2026-11-20 (completed)",
        "Meetings   2 (90 min), last met 2026-10-30",
        "",
        "no.  on          minutes",
        "---  ----------  -------  ---------",
        "1    2026-02-10  60",
        "2    2026-03-10  45       retracted",
        "3    2026-10-30  30",
    ]


def test_show_of_a_pairing_that_never_met_has_no_meeting_table(populated: World, ok: RunFn) -> None:
    lines = ok("show", "E3/E4").stdout.splitlines()

    assert lines[-1] == "Meetings   0 (0 min), last met -"
    assert len(lines) == 7


def test_show_prints_no_trailing_whitespace(populated: World, ok: RunFn) -> None:
    lines = ok("show", populated.p1).stdout.splitlines()

    assert [line for line in lines if line != line.rstrip()] == []


def test_show_json_has_the_whole_pairing(populated: World, ok: RunFn) -> None:
    ok("retract", populated.p2, "1", "--reason", "never happened")

    shown = json.loads(ok("show", "E3/E2", "--format", "json").stdout)

    assert shown == {
        "id": populated.p2,
        "program": {"id": "spring-2026", "name": "Spring 2026", "cadence_days": 30},
        "mentor": {"id": "E2", "name": "Brian Kernighan"},
        "mentee": {"id": "E3", "name": "Grace Hopper"},
        "direction": "peer",
        "direction_at_pairing": "peer",
        "status": "active",
        "paired_on": "2026-03-02",
        "ended_on": None,
        "end_reason": None,
        "reversals": 0,
        "reversal_dates": [],
        "meetings": 0,
        "minutes": 0,
        "last_met_on": None,
        "meeting_log": [
            {"number": 1, "on": "2026-03-16", "minutes": 30, "note": None, "retracted": True}
        ],
    }


def test_show_csv_has_one_row_per_meeting_with_the_pairing_fields(
    populated: World, ok: RunFn
) -> None:
    ok("meet", populated.p1, "--minutes", "20", "--on", "2026-11-20", "--note", "CV, then goals")
    ok("retract", populated.p1, "2", "--reason", "wrong date")
    pairing = f"{populated.p1},spring-2026,E1,E2,traditional,active,2026-02-02,,"

    assert ok("show", populated.p1, "--format", "csv").stdout == (
        "id,program,mentor,mentee,direction,status,paired_on,ended_on,end_reason,"
        "number,on,minutes,note,retracted\n"
        f"{pairing},1,2026-02-10,60,,False\n"
        f"{pairing},2,2026-03-10,45,,True\n"
        f"{pairing},3,2026-10-30,30,,False\n"
        f'{pairing},4,2026-11-20,20,"CV, then goals",False\n'
    )


def test_show_csv_of_a_pairing_that_never_met_is_one_row(populated: World, ok: RunFn) -> None:
    ok("end", populated.p3, "--reason", "mismatch", "--on", "2026-05-01")

    assert ok("show", "E4/E3", "--format", "csv").stdout.splitlines()[1:] == [
        f"{populated.p3},spring-2026,E3,E4,reverse,ended,2026-04-01,2026-05-01,mismatch,,,,,"
    ]


def test_show_gives_meeting_notes_in_json_and_the_table(populated: World, ok: RunFn) -> None:
    ok("meet", populated.p2, "--minutes", "25", "--on", "2026-04-02", "--note", "Code review")

    shown = json.loads(ok("show", populated.p2, "--format", "json").stdout)
    lines = ok("show", populated.p2).stdout.splitlines()

    assert shown["meeting_log"] == [
        {"number": 1, "on": "2026-03-16", "minutes": 30, "note": None, "retracted": False},
        {"number": 2, "on": "2026-04-02", "minutes": 25, "note": "Code review", "retracted": False},
    ]
    assert lines[8:] == [
        "no.  on          minutes  note",
        "---  ----------  -------  -----------",
        "1    2026-03-16  30",
        "2    2026-04-02  25       Code review",
    ]


# history


def test_history_table_has_every_event_with_time_actor_and_details(
    populated: World, ok: RunFn
) -> None:
    ok("--actor", "alice", "retract", populated.p1, "1", "--reason", "logged twice")

    lines = ok("history", populated.p1).stdout.splitlines()

    assert lines[0] == (
        f"Pairing {populated.p1} in spring-2026 (Spring 2026): "
        "E1 (Ada Lovelace) mentoring E2 (Brian Kernighan)"
    )
    assert lines[1] == ""
    assert re.split(r"\s{2,}", lines[2]) == [
        "no.", "type", "on", "recorded_at_utc", "actor", "details"
    ]  # fmt: skip
    rows = [re.split(r"\s{2,}", line) for line in lines[4:]]
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
    assert all(stamp.match(row[3]) for row in rows)
    assert [[row[i] for i in (0, 1, 2, 4, 5)] for row in rows] == [
        [
            "1", "Paired", "2026-02-02", "hr.admin",
            "program=spring-2026, mentor=E1, mentee=E2, direction=traditional, "
            "mentor_level=7, mentee_level=3",
        ],
        ["2", "Met", "2026-02-10", "hr.admin", "[retracted by no. 5] number=1, minutes=60"],
        ["3", "Met", "2026-03-10", "hr.admin", "number=2, minutes=45"],
        ["4", "Met", "2026-10-30", "hr.admin", "number=3, minutes=30"],
        ["5", "MeetingRetracted", "-", "alice", "meeting=1, reason=logged twice"],
    ]  # fmt: skip


def test_history_json_gives_utc_times_actors_and_full_details(populated: World, ok: RunFn) -> None:
    before = datetime.now(UTC)
    ok("--actor", "alice", "reverse", populated.p2, "--on", "2026-04-01", "--note", "swap")
    ok("--actor", "alice", "end", populated.p2, "--reason", "completed", "--note", "done")
    after = datetime.now(UTC)

    found = _history(ok, populated.p2)

    assert found["pairing"] == populated.p2
    assert found["program"] == {"id": "spring-2026", "name": "Spring 2026", "cadence_days": 30}
    assert found["mentor"] == {"id": "E3", "name": "Grace Hopper"}  # roles now
    assert found["mentee"] == {"id": "E2", "name": "Brian Kernighan"}
    events = found["events"]
    assert [set(e) for e in events] == [
        {"number", "type", "on", "recorded_at", "actor", "details", "retracted_by"}
    ] * 4
    assert [(e["number"], e["type"], e["on"], e["actor"]) for e in events] == [
        (1, "Paired", "2026-03-02", "hr.admin"),
        (2, "Met", "2026-03-16", "hr.admin"),
        (3, "RolesReversed", "2026-04-01", "alice"),
        (4, "Ended", "2026-11-22", "alice"),
    ]
    assert [e["details"] for e in events] == [
        {
            "program": "spring-2026",
            "mentor": "E2",
            "mentee": "E3",
            "direction": "peer",
            "on": "2026-03-02",
            "mentor_level": 3,
            "mentee_level": 3,
        },
        {"number": 1, "on": "2026-03-16", "minutes": 30, "note": None},
        {"on": "2026-04-01", "note": "swap"},
        {"on": "2026-11-22", "reason": "completed", "note": "done", "caused_by": None},
    ]
    times = [e["recorded_at"] for e in events]
    assert all(t.endswith("+00:00") for t in times)
    parsed = [datetime.fromisoformat(t) for t in times]
    assert parsed == sorted(parsed)
    assert before <= parsed[2] <= parsed[3] <= after


def test_history_csv_keeps_the_full_utc_timestamp(populated: World, ok: RunFn) -> None:
    lines = ok("history", populated.p3, "--format", "csv").stdout.splitlines()

    assert lines[0] == "no.,type,on,recorded_at_utc,actor,details"
    number, kind, on, recorded_at, actor, details = lines[1].split(",", 5)
    assert (number, kind, on, actor) == ("1", "Paired", "2026-04-01", "hr.admin")
    assert details == (
        '"program=spring-2026, mentor=E3, mentee=E4, direction=reverse, '
        'mentor_level=3, mentee_level=5"'
    )
    assert datetime.fromisoformat(recorded_at).utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert len(lines) == 2


def test_the_actor_comes_from_the_actor_option(populated: World, ok: RunFn) -> None:
    ok("--actor", "alice", "meet", populated.p3, "--minutes", "30")

    assert _history(ok, populated.p3)["events"][-1]["actor"] == "alice"


def test_the_actor_comes_from_the_environment(populated: World, ok: RunFn) -> None:
    ok("meet", populated.p3, "--minutes", "30", env={"MENTORSHIP_ACTOR": "bob"})
    ok("meet", populated.p3, "--minutes", "30")  # the injected "tester"

    actors = [e["actor"] for e in _history(ok, populated.p3)["events"]]
    assert actors == ["hr.admin", "bob", "tester"]


def test_the_actor_option_beats_the_environment(populated: World, ok: RunFn) -> None:
    ok("--actor", "alice", "meet", "E3/E4", "--minutes", "30", env={"MENTORSHIP_ACTOR": "bob"})

    assert _history(ok, populated.p3)["events"][-1]["actor"] == "alice"
