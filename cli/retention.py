"""`mentorship retention`: how long pairings last, and whether participants stay."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import click

from cli.context import LedgerContext, pass_ledger
from cli.output import emit, format_option, side_by_side, table
from cli.reports import as_of_date, emit_groups
from domain.vocabulary import END_REASONS, EndReason

DROPOUT_REASONS = [r for r in END_REASONS if r != EndReason.COMPLETED]
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


def retention_table_metrics(groups: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    reasons = sorted({r for g in groups for r in g["dropout_reasons"]})
    return RETENTION_METRICS + [(f"  dropout: {r}", f"dropout_reasons.{r}") for r in reasons]


def retention_table(groups: Sequence[dict[str, Any]], width: int | None = None) -> str:
    """Groups side by side; a reason nobody in a group dropped out for counts 0."""
    zeros = {f"dropout_reasons.{r}": 0 for r in DROPOUT_REASONS}
    return side_by_side(groups, retention_table_metrics(groups), zeros, width)


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
    as_of = as_of_date(ctx, as_of_text)
    if people:
        _participants(ctx, as_of, fmt)
        return
    by = by or "direction"
    groups = ctx.views.retention(as_of, by)
    emit_groups(as_of, by, groups, fmt, retention_table, RETENTION_CSV)


PARTICIPANT_COLUMNS = ["key", "role", "people", "eligible", "retained", "share"]


def _participants(ctx: LedgerContext, as_of: date, fmt: str) -> None:
    groups = ctx.views.participant_retention(as_of)
    rows = [[g[c] for c in PARTICIPANT_COLUMNS] for g in groups]

    def text(width: int | None) -> str:
        headers = ["direction", *PARTICIPANT_COLUMNS[1:]]
        return (
            f"As of {as_of}: share still in the organisation 365 days after first pairing\n"
            + table(headers, rows, width=width)
        )

    emit(
        fmt,
        json={"as_of": as_of, "by": "role", "groups": groups},
        csv=(PARTICIPANT_COLUMNS, rows),
        table=text,
    )


COMMANDS = [retention]
