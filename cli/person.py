"""`mentorship person ...` and `mentorship people`."""

from __future__ import annotations

from datetime import date, datetime

import click

from cli.confirm import confirm_endings, yes_option
from cli.context import LedgerContext, pass_ledger
from cli.groups import HelpGroup
from cli.output import emit_records, format_option
from cli.params import LEVEL, DateParam, date_option, known_at_option


@click.group(cls=HelpGroup)
def person() -> None:
    """Register people and record changes to them.

    Example: mentorship person add E1042 --name "Ada Lovelace" --level 3
    """


@person.command("add")
@click.argument("employee_id")
@click.option("--name", required=True, help="Full name (personal data).")
@click.option("--email", help="Email address (personal data).")
@click.option("--level", type=LEVEL, help="Seniority grade; higher is more senior.")
@click.option("--department")
@click.option("--joined", type=DateParam("joining date"), help="When they joined the organisation.")
@pass_ledger
def add(
    ctx: LedgerContext,
    employee_id: str,
    name: str,
    email: str | None,
    level: int | None,
    department: str | None,
    joined: date | None,
) -> None:
    """Register a person under the organisation's own employee id.

    Example: mentorship person add E1042 --name "Ada Lovelace" --level 3 --joined 2021-04-01
    """
    ctx.ledger.register_person(
        ctx.actor,
        employee_id,
        name,
        email=email,
        level=level,
        department=department,
        joined_on=joined,
    )
    click.echo(f"Registered {employee_id} ({name})")


@person.command("update")
@click.argument("employee_id")
@click.option("--name")
@click.option("--email")
@click.option("--level", type=LEVEL)
@click.option("--department")
@click.option("--joined", type=DateParam("joining date"))
@pass_ledger
def update(
    ctx: LedgerContext,
    employee_id: str,
    name: str | None,
    email: str | None,
    level: int | None,
    department: str | None,
    joined: date | None,
) -> None:
    """Change a person's profile; only the options given change.

    Example: mentorship person update E1042 --level 4 --department Engineering
    """
    ctx.ledger.update_profile(
        ctx.actor,
        employee_id,
        name=name,
        email=email,
        level=level,
        department=department,
        joined_on=joined,
    )
    click.echo(f"Updated {employee_id}")


@person.command("leave")
@click.argument("employee_id")
@date_option("leaving date")
@click.option("--reason", help="Why they left, e.g. resigned, retired (personal data).")
@yes_option
@pass_ledger
def leave(
    ctx: LedgerContext, employee_id: str, on: date | None, reason: str | None, yes: bool
) -> None:
    """Record that a person left; their active pairings end that day (left_organisation).

    On a terminal, lists the pairings that will end and asks first (--yes skips).

    Example: mentorship person leave E1042 --on 2026-06-30 --reason resigned --yes
    """
    ledger = ctx.ledger
    on = on or ledger.today()
    if not yes and ctx.interactive:
        confirm_endings(ledger.pairings_ending_if_leaving(employee_id, on), on)
    ended = ledger.record_leaving(ctx.actor, employee_id, on, reason)
    click.echo(f"Recorded that {employee_id} left on {on}")
    for pairing in ended:
        click.echo(f"Ended pairing {pairing} (left_organisation)")


@person.command("forget")
@click.argument("employee_id")
@click.option(
    "--reason", required=True, help="Why, e.g. the erasure request's reference (not personal)."
)
@pass_ledger
def forget(ctx: LedgerContext, employee_id: str, reason: str) -> None:
    """Erase a person's personal data: their name, email, leaving reason and the
    notes of their pairings then read as [erased]; ids, dates and metrics stay.

    Their key is destroyed, which cannot be undone (see docs/audit.md).

    Example: mentorship person forget E1042 --reason "erasure request #2026-17"
    """
    from domain.vocabulary import ERASED

    ctx.ledger.forget_person(ctx.actor, employee_id, reason)
    click.echo(f"Forgot {employee_id}: their personal data now reads as {ERASED}")
    left_over = ctx.ledger.keys.left_over
    if left_over:
        click.echo(f"Warning: {left_over}", err=True)


@click.command("people")
@known_at_option
@format_option
@pass_ledger
def people(ctx: LedgerContext, known_at: datetime | None, fmt: str) -> None:
    """List registered people.

    Example: mentorship people --format csv
    """
    columns = ["id", "name", "email", "level", "department", "joined_on", "left_on"]
    from cli.known_at import views_known_at

    people = views_known_at(ctx, known_at).people()
    emit_records(people, columns, fmt, shrink=["name", "email", "department"])


COMMANDS = [person, people]
