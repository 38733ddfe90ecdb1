"""`mentorship retention`: how long pairings last, and whether participants stay."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import click

from cli.context import LedgerContext, one_shot_report, pass_ledger
from cli.known_at import default_as_of, report_views
from cli.output import emit, format_option, side_by_side, table
from cli.params import known_at_option
from cli.reports import as_of_date, csv_rows, groups_document
from domain.vocabulary import END_REASONS, REPORT_HORIZONS, EndReason

if TYPE_CHECKING:
    from projections.report_reads import ReportReads

# Completion and a program's planned closure are not dropouts (they are censored).
DROPOUT_REASONS = [
    r for r in END_REASONS if r not in (EndReason.COMPLETED, EndReason.PROGRAM_CLOSED)
]
HORIZONS = tuple(str(h) for h in REPORT_HORIZONS)  # as they appear as JSON keys
COUNTS = [
    ("started", "started"),
    ("active", "active"),
    ("completed", "completed"),
    ("closed with program", "closed_with_program"),
    ("dropped out", "dropped_out"),
    ("reversed", "reversed"),
]
RETENTION_CSV = [
    "key",
    *[path for _, path in COUNTS],
    *[f"survival.{h}" for h in HORIZONS],
    "median_days_to_dropout",
    *[f"dropout_reasons.{r}" for r in DROPOUT_REASONS],
    *[f"survival_ci.{h}.{end}" for h in HORIZONS for end in ("low", "high")],
    *[f"at_risk.{h}" for h in HORIZONS],
    *[f"few_at_risk.{h}" for h in HORIZONS],
    "median_ci.low",
    "median_ci.high",
]


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def survival_cell(group: dict[str, Any], horizon: str) -> str:
    """`0.74 [0.66-0.81] n=52`, with `*` when fewer than 20 are still at risk."""
    interval = group["survival_ci"][horizon]
    shown = _number(group["survival"][horizon])
    if interval is not None:
        shown += f" [{_number(interval[0])}-{_number(interval[1])}]"
    flag = "*" if group["few_at_risk"][horizon] else ""
    return f"{shown} n={group['at_risk'][horizon]}{flag}"


def median_cell(group: dict[str, Any]) -> str:
    days, (low, high) = group["median_days_to_dropout"], group["median_ci"]
    if days is None and low is None:
        return "-"

    def text(value: int | None) -> str:
        return "-" if value is None else str(value)

    return f"{text(days)} [{text(low)}-{text(high)}]"


def retention_table(groups: Sequence[dict[str, Any]], width: int | None = None) -> str:
    """Groups side by side; a reason nobody in a group dropped out for counts 0."""
    shown = [
        {
            **g,
            "shown": {
                **{f"s{h}": survival_cell(g, h) for h in HORIZONS},
                "median": median_cell(g),
            },
        }
        for g in groups
    ]
    reasons = sorted({r for g in groups for r in g["dropout_reasons"]})
    metrics = [
        *COUNTS,
        *[(f"survival {h}d", f"shown.s{h}") for h in HORIZONS],
        ("median days to dropout", "shown.median"),
        *[(f"  dropout: {r}", f"dropout_reasons.{r}") for r in reasons],
    ]
    zeros = {f"dropout_reasons.{r}": 0 for r in DROPOUT_REASONS}
    text = side_by_side(shown, metrics, zeros, width)
    text += (
        "\nsurvival: estimate [95% interval] n=pairings still at risk; median: days [95% interval]"
    )
    if any(flag for g in groups for flag in g["few_at_risk"].values()):
        text += "\n* fewer than 20 pairings still at risk: read with care"
    return text


def incidence_table(groups: Sequence[dict[str, Any]], width: int | None = None) -> str:
    """Cumulative incidence of each way of ending, at the horizons, side by side."""
    causes = list(groups[0]["cumulative_incidence"]) if groups else []

    def row(values: dict[str, float | None]) -> str:
        return " ".join(_number(values[h]) for h in HORIZONS)

    shown = [
        {
            "key": g["key"],
            **{c: row(g["cumulative_incidence"][c]) for c in causes},
            "still_active": row(g["still_active"]),
        }
        for g in groups
    ]
    metrics = [*[(f"  {c}", c) for c in causes], ("  still active", "still_active")]
    title = f"Cumulative incidence at {'/'.join(HORIZONS)} days (closures censored):"
    return f"{title}\n{side_by_side(shown, metrics, None, width)}"


def _csv_group(group: dict[str, Any]) -> dict[str, Any]:
    def ends(pair: list[Any] | None) -> dict[str, Any]:
        low, high = pair if pair is not None else (None, None)
        return {"low": low, "high": high}

    return {
        **group,
        "survival_ci": {h: ends(v) for h, v in group["survival_ci"].items()},
        "median_ci": ends(group["median_ci"]),
    }


@click.command("retention")
@click.option("--as-of", "as_of_text", help="Date D, YYYY-MM-DD (default: today).")
@click.option(
    "--by",
    type=click.Choice(["direction", "program", "cohort"]),
    help="Group by direction at pairing (default), program or cohort.",
)
@click.option("--compare", is_flag=True, help="Log-rank test: do the groups differ?")
@click.option("--causes", is_flag=True, help="Cumulative incidence of each way of ending.")
@click.option("--people", is_flag=True, help="Participant retention instead of pairings.")
@known_at_option
@format_option
@pass_ledger
def retention(
    ctx: LedgerContext,
    as_of_text: str | None,
    by: str | None,
    compare: bool,
    causes: bool,
    people: bool,
    known_at: datetime | None,
    fmt: str,
) -> None:
    """How long pairings last before dropping out (Kaplan-Meier, 95% intervals), side by side.

    Example: mentorship retention --compare --causes --as-of 2026-06-30 --format json
    """
    if people and (by is not None or compare or causes):
        raise click.UsageError("--by, --compare and --causes do not apply to --people")
    one_shot_report()
    as_of = default_as_of(ctx, known_at) if as_of_text is None else as_of_date(ctx, as_of_text)
    views = report_views(ctx, known_at)
    if people:
        _participants(views, as_of, fmt)
        return
    by = by or "direction"
    test: dict[str, Any] | None = None
    if compare:
        groups, test = views.retention_compared(as_of, by, causes=causes)
    else:
        groups = views.retention(as_of, by, causes=causes)
    _emit(as_of, by, groups, test, fmt)


def _emit(
    as_of: date, by: str, groups: list[dict[str, Any]], test: dict[str, Any] | None, fmt: str
) -> None:
    causes = bool(groups) and "cumulative_incidence" in groups[0]
    columns = list(RETENTION_CSV)
    if causes:
        names = list(groups[0]["cumulative_incidence"])
        columns += [f"cumulative_incidence.{c}.{h}" for c in names for h in HORIZONS]
        columns += [f"still_active.{h}" for h in HORIZONS]
    csv_groups = [_csv_group(g) for g in groups]
    if test is not None:
        columns += [f"logrank.{k}" for k in test]
        csv_groups = [{**g, "logrank": test} for g in csv_groups]

    def text(width: int | None) -> str:
        if not groups:
            return f"No pairings as of {as_of}."
        parts = [f"As of {as_of}, by {by}:", retention_table(groups, width)]
        if causes:
            parts += ["", incidence_table(groups, width)]
        if test is not None:
            parts += ["", logrank_line(by, test)]
        return "\n".join(parts)

    data = groups_document(as_of, by, groups)
    if test is not None:
        data["logrank"] = test
    emit(
        fmt,
        json=lambda: data,
        csv=lambda: (columns, csv_rows(csv_groups, columns)),
        table=text,
    )


def logrank_line(by: str, test: dict[str, Any]) -> str:
    if test["df"] == 0:
        return f"Log-rank test across {by}s: nothing to compare (one group, or no dropouts)."
    return (
        f"Log-rank test across {by}s: chi-squared {test['statistic']:.2f} on "
        f"{test['df']} df, p = {test['p_value']:.3g}"
    )


PARTICIPANT_COLUMNS = ["key", "role", "people", "eligible", "retained", "share"]


def _participants(views: ReportReads, as_of: date, fmt: str) -> None:
    groups = views.participant_retention(as_of)
    rows = [[g[c] for c in PARTICIPANT_COLUMNS] for g in groups]

    def text(width: int | None) -> str:
        headers = ["direction", *PARTICIPANT_COLUMNS[1:]]
        return (
            f"As of {as_of}: share still in the organisation 365 days after first pairing\n"
            + table(headers, rows, width=width)
        )

    emit(
        fmt,
        json=lambda: {"as_of": as_of, "by": "role", "groups": groups},
        csv=lambda: (PARTICIPANT_COLUMNS, rows),
        table=text,
    )


COMMANDS = [retention]
