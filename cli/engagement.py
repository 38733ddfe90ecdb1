"""`mentorship engagement`: how often and how recently active pairs meet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import click

from cli.context import LedgerContext, pass_ledger
from cli.output import format_option, side_by_side, table, to_csv, to_json
from cli.reports import as_of_date, emit_groups
from domain.vocabulary import DIRECTIONS

ENGAGEMENT_METRICS = [
    ("pairings (active)", "pairings"),
    ("meetings", "meetings"),
    ("minutes", "minutes"),
    ("meetings per month", "meetings_per_month|2"),
    ("median days since met", "days_since_last_meeting|1"),
    ("healthy", "health.healthy"),
    ("at risk", "health.at_risk"),
    ("dormant", "health.dormant"),
    ("never met", "health.never_met"),
]


ENGAGEMENT_CSV = [
    "key",
    "pairings",
    "meetings",
    "minutes",
    "meetings_per_month",
    "days_since_last_meeting",
    "health.healthy",
    "health.at_risk",
    "health.dormant",
    "health.never_met",
]


def engagement_table(groups: Sequence[dict[str, Any]]) -> str:
    return side_by_side(groups, ENGAGEMENT_METRICS)


@click.command("engagement")
@click.option("--as-of", "as_of_text", help="Date D, YYYY-MM-DD (default: today).")
@click.option(
    "--by",
    type=click.Choice(["direction", "program"]),
    help="Group by current direction (default) or program.",
)
@click.option("--at-risk", is_flag=True, help="List at-risk, dormant and never-met pairings.")
@click.option("--monthly", is_flag=True, help="Meetings per calendar month per direction.")
@format_option
@pass_ledger
def engagement(
    ctx: LedgerContext,
    as_of_text: str | None,
    by: str | None,
    at_risk: bool,
    monthly: bool,
    fmt: str,
) -> None:
    """How often and how recently active pairs meet, side by side.

    Example: mentorship engagement --at-risk --format csv
    """
    if at_risk and monthly:
        raise click.UsageError("choose one of --at-risk and --monthly")
    if by is not None and (at_risk or monthly):
        raise click.UsageError("--by does not apply to --at-risk or --monthly")
    as_of = as_of_date(ctx, as_of_text)
    by = by or "direction"
    if at_risk:
        _at_risk(ctx, as_of, fmt)
    elif monthly:
        _monthly(ctx, as_of, fmt)
    else:
        groups = ctx.views.engagement(as_of, by)
        emit_groups(as_of, by, groups, fmt, engagement_table, ENGAGEMENT_CSV)


MONTHLY_COLUMNS = ["key", *DIRECTIONS, "total"]


def _monthly(ctx: LedgerContext, as_of: date, fmt: str) -> None:
    months = ctx.views.monthly(as_of)
    if fmt != "table":
        emit_groups(as_of, "month", months, fmt, lambda _: "", MONTHLY_COLUMNS)
    elif not months:
        click.echo(f"No meetings as of {as_of}.")
    else:
        click.echo(f"Meetings per month by the direction in force that day, as of {as_of}:")
        click.echo(
            table(
                ["month", *MONTHLY_COLUMNS[1:]], [[m[c] for c in MONTHLY_COLUMNS] for m in months]
            )
        )


AT_RISK_COLUMNS = [
    "id",
    "program",
    "direction",
    "mentor",
    "mentor_name",
    "mentee",
    "mentee_name",
    "health",
    "paired_on",
    "last_met_on",
    "days_quiet",
    "cadence_days",
]


def _at_risk(ctx: LedgerContext, as_of: date, fmt: str) -> None:
    listed = ctx.views.at_risk(as_of)
    if fmt == "json":
        click.echo(to_json({"as_of": as_of, "pairings": listed}))
        return
    if fmt == "csv":
        click.echo(to_csv(AT_RISK_COLUMNS, [[r[c] for c in AT_RISK_COLUMNS] for r in listed]))
        return
    if not listed:
        click.echo(f"No pairings at risk as of {as_of}.")
        return
    rows = [
        [
            r["id"][:8],
            r["program"],
            r["direction"],
            f"{r['mentor']} {r['mentor_name'] or ''}",
            f"{r['mentee']} {r['mentee_name'] or ''}",
            r["health"],
            r["last_met_on"],
            r["days_quiet"],
            r["cadence_days"],
        ]
        for r in listed
    ]
    click.echo(f"As of {as_of}, worst first:")
    click.echo(
        table(
            [
                "id",
                "program",
                "direction",
                "mentor",
                "mentee",
                "health",
                "last met",
                "days quiet",
                "cadence",
            ],
            rows,
        )
    )


COMMANDS = [engagement]
