"""CSV import row by row, on SQLite and PostgreSQL: a table of bad rows (each
refused as FILE:LINE: reason, nothing written), optional columns, --kind,
pairing again after an ending, meetings named by pairing id, and a kill
half-way through an import.

The populated world: E1..E5 (E5 has no level), spring-2026 launched 2026-01-05,
E1->E2 paired 2026-02-02, E2->E3 2026-03-02, E3->E4 2026-04-01, all active.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from cli_helpers import POPULATED_EVENTS, Backend, run_killed

PEOPLE = "employee_id,name,email,level,department,joined_on,left_on,leave_reason"
PROGRAMS = "program,name,cadence_days,launched_on,closed_on"
PAIRINGS = "program,mentor,mentee,paired_on,direction,reversed_on,ended_on,end_reason"
MEETINGS = "program,mentor,mentee,on,minutes,note"
UNKNOWN_PAIRING = "00000000-0000-4000-8000-000000000001"

# The header line's own problems are on line 1: BAD_HEADERS.
BAD_ROWS = {  # id: (header, row, the reason given for line 2)
    "level-not-number": (PEOPLE, "N1,Nia,,x,,,,", "level must be a whole number: 'x'"),
    "level-range": (
        PEOPLE,
        "N1,Nia,,100,,,,",
        "level must be a whole number from 0 to 99, not 100",
    ),
    "bad-date": (
        PEOPLE,
        "N1,Nia,,,,2020-13-01,,",
        "invalid joining date '2020-13-01': expected YYYY-MM-DD",
    ),
    "future-date": (
        PEOPLE,
        "N1,Nia,,,,2027-01-01,,",
        "joining date 2027-01-01 is in the future (today is 2026-11-22)",
    ),
    "duplicate-person": (PEOPLE, "E1,Ada again,,,,,,", "person E1 is already registered"),
    "empty-name": (PEOPLE, "N1,,,,,,,", "name must not be empty"),
    "bad-email": (PEOPLE, "N1,Nia,not-an-email,,,,,", "invalid email 'not-an-email'"),
    "leaves-before-joining": (
        PEOPLE,
        "N1,Nia,,,,2020-01-01,2019-01-01,",
        "leaving date 2019-01-01 is before N1 joined on 2020-01-01",
    ),
    "short-row": (PEOPLE, "N1,Nia", "expected 8 fields, got 2"),
    "no-launch-date": (PROGRAMS, "p2,Pilot,,,", "launch date (launched_on) is required"),
    "cadence-range": (
        PROGRAMS,
        "p2,Pilot,0,2026-01-01,",
        "cadence must be a whole number from 1 to 365, not 0",
    ),
    "duplicate-program": (
        PROGRAMS,
        "spring-2026,Again,,2026-01-01,",
        "program spring-2026 already exists",
    ),
    "closed-before-launch": (
        PROGRAMS,
        "p2,Pilot,,2026-03-01,2026-02-01",
        "closing date 2026-02-01 is before program p2 was launched on 2026-03-01",
    ),
    "unknown-person": (PAIRINGS, "spring-2026,E1,N9,2026-05-01,,,,", "unknown person 'N9'"),
    "unknown-program": (PAIRINGS, "autumn,E1,E4,2026-05-01,,,,", "unknown program 'autumn'"),
    "duplicate-pairing": (
        PAIRINGS,
        "spring-2026,E2,E1,2026-05-01,,,,",
        "E2 and E1 already have an active pairing in spring-2026: {p1}",
    ),
    "paired-before-launch": (
        PAIRINGS,
        "spring-2026,E1,E4,2025-12-01,,,,",
        "pairing date 2025-12-01 is before program spring-2026 was launched on 2026-01-05",
    ),
    "pair-with-self": (
        PAIRINGS,
        "spring-2026,E1,E1,2026-05-01,,,,",
        "cannot pair E1 with themselves",
    ),
    "bad-direction": (
        PAIRINGS,
        "spring-2026,E1,E4,2026-05-01,sideways,,,",
        "unknown direction 'sideways': expected one of traditional, reverse, peer",
    ),
    "bad-end-reason": (
        PAIRINGS,
        "spring-2026,E1,E4,2026-05-01,,,2026-06-01,bored",
        "unknown end reason 'bored': expected one of completed, mentor_withdrew, "
        "mentee_withdrew, left_organisation, mismatch, program_closed, other",
    ),
    "ended-before-paired": (
        PAIRINGS,
        "spring-2026,E1,E4,2026-05-01,,,2026-04-01,completed",
        "end date 2026-04-01 is before the pairing began on 2026-05-01",
    ),
    "meeting-before-pairing": (
        MEETINGS,
        "spring-2026,E1,E2,2026-01-10,30,",
        "no pairing of E1 and E2 in spring-2026 on 2026-01-10",
    ),
    "no-minutes": (MEETINGS, "spring-2026,E1,E2,2026-05-10,,", "minutes is required"),
    "minutes-range": (
        MEETINGS,
        "spring-2026,E1,E2,2026-05-10,100000,",
        "minutes must be a whole number from 1 to 1440, not 100000",
    ),
    "future-meeting": (
        MEETINGS,
        "spring-2026,E1,E2,2027-05-10,30,",
        "meeting date 2027-05-10 is in the future (today is 2026-11-22)",
    ),
    "unknown-pairing-id": (
        "pairing,on,minutes",
        f"{UNKNOWN_PAIRING},2026-05-10,30",
        f"unknown pairing {UNKNOWN_PAIRING}",
    ),
    "pairing-not-an-id": (
        "pairing,on,minutes",
        "3f2a9c,2026-05-10,30",
        "pairing must be a pairing's full id: '3f2a9c'",
    ),
}


@pytest.mark.parametrize(("header", "row", "reason"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_is_named_with_its_reason_and_nothing_is_written(
    backend: Backend, tmp_path: Path, header: str, row: str, reason: str
) -> None:
    file = tmp_path / "rows.csv"
    file.write_text(f"{header}\n{row}\n")

    result = backend.run("import", str(file))

    assert (result.exit_code, result.stdout) == (1, ""), result.output
    assert "Traceback" not in result.output
    first, last = result.stderr.splitlines()
    assert first.startswith(f"{file}:2: {reason.format(p1=backend.world.p1)}"), first
    assert last == "Error: 1 problem found; nothing was written"
    assert backend.count() == POPULATED_EVENTS


BAD_HEADERS = [
    pytest.param("employee_id,email", None, "unknown header 'employee_id,email': not the columns "
                 "of people, programs, pairings or meetings (see docs/import.md); or give --kind",
                 id="missing-required-column"),
    pytest.param("employee_id,email", "people", "a people file needs the column 'name'",
                 id="missing-column-with-kind"),
    pytest.param("employee_id,name,nickname", "people", "unknown column 'nickname' for a people "
                 "file", id="unknown-column"),
    pytest.param("employee_id,name,name", "people", "column 'name' appears twice", id="twice"),
    pytest.param("on,minutes,note", "meetings", "a meetings file needs a pairing column, or "
                 "program, mentor and mentee", id="meeting-without-pairing"),
]  # fmt: skip


@pytest.mark.parametrize(("header", "kind", "reason"), BAD_HEADERS)
def test_a_bad_header_is_refused_on_line_one(
    backend: Backend, tmp_path: Path, header: str, kind: str | None, reason: str
) -> None:
    file = tmp_path / "rows.csv"
    file.write_text(f"{header}\nN1,Nia,x\n")

    result = backend.run("import", str(file), *(("--kind", kind) if kind else ()))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{file}:1: {reason}",
        "Error: 1 problem found; nothing was written",
    ]
    assert backend.count() == POPULATED_EVENTS


def test_optional_columns_may_be_left_out(backend: Backend, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("name,employee_id,level\nNia Novak,N1,4\nOla Olsen,N2,2\n")
    programs = tmp_path / "programs.csv"
    programs.write_text("program,name,launched_on\npilot,Pilot,2026-06-01\n")
    pairings = tmp_path / "pairings.csv"
    pairings.write_text("program,mentor,mentee,paired_on\npilot,N1,N2,2026-06-08\n")

    result = backend.run("import", str(people), str(programs), str(pairings))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("4 rows imported: 6 events in ")  # 2 + 1 + pairing x3
    listed = backend.run("list", "--program", "pilot", "--format", "csv").stdout.splitlines()
    assert [line.split(",")[1:6] for line in listed[1:]] == [
        ["pilot", "N1", "N2", "traditional", "active"]
    ]


def test_two_people_may_be_paired_again_and_meetings_go_to_the_pairing_of_their_date(
    backend: Backend, tmp_path: Path
) -> None:
    pairings = tmp_path / "pairings.csv"
    pairings.write_text(
        f"{PAIRINGS}\n"
        "spring-2026,E4,E1,2026-09-01,,,,\n"  # listed first; begins after the other ends
        "spring-2026,E1,E4,2026-05-01,,,2026-06-30,completed\n"
    )
    meetings = tmp_path / "meetings.csv"
    meetings.write_text(
        f"{MEETINGS}\nspring-2026,E4,E1,2026-09-15,30,\nspring-2026,E1,E4,2026-05-20,45,\n"
    )

    result = backend.run("import", str(meetings), str(pairings))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "4 rows imported: 9 events in "
    )  # 2 pairings x3, 2 meetings, end
    listed = backend.run("list", "--format", "csv").stdout.splitlines()
    header = listed[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in listed[1:]]
    again = [(r["mentor"], r["mentee"], r["status"], r["paired_on"], r["meetings"])
             for r in rows if {r["mentor"], r["mentee"]} == {"E1", "E4"}]  # fmt: skip
    assert sorted(again, key=lambda r: r[3]) == [
        ("E1", "E4", "ended", "2026-05-01", "1"),
        ("E4", "E1", "active", "2026-09-01", "1"),
    ]


def test_a_meeting_may_name_its_pairing_by_id_and_kind_may_be_given(
    backend: Backend, tmp_path: Path
) -> None:
    meetings = tmp_path / "anything.csv"
    meetings.write_text(f"pairing,on,minutes,note\n{backend.world.p3},2026-05-05,40,First chat\n")

    result = backend.run("import", "--kind", "meetings", str(meetings))

    assert result.exit_code == 0, result.output
    shown = backend.run("show", backend.world.p3, "--format", "json").stdout
    assert '"minutes": 40' in shown and '"note": "First chat"' in shown
    assert backend.count() == POPULATED_EVENTS + 1


KILLED_IMPORT = textwrap.dedent(
    """
    import os, signal, sys
    from domain import unit_of_work
    from domain.bulk_write import BulkWriter
    from cli.main import main

    unit_of_work.CHUNK_EVENTS = 2
    write = BulkWriter.write

    def write_then_die(self, events):
        write(self, events)
        if self.written >= 4:  # two chunks are in the open transaction
            os.kill(os.getpid(), signal.SIGKILL)

    BulkWriter.write = write_then_die
    sys.argv = ["mentorship", "--store", sys.argv[1], "import", sys.argv[2]]
    main()
    """
)


def test_a_process_killed_half_way_through_an_import_leaves_the_store_as_it_was(
    backend: Backend, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text("employee_id,name\n" + "".join(f"K{n},Person {n}\n" for n in range(10)))

    run_killed(KILLED_IMPORT, backend.store, str(people))

    assert backend.count() == POPULATED_EVENTS
    assert backend.run("person", "show", "K0").exit_code == 1
    again = backend.run("import", str(people))  # the store is usable: no lock was left behind
    assert again.exit_code == 0, again.output
    # Lines of the log, not its last id: PostgreSQL's sequence does not roll back.
    exported = backend.run("export", "events").stdout.splitlines()
    assert len(exported) == POPULATED_EVENTS + 10
