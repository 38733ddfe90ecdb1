"""Reports read straight from the views, without the event store (projections/direct.py).

They must give exactly what `LedgerViews` gives, on SQLite and on PostgreSQL
(where the rows come through libpq as JSON), and step aside (None) whenever the
views are not known to hold every event in the current layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from projections.direct import EVENTS_POSTGRES, EVENTS_SQLITE, DirectViews, direct_views
from projections.source import open_recorder

TODAY = date(2026, 11, 22)
DAYS = (TODAY, date(2026, 4, 1), date(2026, 2, 15), date(2025, 12, 31))


@pytest.fixture
def opened() -> Iterator[list[DirectViews]]:
    found: list[DirectViews] = []
    yield found
    for views in found:
        views.db.close()


def _direct(ledger: Any, opened: list[DirectViews]) -> DirectViews | None:
    views = direct_views(ledger.path, lambda: ledger.views)
    if views is not None:
        opened.append(views)
    return views


def _reports(views: Any, as_of: date) -> dict[str, Any]:
    return {
        "retention": views.retention(as_of),
        "by_program": views.retention(as_of, "program"),
        "cohort": views.retention(as_of, "cohort", causes=True),
        # Before two directions have pairings the log-rank test raises.
        "compared": views.retention_compared(as_of) if as_of == TODAY else None,
        "people": views.participant_retention(as_of),
        "engagement": views.engagement(as_of),
        "engagement_by_program": views.engagement(as_of, "program"),
        "at_risk": views.at_risk(as_of),
        "monthly": views.monthly(as_of),
    }


def test_the_events_tables_are_those_of_the_recorders(ledger: Any) -> None:
    recorder: Any = ledger.app.recorder
    if ledger.path.startswith("postgresql"):
        table = f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
        assert table == EVENTS_POSTGRES
    else:
        assert recorder.events_table_name == EVENTS_SQLITE


def test_direct_reports_equal_the_usual_ones(
    ledger: Any, kit: Any, opened: list[DirectViews]
) -> None:
    kit.rich_history(ledger)
    ledger.views.catch_up()
    direct = _direct(ledger, opened)
    assert direct is not None
    for as_of in DAYS:
        assert _reports(direct, as_of) == _reports(ledger.views, as_of)


def test_views_behind_the_log_are_left_to_the_usual_path(
    ledger: Any, kit: Any, opened: list[DirectViews]
) -> None:
    kit.rich_history(ledger)
    assert _direct(ledger, opened) is None  # no views yet
    ledger.views.catch_up()
    assert _direct(ledger, opened) is not None
    ledger.person("zed", 4)  # one event the views do not hold yet
    assert _direct(ledger, opened) is None


def test_views_of_another_layout_are_left_to_the_usual_path(
    ledger: Any, kit: Any, opened: list[DirectViews]
) -> None:
    kit.rich_history(ledger)
    ledger.views.catch_up()
    with ledger.views.db.transaction(commit=True) as cursor:
        cursor.execute("UPDATE view_tracking SET schema_version = 2")
    assert _direct(ledger, opened) is None


def test_a_store_that_is_not_there_is_left_to_the_usual_path(tmp_path: Any) -> None:
    missing = str(tmp_path / "missing.db")
    assert direct_views(missing, lambda: None) is None  # type: ignore[arg-type,return-value]
    assert not (tmp_path / "missing.db").exists()


def test_postgres_rows_keep_their_types(postgres_store: str, kit: Any) -> None:
    """libpq's JSON rows hold what psycopg's hold: text, whole numbers, NULL."""
    from projections.direct import _connect
    from projections.views import LedgerViews

    recorder = open_recorder(postgres_store)
    usual = LedgerViews(recorder)
    direct = _connect(postgres_store)
    statement = (
        "SELECT 'a''b\\\\c\t\u00e9', 7, 2::bigint * 3000000000, NULL, sum(x), ? "
        "FROM (VALUES (1), (2)) AS v(x)"
    )
    try:
        with usual.db.transaction(commit=False) as cursor:
            expected = cursor.execute(statement, ("2026-02-15",)).fetchall()
        with direct.transaction(commit=False) as cursor:
            assert cursor.execute(statement, ("2026-02-15",)).fetchall() == expected
            assert cursor.execute("SELECT 1 WHERE false").fetchall() == []
    finally:
        direct.close()
        kit.close_views(usual)
        kit.close_recorder(recorder)
