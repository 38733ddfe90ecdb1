"""Asking before a command ends many pairings at once (person leave, program close)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from domain.mentorship import Mentorship

yes_option = click.option(
    "--yes", "-y", is_flag=True, help="Do not ask before ending active pairings."
)


def confirm_endings(pairings: Sequence[Mentorship], on: date) -> None:
    """Lists what will end on stderr and asks; declining records nothing."""
    if not pairings:
        return
    click.echo(f"This will end {len(pairings)} active pairing(s) on {on}:", err=True)
    for pairing in pairings:
        click.echo(
            f"  {str(pairing.id)[:8]}  {pairing.program}  {pairing.mentor} mentoring "
            f"{pairing.mentee} since {pairing.paired_on}",
            err=True,
        )
    if not click.confirm("Go ahead?", default=False, err=True):
        raise click.ClickException("cancelled: nothing was recorded")
