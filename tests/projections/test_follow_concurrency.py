"""The issue's acceptance test: writers in several processes and `follow`
processes on one store, all at once (on PostgreSQL, and on SQLite too).

Four writers each log 25 meetings on a pairing of their own while a fifth pairs
people and ends those pairings; two `follow` processes keep the views current
meanwhile, and a sixth process catches them up over and over, as queries do.
Afterwards the views equal a full replay of the log, the events the followers
report plus those the catching-up process applied are exactly the events
written (no event applied twice, none lost), and the views count every meeting
once.

Workers are fresh `python -c` processes released together, as in
tests/domain/test_concurrency.py.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backends import Stores
from follow_helpers import (
    TODAY,
    FollowProcess,
    last_event,
    setup_history,
    stored_position,
    views_and_replay,
    wait_for_views,
)
from worker_processes import START, run_together

from domain.application import MentorshipLedger
from projections.source import open_recorder
from projections.views import LedgerViews

WRITERS = 4
MEETINGS_EACH = 25
NEW_PAIRINGS = 6
QUERY_CATCH_UPS = 300

PRELUDE = (
    START
    + """
from domain.mentorship import EndReason

def retried(command, *args, **kwargs):
    while True:  # a command that gives up has written nothing: run it again
        try:
            return command(*args, **kwargs)
        except ConcurrentUpdate:
            pass
"""
)

LOG_MEETINGS = """
pairing = UUID(sys.argv[4])
for i in range(int(sys.argv[5])):
    retried(app.log_meeting, f"writer-{index}", pairing, date(2026, 3, 1) + timedelta(days=i), 30)
"""

PAIR_AND_END = """
for k in range(int(sys.argv[4])):
    for person, level in ((f"pm{k}", 6), (f"pe{k}", 2)):
        retried(app.register_person, "pairer", person, person.upper(), level=level)
    paired = retried(app.pair, "pairer", "alpha", f"pm{k}", f"pe{k}", date(2026, 4, 1)).id
    if k % 2 == 0:
        retried(app.end_pairing, "pairer", paired, date(2026, 5, 1), EndReason("completed"))
"""

# What every query does first: catch the views up (here, over and over).
CATCH_UP = """
from projections.runner import ViewRunner
runner = ViewRunner(app.recorder)
print(sum(runner.catch_up().events for _ in range(int(sys.argv[4]))))
"""


def test_writers_and_followers_at_once_leave_views_equal_to_a_replay(
    stores: Stores, tmp_path: Path, kit: Any, following: Callable[[str], FollowProcess]
) -> None:
    store = stores()
    app = MentorshipLedger(store, today=lambda: TODAY)
    try:
        pairings = setup_history(app, WRITERS)  # one meeting each
        before = last_event(app)
        followers = [following(store) for _ in range(2)]
        for follower in followers:
            follower.wait_until_started()
        sync = tmp_path / "sync"
        sync.mkdir()

        jobs = [(LOG_MEETINGS, [str(p), str(MEETINGS_EACH)]) for p in pairings]
        jobs += [(PAIR_AND_END, [str(NEW_PAIRINGS)]), (CATCH_UP, [str(QUERY_CATCH_UPS)])]
        outputs = run_together(store, sync, jobs, prelude=PRELUDE)

        written = last_event(app)
        ended = (NEW_PAIRINGS + 1) // 2
        assert written == before + WRITERS * MEETINGS_EACH + NEW_PAIRINGS * 5 + ended
        wait_for_views(store, written)
        stopped = [follower.stop(signal.SIGINT) for follower in followers]
    finally:
        app.close()

    for code, out, lines in stopped:
        assert code == 0, lines
        assert out == ""
        assert lines[-1] == f"Stopped at event {written}.", lines
    # Each event was applied once, by one follower or by the catching-up "query".
    applied = [batch for follower in followers for batch in follower.applied()]
    by_query = int(outputs[-1])
    assert sum(events for events, _ in applied) + by_query == written
    assert len({at for _, at in applied}) == len(applied)
    assert stored_position(store) == written

    followed, replayed = views_and_replay(kit, store)
    assert followed == replayed
    views = LedgerViews(open_recorder(store, create=False))
    try:
        listed = views.pairings()
        assert sum(p["meetings"] for p in listed) == WRITERS * (MEETINGS_EACH + 1)
        assert len(listed) == WRITERS + NEW_PAIRINGS
        assert sum(p["ended_on"] is not None for p in listed) == ended
        assert {p["mentor"] for p in listed if p["meetings"] > 1} == {
            f"m{k}" for k in range(WRITERS)
        }
    finally:
        views.db.close()
        getattr(views.runner.recorder, "datastore").close()  # noqa: B009
