"""Options that do not go together, and values the application now checks itself."""

from __future__ import annotations

from typing import Any

import pytest

RefusedFn = Any


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("retention", "--people", "--by", "program"),
            "Error: --by, --compare and --causes do not apply to --people",
        ),
        (
            ("engagement", "--at-risk", "--by", "program"),
            "Error: --by does not apply to --at-risk or --monthly",
        ),
        (
            ("engagement", "--monthly", "--by", "direction"),
            "Error: --by does not apply to --at-risk or --monthly",
        ),
        (
            ("program", "close", "Spring 2026"),
            "Error: invalid program id 'Spring 2026': use lower-case letters, digits and '-'",
        ),
        (
            ("pair", "--program", "Spring 2026", "--mentor", "E1", "--mentee", "E2"),
            "Error: invalid program id 'Spring 2026': use lower-case letters, digits and '-'",
        ),
        (
            ("person", "add", "E9", "--name", "Nia", "--department", "  "),
            "Error: department must not be empty",
        ),
        (
            ("person", "leave", "E1", "--on", "2026-06-01", "--reason", " "),
            "Error: leaving reason must not be empty",
        ),
    ],
    ids=[
        "retention --people --by",
        "engagement --at-risk --by",
        "engagement --monthly --by",
        "malformed program id on close",
        "malformed program id on pair",
        "blank department",
        "blank leaving reason",
    ],
)
def test_refused_with_one_line_and_nothing_written(
    populated: object, refused: RefusedFn, args: tuple[str, ...], message: str
) -> None:
    assert refused(*args) == message
