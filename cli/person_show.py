"""`mentorship person show`: a person's profile and every pairing they are in.

Kept apart from cli/person.py (the commands that record) and added to the
`person` group by cli/main.py; it reads the views only, so it answers quickly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from cli.context import LedgerContext, pass_ledger
from cli.known_at import views_known_at
from cli.output import emit, format_option, table, wrap_text
from cli.params import known_at_option

PROFILE = ["id", "name", "email", "level", "department", "joined_on", "left_on", "left_reason"]
PAIRING = [
    "id",
    "program",
    "role",
    "with",
    "with_name",
    "direction",
    "status",
    "paired_on",
    "ended_on",
    "end_reason",
    "meetings",
    "last_met_on",
]
# CSV is tidy: one row per pairing, each carrying the profile; the person's
# status and the pairing's id are renamed so that no two columns share a name.
CSV_COLUMNS = [*PROFILE, "person_status", "pairing", *PAIRING[1:]]
# The table shows short ids and the partner's id and name in one column.
TABLE = [c for c in PAIRING if c != "with_name"]


@click.command("show")
@click.argument("employee_id")
@known_at_option
@format_option
@pass_ledger
def show(ctx: LedgerContext, employee_id: str, known_at: datetime | None, fmt: str) -> None:
    """Show a person: their profile, and every pairing in either role.

    Example: mentorship person show E1042 --format json
    """
    found = views_known_at(ctx, known_at).person(employee_id)
    emit(
        fmt,
        json=lambda: found,
        csv=lambda: (CSV_COLUMNS, _csv_rows(found)),
        table=lambda width: _text(found, width),
    )


def _csv_rows(found: dict[str, Any]) -> list[list[Any]]:
    profile = [found[c] for c in PROFILE] + [found["status"]]
    pairings = [[p[c] for c in PAIRING] for p in found["pairings"]]
    # Someone never paired still gets their row, with empty pairing columns.
    return [profile + pairing for pairing in pairings or [[None] * len(PAIRING)]]


def _text(p: dict[str, Any], width: int | None) -> str:
    left = f"left {p['left_on']}" + (f" ({p['left_reason']})" if p["left_reason"] else "")
    lines = [
        f"Person      {p['id']} ({p['name']})",
        f"Email       {p['email'] or '-'}",
        f"Level       {p['level'] if p['level'] is not None else '-'}",
        f"Department  {p['department'] or '-'}",
        f"Joined      {p['joined_on'] or '-'}",
        f"Status      {left if p['left_on'] else 'active'}",
    ]
    text = wrap_text("\n".join(lines), width, indent=12)
    if not p["pairings"]:
        return f"{text}\nPairings    none"
    rows = [
        [
            x["id"][:8],
            x["program"],
            x["role"],
            f"{x['with']} {x['with_name'] or ''}".rstrip(),
            *[x[c] for c in TABLE[4:]],
        ]
        for x in p["pairings"]
    ]
    # On a narrow terminal the ending's details go first, then the last meeting
    # and the count: `show` on the pairing has them all.
    fitted = table(
        TABLE,
        rows,
        width=width,
        shrink=["program", "with"],
        optional=["end_reason", "ended_on", "last_met_on", "meetings"],
    )
    return f"{text}\n\n{fitted}"
