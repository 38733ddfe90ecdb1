"""A CSV import of a long pairing, on SQLite and PostgreSQL, in chunks of 50 events:
the batch keeps the pairing (a date per meeting) until it commits, and the rules
on meetings answer as one command at a time would; `show` then gives every
meeting with its minutes and note, which stay in the events.

The pairing: E1 mentoring E4 in spring-2026 from 2026-05-01, two meetings a day
for 150 days (300 meetings, the last two on 2026-09-27), ended on 2026-09-27.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from cli_helpers import POPULATED_EVENTS, Backend

from domain import unit_of_work
from domain.mentorship import pairing_id

PAIRINGS = "program,mentor,mentee,paired_on,direction,reversed_on,ended_on,end_reason"
MEETINGS = "program,mentor,mentee,on,minutes,note"
PAIRING = str(pairing_id("spring-2026", "E1", "E4", 1))


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unit_of_work, "CHUNK_EVENTS", 50)


def _files(tmp_path: Path, *extra_meetings: str) -> list[str]:
    pairings = tmp_path / "pairings.csv"
    pairings.write_text(f"{PAIRINGS}\nspring-2026,E1,E4,2026-05-01,,,2026-09-27,completed\n")
    rows = []
    for i in range(300):
        on = date(2026, 5, 1) + timedelta(days=i // 2)
        rows.append(f"spring-2026,E1,E4,{on},{20 + i % 40},{f'notes {i}' if i % 50 == 0 else ''}")
    meetings = tmp_path / "meetings.csv"
    meetings.write_text("\n".join([MEETINGS, *rows, *extra_meetings]) + "\n")
    return [str(meetings), str(pairings)]


def test_a_long_pairing_imports_with_every_meeting_and_its_ending(
    backend: Backend, tmp_path: Path
) -> None:
    result = backend.run("import", *_files(tmp_path))

    assert (result.exit_code, result.stderr) == (0, ""), result.output
    assert result.stdout.startswith("301 rows imported: 304 events in ")  # pairing x3, 300, end
    shown = json.loads(backend.run("show", PAIRING, "--format", "json").stdout)
    assert {k: shown[k] for k in ("status", "ended_on", "meetings", "minutes", "last_met_on")} == {
        "status": "ended",
        "ended_on": "2026-09-27",
        "meetings": 300,
        "minutes": 11_650,
        "last_met_on": "2026-09-27",
    }
    log = shown["meeting_log"]
    assert [m["number"] for m in log] == list(range(1, 301))
    assert log[:2] + log[-1:] == [
        {"number": 1, "on": "2026-05-01", "minutes": 20, "note": "notes 0", "retracted": False},
        {"number": 2, "on": "2026-05-01", "minutes": 21, "note": None, "retracted": False},
        {"number": 300, "on": "2026-09-27", "minutes": 39, "note": None, "retracted": False},
    ]
    assert [m["note"] for m in log if m["note"]] == [f"notes {i}" for i in range(0, 300, 50)]


def test_retracting_the_last_meetings_of_an_imported_pairing_moves_its_last_date_back(
    backend: Backend, tmp_path: Path
) -> None:
    assert backend.run("import", *_files(tmp_path)).exit_code == 0

    for number in ("300", "299"):
        retracted = backend.run("retract", PAIRING, number, "--reason", "duplicate")
        assert retracted.exit_code == 0, retracted.output
    again = backend.run("retract", PAIRING, "300", "--reason", "duplicate")

    assert again.stderr == f"Error: meeting 300 of pairing {PAIRING} is already retracted\n"
    shown = json.loads(backend.run("show", PAIRING, "--format", "json").stdout)
    assert (shown["meetings"], shown["minutes"], shown["last_met_on"]) == (
        298,
        11_650 - 39 - 38,
        "2026-09-26",
    )
    assert [m["retracted"] for m in shown["meeting_log"][-3:]] == [False, True, True]


def test_meetings_before_the_pairing_or_after_its_ending_are_refused_in_the_same_batch(
    backend: Backend, tmp_path: Path
) -> None:
    files = _files(tmp_path, "spring-2026,E1,E4,2026-04-30,30,", "spring-2026,E4,E1,2026-09-28,30,")

    result = backend.run("import", *files)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{files[0]}:302: no pairing of E1 and E4 in spring-2026 on 2026-04-30",
        f"{files[0]}:303: pairing {PAIRING} ended on 2026-09-27 (completed); it cannot change",
        "Error: 2 problems found; nothing was written",
    ]
    assert backend.count() == POPULATED_EVENTS
