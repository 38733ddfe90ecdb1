"""`mentorship program ...` and `mentorship programs`."""

from __future__ import annotations

from datetime import date, datetime

import click

from cli.confirm import confirm_endings, yes_option
from cli.context import LedgerContext, pass_ledger
from cli.groups import HelpGroup
from cli.output import emit_records, format_option
from cli.params import CADENCE, date_option, known_at_option
from domain.vocabulary import DEFAULT_CADENCE_DAYS


@click.group(cls=HelpGroup)
def program() -> None:
    """Launch and close mentoring programs.

    Example: mentorship program launch reverse-2026 --name "Reverse mentoring 2026"
    """


@program.command("launch")
@click.argument("slug")
@click.option("--name", required=True)
@click.option(
    "--cadence",
    type=CADENCE,
    default=DEFAULT_CADENCE_DAYS,
    show_default=True,
    help="How often pairs are expected to meet, in days.",
)
@date_option("launch date")
@pass_ledger
def launch(ctx: LedgerContext, slug: str, name: str, cadence: int, on: date | None) -> None:
    """Launch a program under a slug id.

    Example: mentorship program launch reverse-2026 --name "Reverse mentoring 2026" --cadence 14
    """
    ledger = ctx.ledger
    on = on or ledger.today()
    ledger.launch_program(ctx.actor, slug, name, on, cadence)
    click.echo(f"Launched {slug} on {on}")


@program.command("close")
@click.argument("slug")
@date_option("closing date")
@yes_option
@pass_ledger
def close(ctx: LedgerContext, slug: str, on: date | None, yes: bool) -> None:
    """Close a program; its active pairings end that day (program_closed).

    On a terminal, lists the pairings that will end and asks first (--yes skips).

    Example: mentorship program close reverse-2026 --on 2026-12-31 --yes
    """
    ledger = ctx.ledger
    on = on or ledger.today()
    if not yes and ctx.interactive:
        confirm_endings(ledger.pairings_ending_if_closed(slug, on), on)
    ended = ledger.close_program(ctx.actor, slug, on)
    click.echo(f"Closed {slug} on {on}")
    for pairing in ended:
        click.echo(f"Ended pairing {pairing} (program_closed)")


@click.command("programs")
@known_at_option
@format_option
@pass_ledger
def programs(ctx: LedgerContext, known_at: datetime | None, fmt: str) -> None:
    """List programs with their pairing counts.

    Example: mentorship programs --format json
    """
    columns = ["id", "name", "cadence_days", "launched_on", "closed_on", "pairings", "active"]
    # The slug stays whole: commands take it.
    from cli.known_at import views_known_at

    listed = views_known_at(ctx, known_at).programs()
    emit_records(listed, columns, fmt, shrink=["name"], optional=["launched_on"])


COMMANDS = [program, programs]
