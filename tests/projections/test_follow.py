"""`mentorship follow` as a real process: it applies events written after it
started, stops cleanly on SIGINT or SIGTERM, and resumes where it stopped.

The test never catches the views up itself while a follower runs: it only reads
the stored tracking position, so whatever the views show, `follow` applied.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from backends import Stores
from follow_helpers import (
    ACTOR,
    APPLIED,
    ROOT,
    STARTED,
    TIMEOUT,
    TODAY,
    FollowProcess,
    last_event,
    setup_history,
    stored_position,
    views_and_replay,
)

from domain.application import MentorshipLedger
from domain.mentorship import EndReason

SQLITE_FILE = "about a missing SQLite file"


@pytest.fixture
def store(stores: Stores) -> str:
    return stores()


def test_follow_applies_events_written_after_it_started_and_stops_on_sigint(
    store: str, kit: Any, following: Callable[[str], FollowProcess]
) -> None:
    app = MentorshipLedger(store, today=lambda: TODAY)
    try:
        pairings = setup_history(app, 2)
        follower = following(store)
        follower.wait_until_at(last_event(app))  # its first catch-up
        assert sum(events for events, _ in follower.applied()) == last_event(app)

        for day in (16, 23):
            app.log_meeting(ACTOR, pairings[0], date(2026, 2, day), 45)
        app.end_pairing(ACTOR, pairings[1], date(2026, 3, 2), EndReason("completed"))
        follower.wait_until_at(last_event(app))
        code, out, lines = follower.stop(signal.SIGINT)

        assert code == 0, lines
        assert out == ""
        assert lines[-1] == f"Stopped at event {last_event(app)}."
        assert STARTED.match(lines[0]), lines
        assert all(APPLIED.match(line) for line in lines[1:-1]), lines
        assert sum(events for events, _ in follower.applied()) == last_event(app)
        assert stored_position(store) == last_event(app)
        followed, replayed = views_and_replay(kit, store)
        assert followed == replayed
    finally:
        app.close()


def test_follow_resumes_from_its_position_after_sigterm(
    store: str, kit: Any, following: Callable[[str], FollowProcess]
) -> None:
    app = MentorshipLedger(store, today=lambda: TODAY)
    try:
        pairings = setup_history(app, 2)
        first = following(store)
        first.wait_until_at(last_event(app))
        code, _, lines = first.stop(signal.SIGTERM)
        stopped_at = last_event(app)
        assert code == 0, lines
        assert lines[-1] == f"Stopped at event {stopped_at}."

        app.log_meeting(ACTOR, pairings[0], date(2026, 2, 16), 45)
        app.end_pairing(ACTOR, pairings[1], date(2026, 3, 2), EndReason("mismatch"))
        assert stored_position(store) == stopped_at  # nothing applied them yet
        second = following(store)
        second.wait_until_at(last_event(app))
        code, out, lines = second.stop(signal.SIGINT)

        assert code == 0, lines
        assert out == ""
        # Only the events written while no follower ran: nothing applied twice.
        assert second.applied() == [(last_event(app) - stopped_at, last_event(app))]
        assert lines[-1] == f"Stopped at event {last_event(app)}."
        followed, replayed = views_and_replay(kit, store)
        assert followed == replayed
    finally:
        app.close()


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_follow_on_a_missing_store_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENTORSHIP_")}
    result = subprocess.run(
        [sys.executable, "-m", "cli", "--store", str(path), "follow"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: no store at {path}")
    assert len(result.stderr.splitlines()) == 1
    assert not path.exists()
