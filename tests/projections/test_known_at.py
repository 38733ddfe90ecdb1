"""The log prefix recorded by a time: projections/known_at.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson

from domain.application import MentorshipLedger
from projections.known_at import KnownLog, known_views, recorded_at


def test_recorded_at_reads_the_usual_layout_and_any_other() -> None:
    usual = b'{"timestamp":"2026-03-01T10:00:00+00:00","actor":"a","payload":{}}'
    other = orjson.dumps({"actor": "a", "timestamp": "2026-03-01T12:00:00+02:00"})

    assert recorded_at(usual) == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert recorded_at(other) == datetime(2026, 3, 1, 10, tzinfo=UTC)


def test_the_prefix_stops_at_the_first_event_recorded_later(tmp_path: Path) -> None:
    ledger = MentorshipLedger(str(tmp_path / "k.db"), today=lambda: date(2026, 11, 22))
    try:
        ledger.register_person("a", employee_id="E1", name="One", level=5)
        ledger.register_person("a", employee_id="E2", name="Two", level=2)
        between = datetime.now(UTC)
        ledger.update_profile("a", "E1", level=6)
        one = ledger.get_person("E1").id

        log = KnownLog(ledger.recorder, between)
        first = log.read_page(0, 1)
        rest = log.read_page(1, 100)
        after = log.read_page(2, 100)

        assert ([row[0] for row in first], [row[0] for row in rest], after) == ([1], [2], [])
        assert (log.events, log.version(one)) == (2, 1)
        runner, known = known_views(ledger.recorder, between - timedelta(days=1))
        assert (known.events, runner.position().notification_id) == (0, 0)
    finally:
        ledger.close()
