"""Runs `mentorship follow` as a real process for the tests (imported by name:
`conftest` is ambiguous when several test folders have one)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from domain.application import MentorshipLedger
from projections.source import open_recorder
from projections.views import LedgerViews

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 22)
ACTOR = "hr.admin"
JOINED = date(2020, 1, 6)
TIMEOUT = 60  # seconds; generous, only to fail instead of hanging
STARTED = re.compile(
    r"^Following from event (\d+), (polling every 0.1 s|woken by the store's notifications)\.$"
)
APPLIED = re.compile(r"^Applied (\d+) events?; views at event (\d+)\.$")


class FollowProcess:
    """`mentorship follow` in a subprocess; its stderr lines are collected as they come."""

    def __init__(self, store: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MENTORSHIP_")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", "--store", store, "follow", "--interval", "0.1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def applied(self) -> list[tuple[int, int]]:
        """(events, position) of every status line so far."""
        found = [APPLIED.match(line) for line in list(self.lines)]
        return [(int(m[1]), int(m[2])) for m in found if m]

    def wait_until_started(self) -> None:
        """Until the follower says how it waits (on PostgreSQL, it is listening)."""
        deadline = time.monotonic() + TIMEOUT
        while not (self.lines and STARTED.match(self.lines[0])):
            assert self.process.poll() is None, self.lines
            assert time.monotonic() < deadline, f"follow did not start: {self.lines}"
            time.sleep(0.02)

    def wait_until_at(self, position: int) -> None:
        """Until a status line reports `position` (the follower has caught up)."""
        deadline = time.monotonic() + TIMEOUT
        while not any(at >= position for _, at in self.applied()):
            assert self.process.poll() is None, self.lines
            assert time.monotonic() < deadline, f"follow never reached {position}: {self.lines}"
            time.sleep(0.02)

    def stop(self, signum: int = signal.SIGINT) -> tuple[int, str, list[str]]:
        """Sends `signum`; returns the exit code, stdout and stderr lines."""
        self.process.send_signal(signum)
        assert self.process.stdout is not None
        out = self.process.stdout.read()
        code = self.process.wait(timeout=TIMEOUT)
        self._reader.join(timeout=TIMEOUT)
        return code, out, self.lines


def last_event(app: MentorshipLedger) -> int:
    return app.recorder.max_notification_id() or 0


def stored_position(store: str) -> int:
    """The views' tracking position, read without catching anything up."""
    views = LedgerViews(open_recorder(store, create=False))
    try:
        position = views.runner.stored_position()
        return 0 if position is None else position.notification_id
    finally:
        views.db.close()
        getattr(views.runner.recorder, "datastore").close()  # noqa: B009


def wait_for_views(store: str, position: int) -> None:
    """Until the stored views are at `position`, whoever applied the events."""
    deadline = time.monotonic() + TIMEOUT
    while stored_position(store) < position:
        assert time.monotonic() < deadline, f"the views never reached event {position}"
        time.sleep(0.05)


def setup_history(app: MentorshipLedger, pairs: int) -> list[Any]:
    """People, a program and `pairs` pairings with one meeting each."""
    app.launch_program(ACTOR, "alpha", "Alpha", date(2026, 1, 5), 30)
    pairings = []
    for k in range(pairs):
        for person, level in ((f"m{k}", 5), (f"e{k}", 3)):
            app.register_person(ACTOR, person, person.title(), level=level, joined_on=JOINED)
        pairing = app.pair(ACTOR, "alpha", f"m{k}", f"e{k}", date(2026, 2, 2)).id
        app.log_meeting(ACTOR, pairing, date(2026, 2, 9), 30)
        pairings.append(pairing)
    return pairings


def views_and_replay(kit: Any, store: str) -> tuple[Any, Any]:
    """Every view table and report as they stand, then after a full replay of the log.

    The views must be caught up already: the reports would catch them up."""
    views = LedgerViews(open_recorder(store, create=False))
    try:
        followed = kit.view_tables(views), kit.reports(views, TODAY)
        views.replay()
        return followed, (kit.view_tables(views), kit.reports(views, TODAY))
    finally:
        views.db.close()
        getattr(views.runner.recorder, "datastore").close()  # noqa: B009
