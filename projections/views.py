"""The read side the command line talks to: caught-up views and reports.

Every query first catches the views up with the event log, so nothing shown is
stale. This class also answers the domain's `ActivePairings` port.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder

from domain.errors import NotFound
from domain.keys import KeyRing, keyring_for
from domain.vocabulary import Status
from projections import profiles
from projections.answering import query_lock_wait
from projections.db import ViewDatabase
from projections.fresh import answer_query
from projections.queries import LISTING, current_pairing
from projections.references import PairingReferences
from projections.report_reads import ReportReads
from projections.runner import CatchUp, Progress, ViewRunner

if TYPE_CHECKING:
    from projections.known_at import KnownLog


class LedgerViews(ReportReads, PairingReferences):
    """With `reading=True` (queries) the views are caught up once, if the store
    allows it, else used as they are; `warn` then tells the user (see `answering`)."""

    def __init__(
        self,
        recorder: ApplicationRecorder,
        *,
        reading: bool = False,
        warn: Callable[[str], None] | None = None,
        known_at: datetime | None = None,
    ) -> None:
        """With `known_at`, the views hold only what had been recorded by then,
        built in memory (projections/known_at.py); the stored views are not used."""
        wait = query_lock_wait() if reading else None
        self.runner = ViewRunner(recorder, db=ViewDatabase(recorder, wait))
        self.db = self.runner.db
        self.reading = reading
        self.warn = warn
        self._answered = False
        self.known_at = known_at
        self.known: KnownLog | None = None
        self._recorder = recorder

    @property
    def keys(self) -> KeyRing:
        """Opens the sealed names, emails and reasons that the views hold: they are
        stored as the events store them, so no view holds plaintext personal data."""
        return keyring_for(self._recorder)

    def _reveal(self, row: dict[str, Any], *fields: str) -> dict[str, Any]:
        reveal = self.keys.reveal
        for field in fields:
            row[field] = reveal(row[field])
        return row

    def catch_up(self, progress: Progress | None = None) -> CatchUp:
        if self.known_at is not None:
            if self.known is None:
                from projections.known_at import known_views

                recorder, size = self.runner.recorder, self.runner.page_size
                self.runner, self.known = known_views(recorder, self.known_at, size)
                self.db = self.runner.db
            return CatchUp(0, 0.0)
        if not self.reading:
            return self.runner.catch_up(progress)
        if not self._answered:
            self.runner, warning = answer_query(self.runner)
            self.db = self.runner.db
            self._answered = True
            if warning and self.warn is not None:
                self.warn(warning)
        return CatchUp(0, 0.0)

    def known_version(self, aggregate_id: UUID) -> int | None:
        """The aggregate's version as known at `known_at` (0: not yet recorded);
        None without `known_at`, when every version is known."""
        if self.known_at is None:
            return None
        self.catch_up()
        assert self.known is not None
        return self.known.version(aggregate_id)

    def replay(self, progress: Progress | None = None) -> CatchUp:
        return self.runner.replay(progress)

    # Listings (current state).

    def pairings(
        self,
        program: str | None = None,
        direction: str | None = None,
        status: str | None = None,
        person: str | None = None,
    ) -> list[dict[str, Any]]:
        self.catch_up()
        clauses, params = [], []
        if program is not None:
            clauses.append("p.program = ?")
            params.append(program)
        if person is not None:
            clauses.append("(p.mentor = ? OR p.mentee = ?)")
            params += [person, person]
        if status == Status.ACTIVE:
            clauses.append("p.ended_on IS NULL")
        elif status == Status.ENDED:
            clauses.append("p.ended_on IS NOT NULL")
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self.db.transaction(commit=False) as cursor:
            rows = cursor.execute(f"{LISTING}{where} ORDER BY p.paired_on, p.id", params).fetchall()
        listed = [current_pairing(row) for row in rows]
        if direction is not None:  # the direction in force now, after any reversals
            listed = [row for row in listed if row["direction"] == direction]
        return listed

    def people(self) -> list[dict[str, Any]]:
        self.catch_up()
        columns = ["id", "name", "email", "level", "department", "joined_on", "left_on"]
        with self.db.transaction(commit=False) as cursor:
            rows = cursor.execute(
                "SELECT employee_id, name, email, level, department, joined_on, left_on "
                "FROM view_people ORDER BY employee_id"
            ).fetchall()
        return [
            self._reveal(dict(zip(columns, row, strict=True)), "name", "email") for row in rows
        ]

    def programs(self) -> list[dict[str, Any]]:
        self.catch_up()
        with self.db.transaction(commit=False) as cursor:
            rows = cursor.execute(
                "SELECT g.slug, g.name, g.cadence_days, g.launched_on, g.closed_on, "
                "count(p.id), sum(CASE WHEN p.id IS NOT NULL AND p.ended_on IS NULL "
                "THEN 1 ELSE 0 END) FROM view_programs g "
                "LEFT JOIN view_pairings p ON p.program = g.slug "
                "GROUP BY g.slug, g.name, g.cadence_days, g.launched_on, g.closed_on "
                "ORDER BY g.slug"
            ).fetchall()
        columns = ["id", "name", "cadence_days", "launched_on", "closed_on", "pairings", "active"]
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def names(self, employee_ids: Sequence[str]) -> dict[str, str]:
        if not employee_ids:
            return {}
        marks = ", ".join("?" for _ in employee_ids)
        with self.db.transaction(commit=False) as cursor:
            rows = cursor.execute(
                f"SELECT employee_id, name FROM view_people WHERE employee_id IN ({marks})",
                list(employee_ids),
            ).fetchall()
        return {row[0]: self.keys.reveal(row[1]) for row in rows}

    # One person or program at a glance.

    def person(self, employee_id: str) -> dict[str, Any]:
        """A person's profile and every pairing they are in, in either role."""
        self.catch_up()
        with self.db.transaction(commit=False) as cursor:  # one state for every read
            person = profiles.person_row(cursor, employee_id)
            rows = cursor.execute(
                f"{LISTING} WHERE p.mentor = ? OR p.mentee = ? ORDER BY p.paired_on, p.id",
                (employee_id, employee_id),
            ).fetchall()
            names = profiles.partner_names(cursor, employee_id)
        if person is None:
            raise NotFound(f"unknown person {employee_id!r}")
        self._reveal(person, "name", "email", "left_reason")
        names = {partner: self.keys.reveal(name) for partner, name in names.items()}
        pairings = [profiles.as_partner(employee_id, current_pairing(row), names) for row in rows]
        return {**person, "pairings": pairings}

    def program(self, slug: str, as_of: date) -> dict[str, Any]:
        """A program and the counts of its pairings; health as of `as_of`."""
        self.catch_up()
        with self.db.transaction(commit=False) as cursor:
            found = profiles.program_summary(cursor, slug, as_of)
        if found is None:
            raise NotFound(f"unknown program {slug!r}")
        return found

    # The domain's ActivePairings port.

    def active_pairings_of(self, employee_id: str) -> list[UUID]:
        return [UUID(row["id"]) for row in self.pairings(person=employee_id, status=Status.ACTIVE)]

    def active_pairings_in(self, program: str) -> list[UUID]:
        return [UUID(row["id"]) for row in self.pairings(program=program, status=Status.ACTIVE)]
