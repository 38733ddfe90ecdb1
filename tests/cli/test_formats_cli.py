"""Every query answers in the three formats, the same way, even when it finds
nothing: JSON keeps its shape, CSV keeps its header, the table says so."""

from __future__ import annotations

import pytest
from cli_helpers import RunFn


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["list"], "[]"),
        (["people"], "[]"),
        (["programs"], "[]"),
        (["retention"], '{\n  "as_of": "2026-11-22",\n  "by": "direction",\n  "groups": []\n}'),
        (["engagement"], '{\n  "as_of": "2026-11-22",\n  "by": "direction",\n  "groups": []\n}'),
        (
            ["engagement", "--monthly"],
            '{\n  "as_of": "2026-11-22",\n  "by": "month",\n  "groups": []\n}',
        ),
        (["engagement", "--at-risk"], '{\n  "as_of": "2026-11-22",\n  "pairings": []\n}'),
    ],
)
def test_an_empty_store_gives_json_of_the_same_shape(
    ok: RunFn, args: list[str], expected: str
) -> None:
    assert ok(*args, "--format", "json").stdout == expected + "\n"


@pytest.mark.parametrize(
    ("args", "header"),
    [
        (
            ["list"],
            "id,program,mentor,mentee,direction,status,paired_on,ended_on,end_reason,"
            "reversals,meetings,minutes,last_met_on",
        ),
        (["people"], "id,name,email,level,department,joined_on,left_on"),
        (["programs"], "id,name,cadence_days,launched_on,closed_on,pairings,active"),
        (
            ["engagement"],
            "key,pairings,meetings,minutes,meetings_per_month,days_since_last_meeting,"
            "health.healthy,health.at_risk,health.dormant,health.never_met",
        ),
        (["engagement", "--monthly"], "key,traditional,reverse,peer,total"),
        (
            ["engagement", "--at-risk"],
            "id,program,direction,mentor,mentor_name,mentee,mentee_name,health,paired_on,"
            "last_met_on,days_quiet,cadence_days",
        ),
    ],
)
def test_an_empty_store_gives_csv_with_only_the_header(
    ok: RunFn, args: list[str], header: str
) -> None:
    assert ok(*args, "--format", "csv").stdout == header + "\n"


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["list"], "(none)"),
        (["people"], "(none)"),
        (["retention"], "No pairings as of 2026-11-22."),
        (["engagement"], "No pairings as of 2026-11-22."),
        (["engagement", "--monthly"], "No meetings as of 2026-11-22."),
        (["engagement", "--at-risk"], "No pairings at risk as of 2026-11-22."),
    ],
)
def test_an_empty_store_gives_a_one_line_table(ok: RunFn, args: list[str], text: str) -> None:
    assert ok(*args).stdout == text + "\n"
