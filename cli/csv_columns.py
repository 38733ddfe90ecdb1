"""The headers of the CSV files `mentorship import` reads: which columns each
kind of file has, which are required, and which kind a header is."""

from __future__ import annotations

from domain.errors import InvalidInput

COLUMNS = {
    "people": ("employee_id", "name", "email", "level", "department", "joined_on", "left_on",
               "leave_reason"),
    "programs": ("program", "name", "cadence_days", "launched_on", "closed_on"),
    "pairings": ("program", "mentor", "mentee", "paired_on", "direction", "reversed_on",
                 "ended_on", "end_reason"),
    "meetings": ("program", "mentor", "mentee", "pairing", "on", "minutes", "note"),
}  # fmt: skip
REQUIRED = {
    "people": {"employee_id", "name"},
    "programs": {"program", "name", "launched_on"},
    "pairings": {"program", "mentor", "mentee", "paired_on"},
    "meetings": {"on", "minutes"},
}
NAMED_BY = ("program", "mentor", "mentee")  # or `pairing`: how a meeting names its pairing
KINDS = tuple(COLUMNS)


def kind_of(header: list[str]) -> str:
    """The kind of file whose columns the header holds, required ones included."""
    names = set(header)
    for kind in KINDS:
        if REQUIRED[kind] <= names <= set(COLUMNS[kind]) and _names_pairing(kind, names):
            return kind
    raise InvalidInput(
        f"unknown header {','.join(header)!r}: not the columns of people, programs, "
        "pairings or meetings (see docs/import.md); or give --kind"
    )


def check_header(kind: str, header: list[str]) -> None:
    """Columns of `kind` only, each once, the required ones present."""
    for column in header:
        if column not in COLUMNS[kind]:
            raise InvalidInput(f"unknown column {column!r} for a {kind} file")
        if header.count(column) > 1:
            raise InvalidInput(f"column {column!r} appears twice")
    missing = sorted(REQUIRED[kind] - set(header))
    if missing:
        raise InvalidInput(f"a {kind} file needs the column {missing[0]!r}")
    if not _names_pairing(kind, set(header)):
        raise InvalidInput("a meetings file needs a pairing column, or program, mentor and mentee")


def _names_pairing(kind: str, names: set[str]) -> bool:
    return kind != "meetings" or "pairing" in names or set(NAMED_BY) <= names
