"""What the queries read when given `--known-at`: views and aggregates as recorded by then.

Without `--known-at` these hand back the usual views and the application's
aggregates, so the normal path is unchanged. With it, the views are built in
memory from the events recorded by that time (projections/known_at.py), and
aggregates are loaded at the version they had then.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from cli.context import LedgerContext

if TYPE_CHECKING:
    from domain.application import MentorshipLedger
    from domain.events import RecordedEvent
    from domain.mentorship import Mentorship
    from domain.person import Person
    from domain.program import Program
    from projections.report_reads import ReportReads
    from projections.views import LedgerViews

A = TypeVar("A")


def report_views(ctx: LedgerContext, known_at: datetime | None) -> ReportReads:
    """What `retention` and `engagement` read: without `--known-at`, the views
    straight from the store when they hold every event (no event store to open,
    see projections/direct.py); otherwise, as `views_known_at`."""
    if known_at is None:
        direct = ctx.direct_views()
        if direct is not None:
            return direct
    return views_known_at(ctx, known_at)


def views_known_at(ctx: LedgerContext, known_at: datetime | None) -> LedgerViews:
    """The views to answer from: the usual ones, or those as known at `known_at`."""
    if known_at is None:
        return ctx.views
    from projections.views import LedgerViews

    # ctx.views only picks the recorder (never creating a store); nothing is read yet.
    return LedgerViews(ctx.views.runner.recorder, reading=True, known_at=known_at)


def default_as_of(ctx: LedgerContext, known_at: datetime | None) -> date:
    """The day a report is "as of" when --as-of is not given: today, or, as the
    command would have said then, the (UTC) day of --known-at."""
    today = ctx.today()
    return today if known_at is None else min(today, known_at.date())


def shown(known_at: datetime) -> str:
    return known_at.astimezone(UTC).isoformat().replace("+00:00", "Z")


class KnownAggregates:
    """The application's aggregates and their events, as the views know them."""

    def __init__(self, ledger: MentorshipLedger, views: LedgerViews) -> None:
        self.ledger = ledger
        self.views = views

    def pairing(self, pairing_id: UUID) -> Mentorship:
        found = self.ledger.get_pairing(pairing_id)
        return self._as_known(found, pairing_id, f"unknown pairing {pairing_id}")

    def person(self, employee_id: str) -> Person:
        from domain.person import person_id

        found = self.ledger.get_person(employee_id)
        return self._as_known(found, person_id(employee_id), f"unknown person {employee_id!r}")

    def program(self, slug: str) -> Program:
        from domain.program import program_id

        found = self.ledger.get_program(slug)
        return self._as_known(found, program_id(slug), f"unknown program {slug!r}")

    def events(self, aggregate_id: UUID) -> list[RecordedEvent]:
        """The aggregate's events in the order recorded, up to its known version."""
        version = self.views.known_version(aggregate_id)
        found: Any = self.ledger.events.get(aggregate_id, lte=version)
        return list(found)

    def _as_known(self, current: A, aggregate_id: UUID, unknown: str) -> A:
        version = self.views.known_version(aggregate_id)
        if version is None:
            return current
        if version == 0:
            from domain.errors import NotFound

            assert self.views.known_at is not None
            raise NotFound(f"{unknown} as known at {shown(self.views.known_at)}")
        found: A = self.ledger.repository.get(aggregate_id, version=version)
        return found
