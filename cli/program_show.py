"""`mentorship program show`: a program and the counts of its pairings.

Kept apart from cli/program.py (the commands that record) and added to the
`program` group by cli/main.py; it reads the views only, so it answers quickly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from cli.context import LedgerContext, pass_ledger
from cli.known_at import default_as_of, views_known_at
from cli.output import emit, flatten, format_option, table, wrap_text
from cli.params import known_at_option

HEALTH_LABELS = {
    "healthy": "healthy",
    "at_risk": "at risk",
    "dormant": "dormant",
    "never_met": "never met",
}


@click.command("show")
@click.argument("slug")
@known_at_option
@format_option
@pass_ledger
def show(ctx: LedgerContext, slug: str, known_at: datetime | None, fmt: str) -> None:
    """Show a program: its dates, and its pairings counted by status, ending
    reason and current direction, their meetings, and the health of the active
    ones today (see `engagement`), or, with --known-at, on that day.

    Example: mentorship program show reverse-2026 --format json
    """
    found = views_known_at(ctx, known_at).program(slug, default_as_of(ctx, known_at))
    # CSV is one row: nested counts become `ended_by_reason.completed` columns.
    flat = flatten(found)
    emit(
        fmt,
        json=lambda: found,
        csv=lambda: (list(flat), [list(flat.values())]),
        table=lambda width: _text(found, width),
    )


def _text(p: dict[str, Any], width: int | None) -> str:
    closed = f"closed {p['closed_on']}, " if p["closed_on"] else "open, "
    reasons = [f"{r} {n}" for r, n in p["ended_by_reason"].items() if n]
    states = ", ".join(f"{n} {HEALTH_LABELS[s]}" for s, n in p["health"].items())
    lines = [
        f"Program    {p['id']} ({p['name']}, meets every {p['cadence_days']} days)",
        f"Status     {closed}launched {p['launched_on']}",
        f"Pairings   {p['pairings']} ({p['active']} active, {p['ended']} ended)",
        f"Ended by   {', '.join(reasons) or '-'}",
        f"Meetings   {p['meetings']} ({p['minutes']} min)",
        f"Health     {states} (as of {p['as_of']})",
    ]
    text = wrap_text("\n".join(lines), width, indent=11)
    rows = [[d, n["pairings"], n["active"]] for d, n in p["by_direction"].items()]
    directions = table(["direction now", "pairings", "active"], rows, width=width)
    return f"{text}\n\n{directions}"
