"""`follow`: a long-lived process that keeps the views current as events arrive."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from cli.context import LedgerContext, pass_ledger

if TYPE_CHECKING:
    from projections.follow import Follower
    from projections.runner import Position


@contextmanager
def _stopped_by_signals(follower: Follower) -> Iterator[None]:
    """Ctrl-C and SIGTERM ask the follower to stop after its current batch."""
    import signal  # here: `mentorship --help` does not need it

    def handle(signum: int, frame: FrameType | None) -> None:
        follower.stop()

    previous: dict[int, Any] = {
        s: signal.signal(s, handle) for s in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _report(events: int, position: Position) -> None:
    noun = "event" if events == 1 else "events"
    click.echo(f"Applied {events} {noun}; views at event {position.notification_id}.", err=True)


def _announce(position: Position, how: str) -> None:
    click.echo(f"Following from event {position.notification_id}, {how}.", err=True)


@click.command("follow")
@click.option(
    "--interval",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Seconds between looks for new events on SQLite (PostgreSQL notifies at once).",
)
@pass_ledger
def follow(ctx: LedgerContext, interval: float) -> None:
    """Keep the views current as events arrive, until Ctrl-C or SIGTERM.

    Resumes from where the views stand; on stderr, says how it waits for new
    events, then prints one line per applied batch. Queries stay exact
    without it (they catch up themselves); with it they rarely have to.

    Example: mentorship --store postgresql://ledger@db.internal/ledger follow
    """
    from projections.follow import Follower

    runner = ctx.views.runner  # a store that cannot be opened is an error here
    follower = Follower(runner, interval=interval, report=_report, announce=_announce)
    with _stopped_by_signals(follower):
        position = follower.run()
    click.echo(f"Stopped at event {position.notification_id}.", err=True)


COMMANDS = [follow]
