"""CSV files for `mentorship import FILE...`: people, programs, pairings, meetings.

The kind of each file is read from its header. Every row becomes the command a
user would have run (so the commands give every error), all in one unit of
work, in dependency order across files: registrations, launches, pairings and
their role reversals, meetings, pairing endings, departures, closures.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from uuid import UUID

from domain.application import MentorshipLedger
from domain.dates import parse_date
from domain.errors import InvalidInput, LedgerError

HEADERS = {
    "people": "employee_id,name,email,level,department,joined_on,left_on,leave_reason",
    "programs": "program,name,cadence_days,launched_on,closed_on",
    "pairings": "program,mentor,mentee,paired_on,direction,reversed_on,ended_on,end_reason",
    "meetings": "program,mentor,mentee,on,minutes,note",
}
PHASES = ("register", "launch", "pair", "meet", "end", "leave", "close")
Row = dict[str, str | None]
Step = Callable[[], object]


@dataclass
class Batch:
    """The rows of all files as commands to run, phase by phase, and their errors."""

    ledger: MentorshipLedger
    actor: str
    steps: dict[str, list[tuple[str, Step]]] = field(
        default_factory=lambda: {phase: [] for phase in PHASES}
    )
    errors: list[str] = field(default_factory=list)
    rows: int = 0
    # (program, low, high) -> (pairing id, paired on, ended on) of this import's pairings
    pairings: dict[tuple[str, str, str], list[tuple[UUID, date, date | None]]] = field(
        default_factory=dict
    )

    def read(self, path: Path) -> None:
        try:
            for where, kind, row in _rows(path, self.errors):
                self.rows += 1
                try:
                    getattr(self, f"_{kind}")(where, row)
                except LedgerError as error:
                    self.errors.append(f"{where}: {error}")
        except (UnicodeDecodeError, csv.Error) as error:
            self.errors.append(f"{path}: not a UTF-8 CSV file ({error})")

    def run(self, progress: Callable[[int, int], None] | None = None) -> None:
        total = sum(len(steps) for steps in self.steps.values())
        done = 0
        for phase in PHASES:
            for where, step in self.steps[phase]:
                try:
                    step()
                except LedgerError as error:
                    self.errors.append(f"{where}: {error}")
                done += 1
                if progress is not None and done % 10_000 == 0:
                    progress(done, total)

    def _add(self, phase: str, where: str, step: Step) -> None:
        self.steps[phase].append((where, step))

    def _people(self, where: str, row: Row) -> None:
        ledger, a = self.ledger, self.actor
        employee_id, name = row["employee_id"] or "", row["name"] or ""
        level, joined_on = _int(row, "level"), _date(row, "joined_on", "joining date")
        left_on = _date(row, "left_on", "leaving date")
        self._add(
            "register",
            where,
            lambda: ledger.register_person(
                a,
                employee_id,
                name,
                email=row["email"],
                level=level,
                department=row["department"],
                joined_on=joined_on,
            ),
        )
        if left_on is not None:
            reason = row["leave_reason"]
            self._add(
                "leave", where, lambda: ledger.record_leaving(a, employee_id, left_on, reason)
            )

    def _programs(self, where: str, row: Row) -> None:
        ledger, a, slug = self.ledger, self.actor, row["program"] or ""
        cadence = _int(row, "cadence_days")
        launched_on = _date(row, "launched_on", "launch date", required=True)
        closed_on = _date(row, "closed_on", "closing date")
        assert launched_on is not None
        name = row["name"] or ""
        if cadence is None:
            self._add("launch", where, lambda: ledger.launch_program(a, slug, name, launched_on))
        else:
            self._add(
                "launch", where, lambda: ledger.launch_program(a, slug, name, launched_on, cadence)
            )
        if closed_on is not None:
            self._add("close", where, lambda: ledger.close_program(a, slug, closed_on))

    def _pairings(self, where: str, row: Row) -> None:
        ledger, a = self.ledger, self.actor
        program, mentor, mentee = row["program"] or "", row["mentor"] or "", row["mentee"] or ""
        paired_on = _date(row, "paired_on", "pairing date", required=True)
        assert paired_on is not None
        ended_on = _date(row, "ended_on", "end date")
        reversals = [parse_date(d.strip(), "reversal date") for d in _split(row["reversed_on"])]
        found: list[UUID] = []

        def pair() -> None:
            pairing = ledger.pair(a, program, mentor, mentee, paired_on, row["direction"])
            found.append(pairing.id)
            key = _key(program, mentor, mentee)
            self.pairings.setdefault(key, []).append((pairing.id, paired_on, ended_on))
            for on in reversals:
                ledger.reverse_roles(a, pairing.id, on)

        self._add("pair", where, pair)
        if ended_on is not None:
            reason = row["end_reason"] or ""
            self._add(
                "end", where, lambda: found and ledger.end_pairing(a, found[0], ended_on, reason)
            )

    def _meetings(self, where: str, row: Row) -> None:
        ledger, a = self.ledger, self.actor
        program, mentor, mentee = row["program"] or "", row["mentor"] or "", row["mentee"] or ""
        on = _date(row, "on", "meeting date", required=True)
        assert on is not None
        minutes = _int(row, "minutes")
        if minutes is None:
            raise InvalidInput("minutes is required")

        def meet() -> None:
            for pairing, start, end in self.pairings.get(_key(program, mentor, mentee), []):
                if start <= on and (end is None or on <= end):
                    ledger.log_meeting(a, pairing, on, minutes, row["note"])
                    return
            raise InvalidInput(f"no pairing of {mentor} and {mentee} in {program} on {on}")

        self._add("meet", where, meet)


def _rows(path: Path, errors: list[str]) -> Iterator[tuple[str, str, Row]]:
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.reader(file)
        header = ",".join(cell.strip() for cell in next(reader, []))
        kind = next((k for k, h in HEADERS.items() if h == header), None)
        if kind is None:
            errors.append(f"{path}:1: unknown header {header!r}: expected one of the four kinds")
            return
        columns = header.split(",")
        for cells in reader:
            where = f"{path}:{reader.line_num}"
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(columns):
                errors.append(f"{where}: expected {len(columns)} fields, got {len(cells)}")
                continue
            yield where, kind, {c: (v.strip() or None) for c, v in zip(columns, cells, strict=True)}


def _key(program: str, one: str, other: str) -> tuple[str, str, str]:
    low, high = sorted((one, other))
    return program, low, high


def _split(text: str | None) -> list[str]:
    return [part for part in (text or "").split(";") if part.strip()]


def _int(row: Row, column: str) -> int | None:
    text = row[column]
    if text is None:
        return None
    if not text.lstrip("-").isdigit():
        raise InvalidInput(f"{column} must be a whole number: {text!r}")
    return int(text)


def _date(row: Row, column: str, what: str, *, required: bool = False) -> date | None:
    text = row[column]
    if text is None:
        if required:
            raise InvalidInput(f"{what} ({column}) is required")
        return None
    return parse_date(text, what)
