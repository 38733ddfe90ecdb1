"""`mentorship import FILE...` of CSV files, on SQLite and PostgreSQL.

The populated world (18 events) is the starting point; docs/examples/ holds four
files about other people (A1..A4) and programs (autumn-2026, pilot-2025).
"""

from __future__ import annotations

import re
from pathlib import Path

from cli_helpers import POPULATED_EVENTS, Backend

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
# in the wrong order on purpose: they are applied in dependency order
FILES = [str(EXAMPLES / f"{kind}.csv") for kind in ("meetings", "pairings", "people", "programs")]
# 4 registrations, 2 launches, 3 pairings x 3, 2 reversals, 4 meetings,
# 1 ending, 1 departure ending 1 pairing, 1 closure
EXAMPLE_EVENTS = 4 + 2 + 9 + 2 + 4 + 1 + 2 + 1


def test_the_examples_import_in_dependency_order(backend: Backend) -> None:
    result = backend.run("import", *FILES)

    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert re.fullmatch(
        rf"13 rows imported: {EXAMPLE_EVENTS} events in \d+\.\d s \([\d,]+ events/s\)\n",
        result.stdout,
    )
    assert backend.count() == POPULATED_EVENTS + EXAMPLE_EVENTS
    listed = backend.run("list", "--program", "autumn-2026", "--format", "csv").stdout
    assert [line.split(",")[1:8] for line in listed.splitlines()[1:]] == [
        ["autumn-2026", "A1", "A2", "traditional", "active", "2026-08-10", ""],
        ["autumn-2026", "A3", "A4", "reverse", "ended", "2026-08-12", "2026-09-30"],
    ]


def test_dry_run_checks_and_writes_nothing(backend: Backend) -> None:
    result = backend.run("import", *FILES, "--dry-run")

    assert result.exit_code == 0, result.output
    assert (
        result.stdout.partition(" in ")[0]
        == f"13 rows checked, nothing written (--dry-run): {EXAMPLE_EVENTS} events"
    )
    assert backend.count() == POPULATED_EVENTS


def test_every_bad_row_is_reported_and_nothing_is_written(backend: Backend, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "employee_id,name,email,level,department,joined_on,left_on,leave_reason\n"
        "B1,Bea,,3,,2020-01-01,,\n"
        "B2,Bo,,x,,,,\n"
        "E1,Ada again,,,,,,\n"
    )
    meetings = tmp_path / "meetings.csv"
    meetings.write_text("program,mentor,mentee,on,minutes,note\nspring-2026,B1,E4,2026-05-01,30,\n")
    pairings = tmp_path / "pairings.csv"
    pairings.write_text(
        "program,mentor,mentee,paired_on,direction,reversed_on,ended_on,end_reason\n"
        "spring-2026,B1,E4,2026-06-01,,,,\n"
    )

    result = backend.run("import", str(people), str(pairings), str(meetings))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{people}:3: level must be a whole number: 'x'",
        f"{people}:4: person E1 is already registered",
        f"{meetings}:2: no pairing of B1 and E4 in spring-2026 on 2026-05-01",
        "Error: 3 problems found; nothing was written",
    ]
    assert backend.count() == POPULATED_EVENTS


def test_an_unknown_header_is_refused(backend: Backend, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("id,name\n1,x\n")

    result = backend.run("import", str(other))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{other}:1: unknown header 'id,name': not the columns of people, programs, "
        "pairings or meetings (see docs/import.md); or give --kind",
        "Error: 1 problem found; nothing was written",
    ]
    assert backend.count() == POPULATED_EVENTS


def test_the_first_fifty_problems_are_shown_then_a_count(backend: Backend, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    rows = [f"C{n},Someone,,x,,,," for n in range(55)]
    people.write_text(
        "employee_id,name,email,level,department,joined_on,left_on,leave_reason\n"
        + "\n".join(rows)
        + "\n"
    )

    result = backend.run("import", str(people))

    lines = result.stderr.splitlines()
    assert result.exit_code == 1
    assert len(lines) == 52
    assert lines[0].startswith(f"{people}:2: ")
    assert lines[49].startswith(f"{people}:51: ")
    assert lines[50:] == ["... and 5 more", "Error: 55 problems found; nothing was written"]
    assert backend.count() == POPULATED_EVENTS


def test_a_file_that_is_not_utf8_is_a_problem_not_a_crash(backend: Backend, tmp_path: Path) -> None:
    latin = tmp_path / "people.csv"
    latin.write_bytes(
        b"employee_id,name,email,level,department,joined_on,left_on,leave_reason\n"
        b"C1,Jos\xe9,,,,,,\n"
    )

    result = backend.run("import", str(latin))

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{latin}: not a UTF-8 CSV file (")
    assert lines[1:] == ["Error: 1 problem found; nothing was written"]
    assert backend.count() == POPULATED_EVENTS
