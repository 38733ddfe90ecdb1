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
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from uuid import UUID

from cli.csv_columns import COLUMNS, NAMED_BY, check_header, kind_of
from cli.step_spool import StepSpool
from domain.dates import parse_date
from domain.errors import InvalidInput, LedgerError

if TYPE_CHECKING:
    from domain.application import MentorshipLedger

# Same-day order of the dated steps; registrations and launches come before all of them.
REGISTER, LAUNCH, PAIR, REVERSE, MEET, END, LEAVE, CLOSE = range(8)
Row = dict[str, str | None]


class Where(NamedTuple):
    """A row: its file's place among the files given, its line, and `FILE:LINE`."""

    file: int
    line: int
    text: str


@dataclass
class Batch:
    """The rows of all files as commands to run in the order things happened, and
    their errors. The commands wait in a `StepSpool` on disk, so that memory does
    not grow with the rows; close the batch (it is a context manager) to delete it."""

    ledger: MentorshipLedger
    actor: str
    kind: str | None = None  # --kind: every file is of this kind
    errors: list[tuple[Where, str]] = field(default_factory=list)
    rows: int = 0
    paths: list[Path] = field(default_factory=list)
    steps: StepSpool = field(default_factory=StepSpool)
    _made: dict[tuple[int, int], UUID] = field(default_factory=dict)  # pairing rows' pairings

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.steps.close()

    def read(self, path: Path) -> None:
        self.paths.append(path)
        try:
            for line, kind, row in self._rows(path):
                self.rows += 1
                try:
                    getattr(self, f"_{kind}")(line, row)
                except LedgerError as error:
                    self.errors.append((self._where(len(self.paths), line), str(error)))
        except (UnicodeDecodeError, csv.Error) as error:
            where = Where(len(self.paths), 0, str(path))
            self.errors.append((where, f"not a UTF-8 CSV file ({error})"))

    def run(self, progress: Callable[[int, int], None] | None = None) -> None:
        total = len(self.steps)
        for done, (file, line, kind, args) in enumerate(self.steps.in_order(), start=1):
            try:
                getattr(self, f"_run_{kind}")((file, line), *args)
            except LedgerError as error:
                self.errors.append((self._where(file, line), str(error)))
            if progress is not None and done % 10_000 == 0:
                progress(done, total)

    @property
    def problems(self) -> list[str]:
        """Every problem, by file (in the order given) and line."""
        ordered = sorted(self.errors, key=lambda error: (error[0].file, error[0].line))
        return [f"{where.text}: {message}" for where, message in ordered]

    def _where(self, file: int, line: int) -> Where:
        return Where(
            file, line, f"{self.paths[file - 1]}:{line}" if line else str(self.paths[file - 1])
        )

    def _add(self, on: date | None, rank: int, line: int, kind: str, *args: object) -> None:
        day = on.toordinal() if on is not None else 0
        self.steps.add(day, rank, len(self.paths), line, kind, args)

    # Rows into steps: each row's values are parsed here, the commands check the rest.

    def _people(self, line: int, row: Row) -> None:
        level, joined_on = _int(row, "level"), _date(row, "joined_on", "joining date")
        left_on = _date(row, "left_on", "leaving date")
        employee_id = row["employee_id"] or ""
        self._add(None, REGISTER, line, "register", employee_id, row["name"] or "",
                  row["email"], level, row["department"], _ordinal(joined_on))  # fmt: skip
        if left_on is not None:
            self._add(left_on, LEAVE, line, "leave", employee_id, left_on.toordinal(),
                      row["leave_reason"])  # fmt: skip

    def _programs(self, line: int, row: Row) -> None:
        slug, cadence = row["program"] or "", _int(row, "cadence_days")
        launched_on = _date(row, "launched_on", "launch date", required=True)
        closed_on = _date(row, "closed_on", "closing date")
        assert launched_on is not None
        self._add(None, LAUNCH, line, "launch", slug, row["name"] or "",
                  launched_on.toordinal(), cadence)  # fmt: skip
        if closed_on is not None:
            self._add(closed_on, CLOSE, line, "close", slug, closed_on.toordinal())

    def _pairings(self, line: int, row: Row) -> None:
        paired_on = _date(row, "paired_on", "pairing date", required=True)
        assert paired_on is not None
        ended_on = _date(row, "ended_on", "end date")
        reversals = [parse_date(d.strip(), "reversal date") for d in _split(row["reversed_on"])]
        self._add(paired_on, PAIR, line, "pair", row["program"] or "", row["mentor"] or "",
                  row["mentee"] or "", paired_on.toordinal(), row["direction"])  # fmt: skip
        # A reversal or ending dated before the pairing still runs after it,
        # so that the pairing's own rules refuse it, with their words.
        for on in reversals:
            self._add(max(on, paired_on), REVERSE, line, "reverse", on.toordinal())
        if ended_on is not None:
            self._add(max(ended_on, paired_on), END, line, "end", ended_on.toordinal(),
                      row["end_reason"] or "")  # fmt: skip

    def _meetings(self, line: int, row: Row) -> None:
        on = _date(row, "on", "meeting date", required=True)
        minutes = _int(row, "minutes")
        if minutes is None:  # a required column may still hold an empty cell
            raise InvalidInput("minutes is required")
        assert on is not None
        given = row["pairing"]
        pairing = None if given is None else str(_pairing_id(given))
        named = (None, None, None) if given is not None else (row[c] or "" for c in NAMED_BY)
        self._add(on, MEET, line, "meet", pairing, *named, on.toordinal(), minutes, row["note"])

    # Steps into commands, in the order things happened.

    def _run_register(
        self, row: tuple[int, int], employee_id: str, name: str, email: str | None,
        level: int | None, department: str | None, joined_on: int | None,
    ) -> None:  # fmt: skip
        self.ledger.register_person(
            self.actor, employee_id, name, email=email, level=level, department=department,
            joined_on=_day(joined_on),
        )  # fmt: skip

    def _run_leave(
        self, row: tuple[int, int], employee_id: str, on: int, reason: str | None
    ) -> None:
        self.ledger.record_leaving(self.actor, employee_id, _day_of(on), reason)

    def _run_launch(
        self, row: tuple[int, int], slug: str, name: str, on: int, cadence: int | None
    ) -> None:
        launched_on = _day_of(on)
        if cadence is None:
            self.ledger.launch_program(self.actor, slug, name, launched_on)
        else:
            self.ledger.launch_program(self.actor, slug, name, launched_on, cadence)

    def _run_close(self, row: tuple[int, int], slug: str, on: int) -> None:
        self.ledger.close_program(self.actor, slug, _day_of(on))

    def _run_pair(
        self, row: tuple[int, int], program: str, mentor: str, mentee: str, on: int,
        direction: str | None,
    ) -> None:  # fmt: skip
        made = self.ledger.pair(self.actor, program, mentor, mentee, _day_of(on), direction)
        self._made[row] = made.id

    def _run_reverse(self, row: tuple[int, int], on: int) -> None:
        if row in self._made:  # else the pairing was refused, and said why
            self.ledger.reverse_roles(self.actor, self._made[row], _day_of(on))

    def _run_end(self, row: tuple[int, int], on: int, reason: str) -> None:
        if row in self._made:
            self.ledger.end_pairing(self.actor, self._made[row], _day_of(on), reason)

    def _run_meet(
        self, row: tuple[int, int], pairing: str | None, program: str | None,
        mentor: str | None, mentee: str | None, on: int, minutes: int, note: str | None,
    ) -> None:  # fmt: skip
        day = _day_of(on)
        if pairing is not None:
            found = UUID(pairing)
        else:
            assert program is not None and mentor is not None and mentee is not None
            found = self.ledger.pairing_on(program, mentor, mentee, day).id
        self.ledger.log_meeting(self.actor, found, day, minutes, note)

    def _rows(self, path: Path) -> Iterator[tuple[int, str, Row]]:
        with path.open(newline="", encoding="utf-8") as file:
            reader = csv.reader(file)
            header = [cell.strip() for cell in next(reader, [])]
            try:
                kind = self.kind or kind_of(header)
                check_header(kind, header)
            except InvalidInput as error:
                self.errors.append((self._where(len(self.paths), 1), str(error)))
                return
            absent = dict.fromkeys(c for c in COLUMNS[kind] if c not in header)
            for cells in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    where = self._where(len(self.paths), line)
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


def _ordinal(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def _day(ordinal: int | None) -> date | None:
    return None if ordinal is None else _day_of(ordinal)


@cache
def _day_of(ordinal: int) -> date:
    """One date object per day: a pairing kept by the batch holds each of its
    meetings' dates, and a million meetings fall on a few thousand days."""
    return date.fromordinal(ordinal)
