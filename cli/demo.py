"""`mentorship demo`: a seeded synthetic organisation, then the reports."""

from __future__ import annotations

from datetime import date

import click

from cli.context import LedgerContext
from cli.engagement import engagement_table
from cli.reports import progress_bar
from cli.retention import retention_table
from domain.errors import NotAllowed


@click.command("demo")
@click.option(
    "--store", "demo_store", help="Where to write the demo (default: the global --store)."
)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
@click.option(
    "--report",
    "report_out",
    help="Where to write the HTML report (default: beside a SQLite store, as STORE-report.html).",
)
@click.pass_context
def demo(ctx: click.Context, demo_store: str | None, seed: int, report_out: str | None) -> None:
    """Build a realistic synthetic organisation in an empty store and report on it.

    Example: mentorship demo --store demo.db --seed 42
    """
    from domain.synthetic import generate_organisation

    parent: LedgerContext = ctx.obj
    target = LedgerContext(demo_store, parent.actor) if demo_store else parent
    ledger = target.ledger
    if ledger.recorder.max_notification_id():
        raise NotAllowed(
            f"store {target.store} already has events; the demo needs an empty store "
            "(choose one with --store)"
        )
    with progress_bar("Generating") as update:
        summary = generate_organisation(
            ledger, seed=seed, actor=target.actor, progress=lambda done: update(done, done)
        )
    click.echo(
        f"Demo organisation written to {target.store} (seed {seed}): {summary.people} people, "
        f"{summary.programs} programs, {summary.pairings} pairings, {summary.meetings} meetings, "
        f"{summary.reversals} reversals, {summary.endings} endings, "
        f"{summary.retractions} retractions, {summary.departures} departures "
        f"({summary.events} events)."
    )
    views = target.views
    with progress_bar("Building views") as update:
        views.catch_up(update)
    today: date = ledger.today()
    retention = views.retention(today)
    click.echo(f"\nRetention as of {today} (by direction at pairing):")
    click.echo(retention_table(retention))
    engagement = views.engagement(today)
    click.echo(f"\nEngagement as of {today} (active pairings, by current direction):")
    click.echo(engagement_table(engagement))
    from cli.report import write_report

    written = write_report(target, report_out or demo_report_path(target.store))
    # Hints go to stderr: stdout is the report, and it ends with the tables.
    click.echo(f"\nReport (open it in a browser): {written}", err=True)
    click.echo(
        f"Try: mentorship --store {target.store} list --status active | head\n"
        f"     mentorship --store {target.store} engagement --at-risk",
        err=True,
    )


def demo_report_path(store: str) -> str:
    """`demo.db` -> `demo-report.html` beside it; for PostgreSQL, the default file."""
    from pathlib import Path

    from cli.report import DEFAULT_OUT
    from domain.store import is_postgres

    if is_postgres(store):
        return DEFAULT_OUT
    path = Path(store)
    return str(path.with_name(f"{path.stem}-report.html"))


COMMANDS = [demo]
