"""The same events give the same views on PostgreSQL as on SQLite."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from eventsourcing.persistence import StoredEvent

from domain.application import MentorshipLedger
from domain.key_table import copy_keys
from domain.synthetic import generate_organisation
from projections.source import open_recorder
from projections.views import LedgerViews

TODAY = date(2026, 11, 22)


def _copy_events(source: MentorshipLedger, target_store: str) -> LedgerViews:
    notifications = source.recorder.select_notifications(1, 10**6)
    target = open_recorder(target_store)
    target.insert_events(
        [
            StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
            for n in notifications
        ]
    )
    copy_keys(source.recorder, target)  # the copy's sealed names need their keys
    return LedgerViews(target)


def _reports(views: LedgerViews, as_of: date) -> dict[str, object]:
    return {
        "direction": views.retention(as_of),
        "program": views.retention(as_of, "program"),
        "cohort": views.retention(as_of, "cohort"),
        "people": views.participant_retention(as_of),
        "engagement": views.engagement(as_of),
        "engagement_by_program": views.engagement(as_of, "program"),
        "at_risk": views.at_risk(as_of),
        "monthly": views.monthly(as_of),
    }


def test_postgres_views_equal_sqlite_views_today_and_in_the_past(
    tmp_path: Path, postgres_store: str
) -> None:
    ledger = MentorshipLedger(str(tmp_path / "ledger.db"), today=lambda: TODAY)
    generate_organisation(ledger, seed=3, people=60, pairings=60)
    sqlite_views = LedgerViews(ledger.recorder)

    postgres_views = _copy_events(ledger, postgres_store)

    for as_of in (TODAY, date(2025, 9, 30), date(2025, 2, 14)):
        assert _reports(postgres_views, as_of) == _reports(sqlite_views, as_of)
    assert postgres_views.pairings() == sqlite_views.pairings()
    assert postgres_views.people() == sqlite_views.people()
    assert postgres_views.programs() == sqlite_views.programs()


def test_postgres_replay_is_idempotent_and_matches_catch_up(
    tmp_path: Path, postgres_store: str
) -> None:
    ledger = MentorshipLedger(str(tmp_path / "ledger.db"), today=lambda: TODAY)
    summary = generate_organisation(ledger, seed=5, people=30, pairings=30)
    views = _copy_events(ledger, postgres_store)
    views.runner.page_size = 50

    caught_up = views.catch_up()
    after_catch_up = (views.pairings(), _reports(views, TODAY))
    replayed = views.replay()
    after_replay = (views.pairings(), _reports(views, TODAY))
    views.replay()

    assert caught_up.events == summary.events
    assert replayed.events == summary.events
    assert after_replay == after_catch_up
    assert (views.pairings(), _reports(views, TODAY)) == after_replay
