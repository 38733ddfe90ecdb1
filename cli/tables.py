"""Aligned text tables, and how they fit a width: long text cut with "…" or
wrapped, optional columns left out, side-by-side groups continued in blocks.

Which width to fit is decided once, in `cli.output.terminal_width`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

ELLIPSIS = "…"
GAP = 2  # spaces between table columns
MIN_WIDTH = 10  # a shortened column keeps this many characters; optional ones go first

Rows = Sequence[Sequence[Any]]


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
    # A note may span lines; in a table cell it must not break the row.
    return " ".join(str(value).splitlines())


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` characters, ending in "…" when something was cut."""
    if len(text) <= width:
        return text
    return text[: width - 1].rstrip() + ELLIPSIS if width > 0 else ""


def wrap_text(text: str, width: int | None, indent: int = 0) -> str:
    """Lines of prose wrapped to `width` (None: unchanged), continuing `indent` spaces in."""
    if width is None:
        return text
    import textwrap

    lines: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            lines.append(line)
        else:
            lines += textwrap.wrap(line, width, subsequent_indent=" " * indent)
    return "\n".join(lines)


def table(
    headers: Sequence[str],
    rows: Rows,
    *,
    width: int | None = None,
    shrink: Collection[str] = (),
    wrap: Collection[str] = (),
    optional: Sequence[str] = (),
) -> str:
    """An aligned table. Given a `width`, it fits: the `shrink` columns (by header)
    are cut with "…", the `wrap` columns wrap onto more lines, and when that is not
    enough the `optional` columns are left out, first named first."""
    texts = [[cell(v) for v in row] for row in rows]
    natural = [len(h) for h in headers]
    for row in texts:
        natural = [max(w, len(v)) for w, v in zip(natural, row, strict=True)]
    kept, widths = list(range(len(headers))), natural
    if width is not None:
        kept, widths = _fit(headers, natural, width, set(shrink) | set(wrap), optional)
    wrapped = {i for i in kept if headers[i] in wrap} if width is not None else set()

    def lines(row: Sequence[str]) -> list[str]:
        cells = [_cell_lines(row[i], widths[i], i in wrapped) for i in kept]
        height = max((len(c) for c in cells), default=1)
        return [
            "  ".join(
                (c[n] if n < len(c) else "").ljust(widths[i])
                for c, i in zip(cells, kept, strict=True)
            ).rstrip()
            for n in range(height)
        ]

    out = lines(list(headers))
    out.append("  ".join("-" * widths[i] for i in kept).rstrip())
    for row in texts:
        out += lines(row)
    return "\n".join(out)


def _cell_lines(text: str, width: int, wrapped: bool) -> list[str]:
    if len(text) <= width:
        return [text]
    if not wrapped:
        return [shorten(text, width)]
    import textwrap

    return textwrap.wrap(text, width) or [""]


def _fit(
    headers: Sequence[str],
    natural: list[int],
    width: int,
    flexible: Collection[str],
    optional: Sequence[str],
) -> tuple[list[int], list[int]]:
    """Which columns to keep, and how wide each is, for the table to fit `width`.

    The flexible columns share the room the others leave, widest cut first
    (each gets min(natural, cap) for the largest cap that fits), never below
    MIN_WIDTH; optional columns go only while even that minimum does not fit.
    """
    is_flexible = [h in flexible for h in headers]

    def least(cols: list[int]) -> int:
        sized = (min(natural[i], MIN_WIDTH) if is_flexible[i] else natural[i] for i in cols)
        return sum(sized) + GAP * (len(cols) - 1)

    kept = list(range(len(headers)))
    for name in optional:
        if least(kept) <= width:
            break
        kept = [i for i in kept if headers[i] != name]
    flex = [i for i in kept if is_flexible[i]]
    if not flex:
        return kept, natural
    room = width - sum(natural[i] for i in kept if not is_flexible[i]) - GAP * (len(kept) - 1)
    cap = max(natural[i] for i in flex)
    while cap > MIN_WIDTH and sum(min(natural[i], cap) for i in flex) > room:
        cap -= 1
    return kept, [min(w, cap) if is_flexible[i] else w for i, w in enumerate(natural)]


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
    width: int | None = None,
) -> str:
    """One column per group (e.g. traditional | reverse | peer), one row per metric.

    A metric whose path has a "|N" suffix is shown with N decimals; `defaults`
    fills values a group lacks (a reason nobody dropped out for counts 0). When
    the groups do not fit `width`, they continue in further blocks, each
    repeating the metric labels: group names are not cut, so they stay readable.
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
    if width is None:
        return table(headers, rows)
    blocks = []
    for chunk in _blocks(headers, rows, width):
        columns = [0, *chunk]
        block_rows = [[row[i] for i in columns] for row in rows]
        block = table([headers[i] for i in columns], block_rows, width=width, shrink=headers)
        blocks.append(block)
    return "\n\n".join(blocks)


def _blocks(headers: Sequence[str], rows: Rows, width: int) -> list[list[int]]:
    """Group columns 1.. packed into blocks that fit `width` beside column 0."""
    natural = [max(len(h), *(len(cell(row[i])) for row in rows)) for i, h in enumerate(headers)]
    blocks: list[list[int]] = [[]]
    used = natural[0]
    for i in range(1, len(headers)):
        if blocks[-1] and used + GAP + natural[i] > width:
            blocks.append([])
            used = natural[0]
        blocks[-1].append(i)
        used += GAP + natural[i]
    return blocks
