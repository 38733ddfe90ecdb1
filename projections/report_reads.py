"""The reports `retention` and `engagement` read: rows as of a date, then the
pure metric functions.

Mixed into `LedgerViews` (views caught up first) and `DirectViews` (views read
straight from a store whose views hold every event, without the event store).
Neither this module nor what it imports loads eventsourcing or a driver.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from projections import engagement
from projections.queries import (
    first_launch_on,
    monthly_meeting_counts,
    pairing_rows,
    person_rows,
    span_rows,
    uuid_text,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from projections.db import Cursor
    from projections.spans import PairingSpan


class ReadDatabase(Protocol):
    """What the report reads need of the database that holds the views."""

    @property
    def is_sqlite(self) -> bool: ...

    def transaction(self, *, commit: bool) -> AbstractContextManager[Cursor]: ...


@contextmanager
def report_reading(db: ReadDatabase) -> Iterator[Cursor]:
    """A read transaction for the reports' row reads.

    Without statistics (autovacuum off, nothing analyzed since a replay)
    PostgreSQL overestimates the as-of meeting aggregate past its JIT threshold
    and spent ~55 ms compiling it, in a query that runs ~250 ms: JIT is off."""
    with db.transaction(commit=False) as cursor:
        if not db.is_sqlite:
            cursor.execute("SET LOCAL jit = off")
        yield cursor


class ReportReads:
    if TYPE_CHECKING:
        db: ReadDatabase

        def catch_up(self) -> Any: ...

        def names(self, employee_ids: Sequence[str]) -> dict[str, str]: ...

    def _rows(self, as_of: date, *, active_only: bool = False) -> list[Any]:
        self.catch_up()
        with report_reading(self.db) as cursor:
            return pairing_rows(cursor, as_of, active_only=active_only)

    def _spans(self, as_of: date) -> list[PairingSpan]:
        self.catch_up()
        with report_reading(self.db) as cursor:
            return span_rows(cursor, as_of)

    def retention(
        self, as_of: date, by: str = "direction", *, causes: bool = False
    ) -> list[dict[str, Any]]:
        from projections import retention  # the statistics, for the retention reports only

        return retention.retention_groups(self._spans(as_of), as_of, by, causes=causes)

    def retention_compared(
        self, as_of: date, by: str = "direction", *, causes: bool = False
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The retention groups and a log-rank test across them, from one read."""
        from projections import retention

        rows = self._spans(as_of)
        groups = retention.retention_groups(rows, as_of, by, causes=causes)
        return groups, retention.compare(rows, as_of, by)

    def participant_retention(self, as_of: date) -> list[dict[str, Any]]:
        self.catch_up()
        with self.db.transaction(commit=False) as cursor:  # one state for all reads
            rows = pairing_rows(cursor, as_of)
            people = person_rows(cursor, as_of)
            launch = first_launch_on(cursor, as_of)
        from projections import participants

        return participants.participant_retention(rows, people, as_of, first_launch=launch)

    def engagement(self, as_of: date, by: str = "direction") -> list[dict[str, Any]]:
        return engagement.engagement_groups(self._rows(as_of, active_only=True), as_of, by)

    def at_risk(self, as_of: date) -> list[dict[str, Any]]:
        listed = engagement.at_risk(self._rows(as_of, active_only=True), as_of)
        names = self.names(sorted({r["mentor"] for r in listed} | {r["mentee"] for r in listed}))
        for row in listed:
            row["id"] = uuid_text(row["id"])
            row["mentor_name"] = names.get(row["mentor"])
            row["mentee_name"] = names.get(row["mentee"])
        return listed

    def monthly(self, as_of: date) -> list[dict[str, Any]]:
        self.catch_up()
        with self.db.transaction(commit=False) as cursor:
            counts = monthly_meeting_counts(cursor, as_of)
        return engagement.monthly_table(counts)
