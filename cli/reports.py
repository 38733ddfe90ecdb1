"""Reports replayed from the log: retention, engagement, and `replay` itself."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import click

from cli.context import LedgerContext, pass_ledger
from cli.output import flatten, format_option, side_by_side, table, to_csv, to_json
from domain.dates import check_not_future, parse_date

DROPOUT_REASONS = [
    "mentor_withdrew",
    "mentee_withdrew",
    "left_organisation",
    "mismatch",
    "program_closed",
    "other",
]
RETENTION_METRICS = [
    ("started", "started"),
    ("active", "active"),
    ("completed", "completed"),
    ("dropped out", "dropped_out"),
    ("reversed", "reversed"),
    ("survival 30d", "survival.30"),
    ("survival 90d", "survival.90"),
    ("survival 180d", "survival.180"),
    ("survival 365d", "survival.365"),
    ("median days to dropout", "median_days_to_dropout"),
]
RETENTION_CSV = [
    "key",
    "started",
    "active",
    "completed",
    "dropped_out",
    "reversed",
    "survival.30",
    "survival.90",
    "survival.180",
    "survival.365",
    "median_days_to_dropout",
    *[f"dropout_reasons.{r}" for r in DROPOUT_REASONS],
]
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


def engagement_table(groups: Sequence[dict[str, Any]]) -> str:
    return side_by_side(groups, ENGAGEMENT_METRICS)


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


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, so that stdout carries only data."""
    with click.progressbar(length=1, label=label, file=sys.stderr) as bar:

        def update(done: int, todo: int) -> None:
            bar.length = max(todo, 1)
            bar.update(done - bar.pos)

        yield update


def _as_of(ctx: LedgerContext, text: str | None) -> date:
    today = ctx.today()
    if text is None:
        return today
    day = parse_date(text, "--as-of date")
    check_not_future(day, today, "--as-of date")
    return day


def _csv_rows(groups: Sequence[dict[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    flat = [flatten(g) for g in groups]
    return [
        [f.get(c, 0 if c.startswith("dropout_reasons.") else None) for c in columns] for f in flat
    ]


def emit_groups(
    as_of: date,
    by: str,
    groups: list[dict[str, Any]],
    fmt: str,
    render: Callable[[list[dict[str, Any]]], str],
    csv_columns: Sequence[str],
) -> None:
    if fmt == "json":
        click.echo(to_json({"as_of": as_of, "by": by, "groups": groups}))
    elif fmt == "csv":
        click.echo(to_csv(csv_columns, _csv_rows(groups, csv_columns)))
    elif not groups:
        click.echo(f"No pairings as of {as_of}.")
    else:
        click.echo(f"As of {as_of}, by {by}:")
        click.echo(render(groups))


def retention_table_metrics(groups: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    reasons = sorted({r for g in groups for r in g["dropout_reasons"]})
    return RETENTION_METRICS + [(f"  dropout: {r}", f"dropout_reasons.{r}") for r in reasons]


def retention_table(groups: Sequence[dict[str, Any]]) -> str:
    """Groups side by side; a reason nobody in a group dropped out for counts 0."""
    zeros = {f"dropout_reasons.{r}": 0 for r in DROPOUT_REASONS}
    return side_by_side(groups, retention_table_metrics(groups), zeros)


@click.command("retention")
@click.option("--as-of", "as_of_text", help="Date D, YYYY-MM-DD (default: today).")
@click.option(
    "--by",
    type=click.Choice(["direction", "program", "cohort"]),
    help="Group by direction at pairing (default), program or cohort.",
)
@click.option("--people", is_flag=True, help="Participant retention instead of pairings.")
@format_option
@pass_ledger
def retention(
    ctx: LedgerContext, as_of_text: str | None, by: str | None, people: bool, fmt: str
) -> None:
    """How long pairings last before dropping out (Kaplan-Meier), side by side.

    Example: mentorship retention --as-of 2026-06-30 --by cohort --format json
    """
    if people and by is not None:
        raise click.UsageError("--by does not apply to --people (grouped by direction and role)")
    as_of = _as_of(ctx, as_of_text)
    if people:
        _participants(ctx, as_of, fmt)
        return
    by = by or "direction"
    groups = ctx.views.retention(as_of, by)
    emit_groups(as_of, by, groups, fmt, retention_table, RETENTION_CSV)


def _participants(ctx: LedgerContext, as_of: date, fmt: str) -> None:
    groups = ctx.views.participant_retention(as_of)
    columns = ["key", "role", "people", "eligible", "retained", "share"]
    if fmt == "json":
        click.echo(to_json({"as_of": as_of, "by": "role", "groups": groups}))
        return
    rows = [[g[c] for c in columns] for g in groups]
    if fmt == "csv":
        click.echo(to_csv(columns, rows))
        return
    click.echo(f"As of {as_of}: share still in the organisation 365 days after first pairing")
    click.echo(table(["direction", "role", "people", "eligible", "retained", "share"], rows))


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
    as_of = _as_of(ctx, as_of_text)
    by = by or "direction"
    if at_risk:
        _at_risk(ctx, as_of, fmt)
    elif monthly:
        _monthly(ctx, as_of, fmt)
    else:
        groups = ctx.views.engagement(as_of, by)
        emit_groups(as_of, by, groups, fmt, engagement_table, ENGAGEMENT_CSV)


MONTHLY_COLUMNS = ["key", "traditional", "reverse", "peer", "total"]


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


@click.command("replay")
@pass_ledger
def replay(ctx: LedgerContext) -> None:
    """Rebuild every view from the first event (safe to interrupt and rerun).

    Example: mentorship --store big.db replay
    """
    with progress_bar("Replaying") as update:
        result = ctx.views.replay(update)
    click.echo(
        f"Replayed {result.events} events in {result.seconds:.2f} s "
        f"({result.events_per_second:,.0f} events/s)"
    )


COMMANDS = [retention, engagement, replay]
