"""What the report commands share: the --as-of date, grouped output, progress bars;
and `replay`, which rebuilds the views they read."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date
from typing import Any

import click

from cli.context import LedgerContext, pass_ledger
from cli.output import emit, flatten
from domain.dates import check_not_future, parse_date


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, so that stdout carries only data, when stderr is
    a terminal: redirected to a file, stderr holds only warnings and errors. It
    appears at the first progress: a command that fails before any prints only
    its error."""
    with ExitStack() as stack:
        bars: list[Any] = []
        shown = sys.stderr.isatty()

        def update(done: int, todo: int) -> None:
            if not shown:
                return
            if not bars:
                bar = click.progressbar(length=1, label=label, file=sys.stderr)
                bars.append(stack.enter_context(bar))
            bars[0].length = max(todo, 1)
            bars[0].update(done - bars[0].pos)

        yield update


def as_of_date(ctx: LedgerContext, text: str | None) -> date:
    """The --as-of date: today by default, never in the future."""
    today = ctx.today()
    if text is None:
        return today
    day = parse_date(text, "--as-of date")
    check_not_future(day, today, "--as-of date")
    return day


def csv_rows(groups: Sequence[dict[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    flat = [flatten(g) for g in groups]
    return [
        [f.get(c, 0 if c.startswith("dropout_reasons.") else None) for c in columns] for f in flat
    ]


def groups_document(as_of: date, by: str, groups: list[dict[str, Any]]) -> dict[str, Any]:
    """What `retention` and `engagement` print with --format json, and what the
    HTML report embeds for them: one shape, built here only."""
    return {"as_of": as_of, "by": by, "groups": groups}


def emit_groups(
    as_of: date,
    by: str,
    groups: list[dict[str, Any]],
    fmt: str,
    render: Callable[[list[dict[str, Any]], int | None], str],
    csv_columns: Sequence[str],
) -> None:
    """Groups side by side: `render(groups, width)` draws the table."""

    def text(width: int | None) -> str:
        if not groups:
            return f"No pairings as of {as_of}."
        return f"As of {as_of}, by {by}:\n{render(groups, width)}"

    emit(
        fmt,
        json=lambda: groups_document(as_of, by, groups),
        csv=lambda: (csv_columns, csv_rows(groups, csv_columns)),
        table=text,
    )


@click.command("replay")
@pass_ledger
def replay(ctx: LedgerContext) -> None:
    """Rebuild every view from the first event (safe to interrupt and rerun).

    Example: mentorship --store big.db replay
    """
    views = ctx.views  # a store that cannot be opened is reported before any progress bar
    with progress_bar("Replaying") as update:
        result = views.replay(update)
    click.echo(
        f"Replayed {result.events} events in {result.seconds:.2f} s "
        f"({result.events_per_second:,.0f} events/s)"
    )


COMMANDS = [replay]
