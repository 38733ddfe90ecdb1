"""`mentorship person history` and `mentorship program history`: every event of a
person or a program, for audit, in the rows and formats of the pairing `history`.

Added to the `person` and `program` groups by cli/main.py, like their `show`.
"""

from __future__ import annotations

from datetime import datetime

import click

from cli.context import LedgerContext, pass_ledger
from cli.history_rows import emit_history, event_records
from cli.known_at import KnownAggregates, views_known_at
from cli.output import format_option
from cli.params import known_at_option


def _known(ctx: LedgerContext, known_at: datetime | None) -> KnownAggregates:
    # A read: the store must exist already (the root group marks only top-level
    # commands as queries, and this one sits in a group that also records).
    ctx.reading = True
    return KnownAggregates(ctx.ledger, views_known_at(ctx, known_at))


@click.command("history")
@click.argument("employee_id")
@known_at_option
@format_option
@pass_ledger
def person_history(
    ctx: LedgerContext, employee_id: str, known_at: datetime | None, fmt: str
) -> None:
    """Every event of a person, for audit: no., type, on, recorded at (UTC), actor, details.

    Example: mentorship person history E1042 --known-at 2026-06-30 --format csv
    """
    known = _known(ctx, known_at)
    person = known.person(employee_id)
    events = event_records(known.events(person.id))
    head = {"person": {"id": person.employee_id, "name": person.name}}
    emit_history(fmt, f"Person {person.employee_id} ({person.name})", head, events)


@click.command("history")
@click.argument("slug")
@known_at_option
@format_option
@pass_ledger
def program_history(ctx: LedgerContext, slug: str, known_at: datetime | None, fmt: str) -> None:
    """Every event of a program, for audit: no., type, on, recorded at (UTC), actor, details.

    Example: mentorship program history reverse-2026 --format json
    """
    known = _known(ctx, known_at)
    program = known.program(slug)
    events = event_records(known.events(program.id))
    head = {
        "program": {"id": program.slug, "name": program.name, "cadence_days": program.cadence_days}
    }
    title = f"Program {program.slug} ({program.name}, meets every {program.cadence_days} days)"
    emit_history(fmt, title, head, events)
