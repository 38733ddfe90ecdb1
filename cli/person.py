"""`mentorship person ...` and `mentorship people`."""

from __future__ import annotations

import click

from cli.context import LedgerContext, pass_ledger
from cli.output import emit_records, format_option
from domain.dates import parse_date


@click.group()
def person() -> None:
    """Register people and record changes to them.

    Example: mentorship person add E1042 --name "Ada Lovelace" --level 3
    """


@person.command("add")
@click.argument("employee_id")
@click.option("--name", required=True, help="Full name (personal data).")
@click.option("--email", help="Email address (personal data).")
@click.option("--level", type=int, help="Seniority grade; higher is more senior.")
@click.option("--department")
@click.option("--joined", help="Date they joined the organisation, YYYY-MM-DD.")
@pass_ledger
def add(
    ctx: LedgerContext,
    employee_id: str,
    name: str,
    email: str | None,
    level: int | None,
    department: str | None,
    joined: str | None,
) -> None:
    """Register a person under the organisation's own employee id.

    Example: mentorship person add E1042 --name "Ada Lovelace" --level 3 --joined 2021-04-01
    """
    from domain.events import check_employee_id, check_text
    from domain.person import Registration, check_level

    check_employee_id(employee_id)
    check_text(name, "name")
    check_text(email, "email")
    check_text(department, "department")
    check_level(level)
    joined_on = parse_date(joined, "joining date") if joined else None
    registration = Registration(
        employee_id=employee_id,
        name=name,
        email=email,
        level=level,
        department=department,
        joined_on=joined_on,
    )
    ctx.ledger.register_person(ctx.actor, registration)
    click.echo(f"Registered {employee_id} ({name})")


@person.command("update")
@click.argument("employee_id")
@click.option("--name")
@click.option("--email")
@click.option("--level", type=int)
@click.option("--department")
@click.option("--joined", help="YYYY-MM-DD")
@pass_ledger
def update(
    ctx: LedgerContext,
    employee_id: str,
    name: str | None,
    email: str | None,
    level: int | None,
    department: str | None,
    joined: str | None,
) -> None:
    """Change a person's profile; only the options given change.

    Example: mentorship person update E1042 --level 4 --department Engineering
    """
    from domain.events import check_text
    from domain.person import ProfileChange, check_level

    check_text(name, "name")
    check_text(email, "email")
    check_level(level)
    joined_on = parse_date(joined, "joining date") if joined else None
    change = ProfileChange(
        name=name, email=email, level=level, department=department, joined_on=joined_on
    )
    ctx.ledger.update_profile(ctx.actor, employee_id, change)
    click.echo(f"Updated {employee_id}")


@person.command("leave")
@click.argument("employee_id")
@click.option("--on", "on_text", help="Leaving date, YYYY-MM-DD (default: today).")
@click.option("--reason", help="Why they left, e.g. resigned, retired.")
@pass_ledger
def leave(ctx: LedgerContext, employee_id: str, on_text: str | None, reason: str | None) -> None:
    """Record that a person left; their active pairings end that day (left_organisation).

    Example: mentorship person leave E1042 --on 2026-06-30 --reason resigned
    """
    from domain.events import check_text
    from domain.person import Departure

    ledger = ctx.ledger
    on = parse_date(on_text, "leaving date") if on_text else ledger.today()
    check_text(reason, "reason")
    ended = ledger.record_leaving(ctx.actor, employee_id, Departure(on=on, reason=reason))
    click.echo(f"Recorded that {employee_id} left on {on}")
    for pairing in ended:
        click.echo(f"Ended pairing {pairing} (left_organisation)")


@click.command("people")
@format_option
@pass_ledger
def people(ctx: LedgerContext, fmt: str) -> None:
    """List registered people.

    Example: mentorship people --format csv
    """
    columns = ["id", "name", "email", "level", "department", "joined_on", "left_on"]
    emit_records(ctx.views.people(), columns, fmt, shrink=["name", "email", "department"])


COMMANDS = [person, people]
