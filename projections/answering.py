"""How a query answers when the views cannot be brought up to date.

A query first tries to catch the views up, waiting only briefly for another
process's lock. If the store is busy or read-only (a read-only file, a
PostgreSQL role that may only SELECT) it answers from the views as they are,
with a warning saying how far behind the log they are. If the store holds no
usable views at all, they are built in memory from the whole event log, which
needs only reads.
"""

from __future__ import annotations

from domain.errors import StoreBusy
from domain.store import lock_timeout
from domain.store_guard import error_chain
from projections.db import ViewDatabase
from projections.runner import ViewRunner
from projections.source import last_notification_id

QUERY_LOCK_WAIT = 2  # seconds; a writer's lock usually lasts milliseconds
READ_ONLY_STATES = {
    "42501": "the store is read-only for this user",  # insufficient_privilege
    "25006": "the store is read-only",  # read_only_sql_transaction
}


def query_lock_wait() -> int:
    """How long a query waits for a lock before answering without catching up."""
    return min(QUERY_LOCK_WAIT, lock_timeout())


def catch_up_for_query(runner: ViewRunner) -> tuple[ViewRunner, str | None]:
    """Catches the views up if it can. Returns the runner whose views answer
    the query and, when they are not up to date, a warning for the user."""
    try:
        runner.catch_up()
        return runner, None
    except Exception as error:
        reason = cannot_write(error)
        if reason is None:
            raise
    events = last_notification_id(runner.recorder)
    try:
        position = runner.stored_position()
    except Exception as error:  # not even readable (a role without SELECT on them)
        if cannot_write(error) is None:
            raise
        position = None
    if position is None:
        in_memory = ViewDatabase.in_memory_for(runner.recorder)
        memory = ViewRunner(runner.recorder, runner.page_size, in_memory)
        memory.catch_up()
        return memory, (
            f"the views are not in the store and cannot be created there ({reason}); "
            f"built them in memory from all {_events(events)}"
        )
    behind = events - position.notification_id
    if behind <= 0:
        return runner, None
    return runner, (
        f"the views are {_events(behind)} behind the log ({reason}); these figures leave them out"
    )


def cannot_write(error: BaseException) -> str | None:
    """Why the views could not be written, if it is the store's state (busy,
    read-only) rather than a fault; None otherwise."""
    for cause in error_chain(error):
        if isinstance(cause, StoreBusy):
            return "the store is busy"
        if getattr(cause, "sqlite_errorname", "").startswith("SQLITE_READONLY"):
            return "the store is read-only"
        state = getattr(cause, "sqlstate", None)
        if state in READ_ONLY_STATES:
            return READ_ONLY_STATES[state]
    return None


def _events(count: int) -> str:
    return f"{count} event" if count == 1 else f"{count} events"

