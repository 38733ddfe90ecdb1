"""CSV files for `mentorship import FILE...`: people, programs, pairings, meetings.

The kind of each file is read from its header (or given with --kind); optional
columns may be left out. Every row becomes the commands a user would have run
(so the commands give every error), all in one unit of work, in the order things
happened: registrations and launches first, then every dated step (pairings,
reversals, meetings, endings, departures, closures) by date, and on one day in
that order. So the same two people may be paired again after an ending, and a
meeting goes to the pairing of those two that had begun by its date.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from uuid import UUID

from cli.csv_columns import COLUMNS, NAMED_BY, check_header, kind_of
from domain.dates import parse_date
from domain.errors import InvalidInput, LedgerError

if TYPE_CHECKING:
    from domain.application import MentorshipLedger

# Same-day order of the dated steps; registrations and launches come before all of them.
REGISTER, LAUNCH, PAIR, REVERSE, MEET, END, LEAVE, CLOSE = range(8)
Row = dict[str, str | None]
Step = Callable[[], object]


class Where(NamedTuple):
    """A row: its file's place among the files given, its line, and `FILE:LINE`."""

    file: int
    line: int
    text: str


@dataclass
class Batch:
    """The rows of all files as commands to run in the order things happened, and their errors."""

    ledger: MentorshipLedger
    actor: str
    kind: str | None = None  # --kind: every file is of this kind
    steps: list[tuple[tuple[int, int, int], Where, Step]] = field(default_factory=list)
    errors: list[tuple[Where, str]] = field(default_factory=list)
    rows: int = 0
    files: int = 0

    def read(self, path: Path) -> None:
        self.files += 1
        try:
            for line, kind, row in self._rows(path):
                self.rows += 1
                where = Where(self.files, line, f"{path}:{line}")
                try:
                    getattr(self, f"_{kind}")(where, row)
                except LedgerError as error:
                    self.errors.append((where, str(error)))
        except (UnicodeDecodeError, csv.Error) as error:
            self.errors.append((Where(self.files, 0, str(path)), f"not a UTF-8 CSV file ({error})"))

    def run(self, progress: Callable[[int, int], None] | None = None) -> None:
        self.steps.sort(key=lambda step: step[0])
        for done, (_, where, step) in enumerate(self.steps, start=1):
            try:
                step()
            except LedgerError as error:
                self.errors.append((where, str(error)))
            if progress is not None and done % 10_000 == 0:
                progress(done, len(self.steps))

    @property
    def problems(self) -> list[str]:
        """Every problem, by file (in the order given) and line."""
        ordered = sorted(self.errors, key=lambda error: (error[0].file, error[0].line))
        return [f"{where.text}: {message}" for where, message in ordered]

    def _add(self, on: date | None, rank: int, where: Where, step: Step) -> None:
        key = (on.toordinal() if on is not None else 0, rank, len(self.steps))
        self.steps.append((key, where, step))

    def _people(self, where: Where, row: Row) -> None:
        ledger, a = self.ledger, self.actor
        employee_id, name = row["employee_id"] or "", row["name"] or ""
        level, joined_on = _int(row, "level"), _date(row, "joined_on", "joining date")
        left_on = _date(row, "left_on", "leaving date")
        email, department = row["email"], row["department"]

        def register() -> None:
            ledger.register_person(
                a, employee_id, name, email=email, level=level, department=department,
                joined_on=joined_on,
            )  # fmt: skip

        self._add(None, REGISTER, where, register)
        if left_on is not None:
            reason = row["leave_reason"]
            self._add(left_on, LEAVE, where,
                      lambda: ledger.record_leaving(a, employee_id, left_on, reason))  # fmt: skip

    def _programs(self, where: Where, row: Row) -> None:
        ledger, a, slug, name = self.ledger, self.actor, row["program"] or "", row["name"] or ""
        cadence = _int(row, "cadence_days")
        launched_on = _date(row, "launched_on", "launch date", required=True)
        closed_on = _date(row, "closed_on", "closing date")
        assert launched_on is not None

        def launch() -> None:
            if cadence is None:
                ledger.launch_program(a, slug, name, launched_on)
            else:
                ledger.launch_program(a, slug, name, launched_on, cadence)

        self._add(None, LAUNCH, where, launch)
        if closed_on is not None:
            self._add(closed_on, CLOSE, where, lambda: ledger.close_program(a, slug, closed_on))

    def _pairings(self, where: Where, row: Row) -> None:
        ledger, a = self.ledger, self.actor
        program, mentor, mentee = row["program"] or "", row["mentor"] or "", row["mentee"] or ""
        paired_on = _date(row, "paired_on", "pairing date", required=True)
        assert paired_on is not None
        ended_on = _date(row, "ended_on", "end date")
        reversals = [parse_date(d.strip(), "reversal date") for d in _split(row["reversed_on"])]
        direction, reason = row["direction"], row["end_reason"] or ""
        made: list[UUID] = []  # the pairing, once the row's pairing step has run

        def pair() -> None:
            made.append(ledger.pair(a, program, mentor, mentee, paired_on, direction).id)

        def reverse(on: date) -> None:
            if made:  # else the pairing was refused, and said why
                ledger.reverse_roles(a, made[0], on)

        def end() -> None:
            if made and ended_on is not None:
                ledger.end_pairing(a, made[0], ended_on, reason)

        # A reversal or ending dated before the pairing still runs after it,
        # so that the pairing's own rules refuse it, with their words.
        self._add(paired_on, PAIR, where, pair)
        for on in reversals:
            self._add(max(on, paired_on), REVERSE, where, partial(reverse, on))
        if ended_on is not None:
            self._add(max(ended_on, paired_on), END, where, end)

    def _meetings(self, where: Where, row: Row) -> None:
        ledger, a = self.ledger, self.actor
        on = _date(row, "on", "meeting date", required=True)
        minutes = _int(row, "minutes")
        if minutes is None:  # a required column may still hold an empty cell
            raise InvalidInput("minutes is required")
        assert on is not None
        note, given = row["note"], row["pairing"]
        if given is not None:
            pairing = _pairing_id(given)
            self._add(on, MEET, where, lambda: ledger.log_meeting(a, pairing, on, minutes, note))
            return
        program, mentor, mentee = (row[column] or "" for column in NAMED_BY)

        def meet() -> None:
            found = ledger.pairing_on(program, mentor, mentee, on)
            ledger.log_meeting(a, found.id, on, minutes, note)

        self._add(on, MEET, where, meet)

    def _rows(self, path: Path) -> Iterator[tuple[int, str, Row]]:
        with path.open(newline="", encoding="utf-8") as file:
            reader = csv.reader(file)
            header = [cell.strip() for cell in next(reader, [])]
            try:
                kind = self.kind or kind_of(header)
                check_header(kind, header)
            except InvalidInput as error:
                self.errors.append((Where(self.files, 1, f"{path}:1"), str(error)))
                return
            absent = dict.fromkeys(c for c in COLUMNS[kind] if c not in header)
            for cells in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    where = Where(self.files, line, f"{path}:{line}")
                    self.errors.append((where, f"expected {len(header)} fields, got {len(cells)}"))
                    continue
                row: Row = {c: (v.strip() or None) for c, v in zip(header, cells, strict=True)}
                yield line, kind, {**absent, **row}


def _pairing_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput(f"pairing must be a pairing's full id: {text!r}") from None


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
