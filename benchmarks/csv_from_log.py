"""The benchmark's log as the four CSV files an HR system would export
(docs/import.md), so that `mentorship import FILE...` is measured on the same
organisation as `import --events`.

CSV cannot say everything a log can: a retracted meeting stays a meeting, a
reopened pairing is one that never ended, and profile changes are left out.
Meetings name their pairing by id.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

PEOPLE = ["employee_id", "name", "email", "level", "department", "joined_on", "left_on",
          "leave_reason"]  # fmt: skip
PROGRAMS = ["program", "name", "cadence_days", "launched_on", "closed_on"]
PAIRINGS = ["program", "mentor", "mentee", "paired_on", "direction", "reversed_on", "ended_on",
            "end_reason"]  # fmt: skip
MEETINGS = ["pairing", "on", "minutes", "note"]


def write_csv(log: Path, folder: Path) -> tuple[list[Path], int]:
    """Writes people.csv, programs.csv, pairings.csv and meetings.csv from an
    exported log; their paths and the number of rows. Meetings are streamed;
    people, programs and pairings (a few percent of the log) are kept."""
    people: dict[str, dict[str, Any]] = {}
    programs: dict[str, dict[str, Any]] = {}
    pairings: dict[str, dict[str, Any]] = {}
    paths = [folder / f"{kind}.csv" for kind in ("people", "programs", "pairings", "meetings")]
    with paths[3].open("w", newline="") as out:
        meetings = csv.DictWriter(out, MEETINGS)
        meetings.writeheader()
        for line in log.open("rb"):
            event = orjson.loads(line)
            kind, p = event["type"], event["payload"]
            if kind == "Person.Registered":
                people[event["id"]] = {c: p.get(c) for c in PEOPLE}
            elif kind == "Person.Left":
                people[event["id"]].update(left_on=p["on"], leave_reason=p.get("reason"))
            elif kind == "Program.Launched":
                programs[event["id"]] = {"program": p["slug"], "name": p["name"],
                                         "cadence_days": p["cadence_days"],
                                         "launched_on": p["on"]}  # fmt: skip
            elif kind == "Program.Closed":
                programs[event["id"]]["closed_on"] = p["on"]
            elif kind == "Mentorship.Paired":
                pairing = {c: p.get(c) for c in PAIRINGS}
                pairings[event["aggregate"]] = {**pairing, "paired_on": p["on"], "reversed_on": []}
            elif kind == "Mentorship.RolesReversed":
                pairings[event["aggregate"]]["reversed_on"].append(p["on"])
            elif kind == "Mentorship.Ended":
                pairings[event["aggregate"]].update(ended_on=p["on"], end_reason=p["reason"])
            elif kind == "Mentorship.Reopened":  # the ending was a mistake
                pairings[event["aggregate"]].update(ended_on=None, end_reason=None)
            elif kind == "Mentorship.Met":
                meetings.writerow({"pairing": event["aggregate"], "on": p["on"],
                                   "minutes": p["minutes"], "note": p.get("note")})  # fmt: skip
    for pairing in pairings.values():
        pairing["reversed_on"] = ";".join(pairing["reversed_on"])
    _write(paths[0], PEOPLE, people.values())
    _write(paths[1], PROGRAMS, programs.values())
    _write(paths[2], PAIRINGS, pairings.values())
    rows = sum(sum(1 for _ in path.open()) - 1 for path in paths)
    return paths, rows


def _write(path: Path, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
