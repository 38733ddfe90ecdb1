"""Constants and types shared by the command-line tests (imported by name:
`conftest` is ambiguous when several test folders have one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from click.testing import Result

TODAY = date(2026, 11, 22)
ACTOR = "tester"
PROGRAM = "spring-2026"
SETUP_ACTOR = "hr.admin"

# employee id -> (name, level, joined_on, department)
PEOPLE: dict[str, tuple[str, int | None, date | None, str | None]] = {
    "E1": ("Ada Lovelace", 7, date(2019, 4, 1), "Engineering"),
    "E2": ("Brian Kernighan", 3, date(2022, 1, 10), None),
    "E3": ("Grace Hopper", 3, None, None),
    "E4": ("Linus Torvalds", 5, None, None),
}

# The developer's own settings must not leak into the tests.
CLEAN_ENV: dict[str, str | None] = {"MENTORSHIP_ACTOR": None, "MENTORSHIP_STORE": None}

RunFn = Callable[..., Result]
"""`run("list", "--format", "json")`: the click Result of `mentorship list --format json`."""

RefusedFn = Callable[..., str]
"""Runs a command that must be refused; returns its one `Error: ...` line."""

CountFn = Callable[[], int]
"""How many events the store holds."""


@dataclass(frozen=True)
class World:
    """Ids of the populated pairings, as canonical UUID strings."""

    p1: str  # E1 -> E2, traditional
    p2: str  # E2 -> E3, peer
    p3: str  # E3 -> E4, reverse


def one_error_line(result: Result) -> str:
    """The single `Error: ...` line of a refused command (exit 1, no traceback)."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    return lines[0]
