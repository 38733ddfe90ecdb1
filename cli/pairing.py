"""Commands that change a pairing: pair, meet, reverse, end, retract."""

from __future__ import annotations

import re

import click

from cli.context import LedgerContext, pass_ledger
from domain.dates import parse_date
from domain.errors import InvalidInput


@click.command("pair")
@click.option("--program", required=True, help="Program id (slug).")
@click.option("--mentor", required=True, help="Employee id of the mentor.")
@click.option("--mentee", required=True, help="Employee id of the mentee.")
@click.option("--direction", help="traditional, reverse or peer (default: from levels).")
@click.option("--on", "on_text", help="Pairing date, YYYY-MM-DD (default: today).")
@pass_ledger
def pair(
    ctx: LedgerContext,
    program: str,
    mentor: str,
    mentee: str,
    direction: str | None,
    on_text: str | None,
) -> None:
    """Pair a mentor with a mentee in a program; prints the new pairing's id.

    Example: mentorship pair --program reverse-2026 --mentor E2001 --mentee E1042
    """
    from domain.mentorship import parse_direction

    chosen = parse_direction(direction) if direction is not None else None
    on = parse_date(on_text, "pairing date") if on_text else ctx.ledger.today()
    mentorship = ctx.ledger.pair(ctx.actor, program, mentor, mentee, on, chosen)
    click.echo(str(mentorship.id))


def _minutes(text: str) -> int:
    from domain.mentorship import MAX_MINUTES, check_minutes

    # int() would also take "4_5", "+45" and non-ASCII digits.
    if not re.fullmatch(r"[0-9]{1,5}", text.strip()):
        raise InvalidInput(f"minutes must be a whole number from 1 to {MAX_MINUTES}, not {text!r}")
    return check_minutes(int(text))


@click.command("meet")
@click.argument("pairing")
@click.option("--minutes", required=True, help="How long they met, 1..1440.")
@click.option("--on", "on_text", help="Meeting date, YYYY-MM-DD (default: today).")
@click.option("--note", help="Free-text note (personal data).")
@pass_ledger
def meet(
    ctx: LedgerContext, pairing: str, minutes: str, on_text: str | None, note: str | None
) -> None:
    """Record that a pair met; prints the meeting's number.

    Example: mentorship meet E2001/E1042 --minutes 45 --on 2026-03-02 --note "Git basics"
    """
    length = _minutes(minutes)
    ledger = ctx.ledger
    on = parse_date(on_text, "meeting date") if on_text else ledger.today()
    pairing_id = ctx.resolve_pairing(pairing)
    number = ledger.log_meeting(ctx.actor, pairing_id, on, length, note)
    click.echo(f"Recorded meeting {number} of pairing {pairing_id}")


@click.command("reverse")
@click.argument("pairing")
@click.option("--on", "on_text", help="Date of the swap, YYYY-MM-DD (default: today).")
@click.option("--note", help="Free-text note (personal data).")
@pass_ledger
def reverse(ctx: LedgerContext, pairing: str, on_text: str | None, note: str | None) -> None:
    """Swap mentor and mentee (traditional <-> reverse; peer stays peer).

    Example: mentorship reverse 3f2a9c --on 2026-05-01
    """
    ledger = ctx.ledger
    on = parse_date(on_text, "reversal date") if on_text else ledger.today()
    pairing_id = ctx.resolve_pairing(pairing)
    mentorship = ledger.reverse_roles(ctx.actor, pairing_id, on, note)
    click.echo(
        f"Reversed roles of pairing {pairing_id}: {mentorship.mentor} now mentors "
        f"{mentorship.mentee} ({mentorship.direction.value})"
    )


@click.command("end")
@click.argument("pairing")
@click.option(
    "--reason",
    required=True,
    help="completed, mentor_withdrew, mentee_withdrew, left_organisation, "
    "mismatch, program_closed or other.",
)
@click.option("--on", "on_text", help="End date, YYYY-MM-DD (default: today).")
@click.option("--note", help="Free-text note (personal data).")
@pass_ledger
def end(
    ctx: LedgerContext, pairing: str, reason: str, on_text: str | None, note: str | None
) -> None:
    """End a pairing with a reason.

    Example: mentorship end E2001/E1042 --reason completed --on 2026-09-30
    """
    from domain.mentorship import parse_end_reason

    why = parse_end_reason(reason)
    ledger = ctx.ledger
    on = parse_date(on_text, "end date") if on_text else ledger.today()
    pairing_id = ctx.resolve_pairing(pairing)
    ledger.end_pairing(ctx.actor, pairing_id, on, why, note)
    click.echo(f"Ended pairing {pairing_id} on {on} ({why.value})")


@click.command("retract")
@click.argument("pairing")
@click.argument("meeting_number", type=int)
@click.option("--reason", required=True, help="Why the meeting record is wrong.")
@pass_ledger
def retract(ctx: LedgerContext, pairing: str, meeting_number: int, reason: str) -> None:
    """Retract a mistaken meeting: it stays in the history and stops counting.

    Example: mentorship retract 3f2a9c 2 --reason "logged twice"
    """
    ledger = ctx.ledger
    pairing_id = ctx.resolve_pairing(pairing)
    ledger.retract_meeting(ctx.actor, pairing_id, meeting_number, reason)
    click.echo(f"Retracted meeting {meeting_number} of pairing {pairing_id}")


COMMANDS = [pair, meet, reverse, end, retract]
