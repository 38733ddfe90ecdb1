"""Writes query results to stdout as a table, JSON or CSV.

JSON keeps numbers unrounded; tables round them for reading. Dates become
ISO strings everywhere.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import click

FORMATS = ("table", "json", "csv")

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def cell(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    texts = [[cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in texts:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths).rstrip())
    for row in texts:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def to_json(data: Any) -> str:
    return json.dumps(_plain(data), indent=2, ensure_ascii=False)


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
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
) -> None:
    """A list of flat records: JSON array, CSV with a header, or an aligned table."""
    if fmt == "json":
        click.echo(to_json([{c: r.get(c) for c in columns} for r in records]))
        return
    shown = columns if fmt == "csv" or table_columns is None else table_columns
    rows = [[r.get(c) for c in shown] for r in records]
    if fmt == "csv":
        click.echo(to_csv(shown, rows))
    else:
        click.echo(table(shown, rows) if records else "(none)")


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become `parent.child` columns, for CSV."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def side_by_side(
    groups: Sequence[Mapping[str, Any]],
    metrics: Sequence[tuple[str, str]],
    defaults: Mapping[str, Any] | None = None,
) -> str:
    """One column per group (e.g. traditional | reverse | peer), one row per metric.

    A metric whose path has a "|N" suffix is shown with N decimals; `defaults`
    fills values a group lacks (a reason nobody dropped out for counts 0).
    """
    headers = ["", *[str(g["key"]) for g in groups]]
    flat = [flatten(g) for g in groups]
    rows = []
    for label, spec in metrics:
        path, _, digits = spec.partition("|")
        row: list[Any] = [label]
        for values in flat:
            value = values.get(path, (defaults or {}).get(path))
            if digits and isinstance(value, int | float) and not isinstance(value, bool):
                value = f"{value:.{int(digits)}f}"
            row.append(value)
        rows.append(row)
    return table(headers, rows)
