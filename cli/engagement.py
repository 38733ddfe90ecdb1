"""`mentorship engagement`: how often and how recently active pairs meet."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from cli.context import LedgerContext, one_shot_report, pass_ledger
from cli.known_at import default_as_of, report_views
from cli.output import emit, format_option, side_by_side, table
from cli.params import known_at_option
from cli.reports import as_of_date, csv_rows, emit_groups
from domain.vocabulary import DIRECTIONS

if TYPE_CHECKING:
    from projections.report_reads import ReportReads

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


def engagement_table(groups: Sequence[dict[str, Any]], width: int | None = None) -> str:
    return side_by_side(groups, ENGAGEMENT_METRICS, width=width)


@click.command("engagement")
@click.option("--as-of", "as_of_text", help="Date D, YYYY-MM-DD (default: today).")
@click.option(
    "--by",
    type=click.Choice(["direction", "program"]),
    help="Group by current direction (default) or program.",
)
@click.option("--at-risk", is_flag=True, help="List at-risk, dormant and never-met pairings.")
@click.option("--monthly", is_flag=True, help="Meetings per calendar month per direction.")
@known_at_option
@format_option
@pass_ledger
def engagement(
    ctx: LedgerContext,
    as_of_text: str | None,
    by: str | None,
    at_risk: bool,
    monthly: bool,
    known_at: datetime | None,
    fmt: str,
) -> None:
    """How often and how recently active pairs meet, side by side.

    Example: mentorship engagement --at-risk --format csv
    """
    if at_risk and monthly:
        raise click.UsageError("choose one of --at-risk and --monthly")
    if by is not None and (at_risk or monthly):
        raise click.UsageError("--by does not apply to --at-risk or --monthly")
    one_shot_report()
    as_of = default_as_of(ctx, known_at) if as_of_text is None else as_of_date(ctx, as_of_text)
    views = report_views(ctx, known_at)
    by = by or "direction"
    if at_risk:
        _at_risk(views, as_of, fmt)
    elif monthly:
        _monthly(views, as_of, fmt)
    else:
        groups = views.engagement(as_of, by)
        emit_groups(as_of, by, groups, fmt, engagement_table, ENGAGEMENT_CSV)


MONTHLY_COLUMNS = ["key", *DIRECTIONS, "total"]


def _monthly(views: ReportReads, as_of: date, fmt: str) -> None:
    months = views.monthly(as_of)

    def text(width: int | None) -> str:
        if not months:
            return f"No meetings as of {as_of}."
        rows = [[m[c] for c in MONTHLY_COLUMNS] for m in months]
        fitted = table(["month", *MONTHLY_COLUMNS[1:]], rows, width=width)
        return f"Meetings per month by the direction in force that day, as of {as_of}:\n{fitted}"

    emit(
        fmt,
        json=lambda: {"as_of": as_of, "by": "month", "groups": months},
        csv=lambda: (MONTHLY_COLUMNS, csv_rows(months, MONTHLY_COLUMNS)),
        table=text,
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
AT_RISK_TABLE = [
    "id",
    "program",
    "direction",
    "mentor",
    "mentee",
    "health",
    "last met",
    "days quiet",
    "cadence",
]


def _at_risk(views: ReportReads, as_of: date, fmt: str) -> None:
    listed = views.at_risk(as_of)

    def text(width: int | None) -> str:
        if not listed:
            return f"No pairings at risk as of {as_of}."
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
        # The cadence is the program's, and the last meeting shows in days quiet.
        fitted = table(
            AT_RISK_TABLE,
            rows,
            width=width,
            shrink=("program", "mentor", "mentee"),
            optional=("cadence", "last met"),
        )
        return f"As of {as_of}, worst first:\n{fitted}"

    emit(
        fmt,
        json=lambda: {"as_of": as_of, "pairings": listed},
        csv=lambda: (AT_RISK_COLUMNS, [[r[c] for c in AT_RISK_COLUMNS] for r in listed]),
        table=text,
    )


COMMANDS = [engagement]
