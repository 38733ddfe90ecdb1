"""`mentorship program ...` and `mentorship programs`."""

from __future__ import annotations

import click

from cli.context import LedgerContext, pass_ledger
from cli.output import emit_records, format_option
from domain.dates import parse_date


@click.group()
def program() -> None:
    """Launch and close mentoring programs.

    Example: mentorship program launch reverse-2026 --name "Reverse mentoring 2026"
    """


@program.command("launch")
@click.argument("slug")
@click.option("--name", required=True)
@click.option(
    "--cadence",
    type=int,
    default=30,
    show_default=True,
    help="How often pairs are expected to meet, in days.",
)
@click.option("--on", "on_text", help="Launch date, YYYY-MM-DD (default: today).")
@pass_ledger
def launch(ctx: LedgerContext, slug: str, name: str, cadence: int, on_text: str | None) -> None:
    """Launch a program under a slug id.

    Example: mentorship program launch reverse-2026 --name "Reverse mentoring 2026" --cadence 14
    """
    from domain.events import check_slug
    from domain.program import Launch, check_cadence

    ledger = ctx.ledger
    check_slug(slug)
    check_cadence(cadence)
    on = parse_date(on_text, "launch date") if on_text else ledger.today()
    ledger.launch_program(ctx.actor, Launch(slug=slug, name=name, cadence_days=cadence, on=on))
    click.echo(f"Launched {slug} on {on}")


@program.command("close")
@click.argument("slug")
@click.option("--on", "on_text", help="Closing date, YYYY-MM-DD (default: today).")
@pass_ledger
def close(ctx: LedgerContext, slug: str, on_text: str | None) -> None:
    """Close a program; its active pairings end that day (program_closed).

    Example: mentorship program close reverse-2026 --on 2026-12-31
    """
    from domain.program import Closure

    ledger = ctx.ledger
    on = parse_date(on_text, "closing date") if on_text else ledger.today()
    ended = ledger.close_program(ctx.actor, slug, Closure(on=on))
    click.echo(f"Closed {slug} on {on}")
    for pairing in ended:
        click.echo(f"Ended pairing {pairing} (program_closed)")


@click.command("programs")
@format_option
@pass_ledger
def programs(ctx: LedgerContext, fmt: str) -> None:
    """List programs with their pairing counts.

    Example: mentorship programs --format json
    """
    columns = ["id", "name", "cadence_days", "launched_on", "closed_on", "pairings", "active"]
    # The slug stays whole: commands take it.
    emit_records(ctx.views.programs(), columns, fmt, shrink=["name"], optional=["launched_on"])


COMMANDS = [program, programs]
