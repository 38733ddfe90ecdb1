"""Commands that change a pairing: pair, meet, reverse, end, retract, reopen."""

from __future__ import annotations

from datetime import date

import click

from cli.context import LedgerContext, pass_ledger
from cli.params import DIRECTION, END_REASON, MEETING_NUMBER, MINUTES, date_option


@click.command("pair")
@click.option("--program", required=True, help="Program id (slug).")
@click.option("--mentor", required=True, help="Employee id of the mentor.")
@click.option("--mentee", required=True, help="Employee id of the mentee.")
@click.option("--direction", type=DIRECTION, help="Default: derived from the two levels.")
@date_option("pairing date")
@pass_ledger
def pair(
    ctx: LedgerContext,
    program: str,
    mentor: str,
    mentee: str,
    direction: str | None,
    on: date | None,
) -> None:
    """Pair a mentor with a mentee in a program; prints the new pairing's id.

    Example: mentorship pair --program reverse-2026 --mentor E2001 --mentee E1042
    """
    ledger = ctx.ledger
    on = on or ledger.today()
    mentorship = ledger.pair(ctx.actor, program, mentor, mentee, on, direction)
    click.echo(str(mentorship.id))


@click.command("meet")
@click.argument("pairing")
@click.option("--minutes", required=True, type=MINUTES, help="How long they met.")
@date_option("meeting date")
@click.option("--note", help="Free-text note (personal data).")
@pass_ledger
def meet(ctx: LedgerContext, pairing: str, minutes: int, on: date | None, note: str | None) -> None:
    """Record that a pair met; prints the meeting's number.

    Example: mentorship meet E2001/E1042 --minutes 45 --on 2026-03-02 --note "Git basics"
    """
    ledger = ctx.ledger
    pairing_id = ctx.resolve_pairing(pairing)
    number = ledger.log_meeting(ctx.actor, pairing_id, on or ledger.today(), minutes, note)
    click.echo(f"Recorded meeting {number} of pairing {pairing_id}")


@click.command("reverse")
@click.argument("pairing")
@date_option("reversal date")
@click.option("--note", help="Free-text note (personal data).")
@pass_ledger
def reverse(ctx: LedgerContext, pairing: str, on: date | None, note: str | None) -> None:
    """Swap mentor and mentee (traditional <-> reverse; peer stays peer).

    Example: mentorship reverse 3f2a9c --on 2026-05-01
    """
    ledger = ctx.ledger
    pairing_id = ctx.resolve_pairing(pairing)
    mentorship = ledger.reverse_roles(ctx.actor, pairing_id, on or ledger.today(), note)
    click.echo(
        f"Reversed roles of pairing {pairing_id}: {mentorship.mentor} now mentors "
        f"{mentorship.mentee} ({mentorship.direction.value})"
    )


@click.command("end")
@click.argument("pairing")
@click.option("--reason", required=True, type=END_REASON, help="Why the pairing ended.")
@date_option("end date")
@click.option("--note", help="Free-text note (personal data).")
@pass_ledger
def end(ctx: LedgerContext, pairing: str, reason: str, on: date | None, note: str | None) -> None:
    """End a pairing with a reason (a mistaken ending can be taken back with reopen).

    Example: mentorship end E2001/E1042 --reason completed --on 2026-09-30
    """
    ledger = ctx.ledger
    on = on or ledger.today()
    pairing_id = ctx.resolve_pairing(pairing)
    ledger.end_pairing(ctx.actor, pairing_id, on, reason, note)
    click.echo(f"Ended pairing {pairing_id} on {on} ({reason})")


@click.command("retract")
@click.argument("pairing")
@click.argument("meeting_number", type=MEETING_NUMBER)
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


@click.command("reopen")
@click.argument("pairing")
@click.option("--reason", required=True, help="Why the ending was a mistake.")
@pass_ledger
def reopen(ctx: LedgerContext, pairing: str, reason: str) -> None:
    """Take back a mistaken ending: the pairing is active again, as if it had never
    ended. The ending stays in the history, marked as retracted.

    Example: mentorship reopen 3f2a9c --reason "ended the wrong pairing"
    """
    ledger = ctx.ledger
    pairing_id = ctx.resolve_pairing(pairing, active_only=False)
    ledger.reopen_pairing(ctx.actor, pairing_id, reason)
    click.echo(f"Reopened pairing {pairing_id}: it is active again")


COMMANDS = [pair, meet, reverse, end, retract, reopen]
