"""Writes query results to stdout as a table, JSON or CSV.

`emit` is the one place that dispatches on --format. JSON keeps numbers
unrounded; tables round them for reading. Dates become ISO strings everywhere.

Tables fit the terminal when stdout is one (`terminal_width`, the one place
that decides the width): long text is cut with "…" or wrapped, and low-value
columns are left out (see cli.tables). Piped output, JSON and CSV are never
shortened, so scripts always see every character.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import click

from cli.tables import Rows, cell, flatten, shorten, side_by_side, table, wrap_text

# The tables are drawn in cli.tables; commands import everything from here.
__all__ = [
    "FORMATS",
    "cell",
    "emit",
    "emit_records",
    "flatten",
    "format_option",
    "shorten",
    "side_by_side",
    "stdout_is_terminal",
    "table",
    "terminal_width",
    "to_csv",
    "to_json",
    "wrap_text",
]

FORMATS = ("table", "json", "csv")

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)

TableText = Callable[[int | None], str]
"""Renders a query's table for a width to fit (None: any width)."""


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def terminal_width() -> int | None:
    """The width tables must fit: the terminal's (COLUMNS, when set, wins) while
    stdout is a terminal; None when it is piped or redirected, so nothing is cut."""
    if not stdout_is_terminal():
        return None
    import shutil  # not needed by `--help`

    return shutil.get_terminal_size().columns


def emit(
    fmt: str,
    *,
    json: Callable[[], Any],
    csv: Callable[[], tuple[Sequence[str], Rows]],
    table: TableText,
) -> None:
    """Writes one query result to stdout in the chosen format.

    `json()` gives the data for --format json, `csv()` its (headers, rows), and
    `table(width)` the text for people, fitted to `width` when that is not None.
    Only the chosen one is built: on a large store the others cost as much again.
    """
    if fmt == "json":
        click.echo(to_json(json()))
    elif fmt == "csv":
        click.echo(to_csv(*csv()))
    else:
        click.echo(table(terminal_width()))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_json(data: Any) -> str:
    import json  # here, not at start-up: most commands print no JSON

    return json.dumps(_plain(data), indent=2, ensure_ascii=False)


def to_csv(headers: Sequence[str], rows: Rows) -> str:
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _plain(v) for v in row])
    return buffer.getvalue().rstrip("\n")


def emit_records(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    table_columns: Sequence[str] | None = None,
    *,
    shrink: Collection[str] = (),
    optional: Sequence[str] = (),
) -> None:
    """A list of flat records: JSON array, CSV with a header, or an aligned table
    (of `table_columns`, by default all; "(none)" when empty)."""
    shown = table_columns or columns

    def text(width: int | None) -> str:
        if not records:
            return "(none)"
        rows = [[r.get(c) for c in shown] for r in records]
        return table(shown, rows, width=width, shrink=shrink, optional=optional)

    emit(
        fmt,
        json=lambda: [{c: r.get(c) for c in columns} for r in records],
        csv=lambda: (columns, [[r.get(c) for c in columns] for r in records]),
        table=text,
    )
