"""`cli.output`: the one --format dispatch, and tables that fit a terminal."""

from __future__ import annotations

from datetime import date

import pytest

from cli import output
from cli.output import emit, shorten, side_by_side, table, terminal_width


def _emit(fmt: str, capsys: pytest.CaptureFixture[str], built: list[str] | None = None) -> str:
    built = [] if built is None else built

    def json() -> dict[str, object]:
        built.append("json")
        return {"on": date(2026, 1, 2), "n": 1.5}

    def csv() -> tuple[list[str], list[list[object]]]:
        built.append("csv")
        return ["on", "n", "missing"], [[date(2026, 1, 2), 1.5, None]]

    emit(fmt, json=json, csv=csv, table=lambda width: f"a table for width {width}")
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_emit_builds_only_the_chosen_format(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    built: list[str] = []

    _emit(fmt, capsys, built)

    assert built == ([fmt] if fmt != "table" else [])


def test_emit_writes_json_with_iso_dates(capsys: pytest.CaptureFixture[str]) -> None:
    assert _emit("json", capsys) == '{\n  "on": "2026-01-02",\n  "n": 1.5\n}\n'


def test_emit_writes_csv_with_blank_missing_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert _emit("csv", capsys) == "on,n,missing\n2026-01-02,1.5,\n"


def test_emit_gives_the_table_no_width_when_stdout_is_piped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _emit("table", capsys) == "a table for width None\n"


def test_emit_gives_the_table_the_terminal_width(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "72")

    assert _emit("table", capsys) == "a table for width 72\n"


def test_terminal_width_is_none_when_piped_whatever_columns_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: False)
    monkeypatch.setenv("COLUMNS", "40")

    assert terminal_width() is None


def test_shorten_cuts_with_an_ellipsis_only_when_needed() -> None:
    assert shorten("Ada Lovelace", 12) == "Ada Lovelace"
    assert shorten("Ada Lovelace", 8) == "Ada Lov…"
    assert shorten("Ada Lovelace", 5) == "Ada…"  # no space before the ellipsis
    assert shorten("Ada", 0) == ""


HEADERS = ["id", "name", "team", "notes"]
ROWS = [
    ["E1", "Ada Lovelace", "Analytical Engines", "first program; loves Bernoulli numbers"],
    ["E2", "Grace Hopper", "Compilers", None],
]


def test_a_table_without_a_width_is_never_shortened() -> None:
    assert table(HEADERS, ROWS, shrink=["name", "team"], wrap=["notes"]).splitlines() == [
        "id  name          team                notes",
        "--  ------------  ------------------  --------------------------------------",
        "E1  Ada Lovelace  Analytical Engines  first program; loves Bernoulli numbers",
        "E2  Grace Hopper  Compilers           -",
    ]


def test_a_narrow_table_cuts_the_widest_shrinkable_column_first() -> None:
    # 2 + 12 + 18 and two gaps of 2: 36. At 30, name and team share 24: team
    # gives up 6 characters and name none.
    lines = table(HEADERS[:3], [r[:3] for r in ROWS], width=30, shrink=["name", "team"])

    assert lines.splitlines() == [
        "id  name          team",
        "--  ------------  ------------",
        "E1  Ada Lovelace  Analytical…",
        "E2  Grace Hopper  Compilers",
    ]


def test_shrinkable_columns_share_the_room_left_evenly() -> None:
    # At 26, name and team share 20: 10 each.
    lines = table(HEADERS[:3], [r[:3] for r in ROWS], width=26, shrink=["name", "team"])

    assert lines.splitlines() == [
        "id  name        team",
        "--  ----------  ----------",
        "E1  Ada Lovel…  Analytica…",
        "E2  Grace Hop…  Compilers",
    ]


def test_a_wrapped_column_continues_on_the_next_lines() -> None:
    lines = table(HEADERS[::3], [r[::3] for r in ROWS], width=20, wrap=["notes"])

    assert lines.splitlines() == [
        "id  notes",
        "--  ----------------",
        "E1  first program;",
        "    loves Bernoulli",
        "    numbers",
        "E2  -",
    ]


def test_optional_columns_go_only_while_the_table_does_not_fit() -> None:
    rows = [r[:3] for r in ROWS]

    assert table(HEADERS[:3], rows, width=34, optional=["team", "name"]).splitlines() == [
        "id  name",
        "--  ------------",
        "E1  Ada Lovelace",
        "E2  Grace Hopper",
    ]
    assert table(HEADERS[:3], rows, width=36, optional=["team", "name"]).splitlines()[0] == (
        "id  name          team"
    )


def test_a_cell_with_line_breaks_stays_on_its_row() -> None:
    assert table(["no.", "note"], [[1, "agenda:\ngoals\r\nnext steps"]]).splitlines() == [
        "no.  note",
        "---  ------------------------",
        "1    agenda: goals next steps",
    ]


def test_a_table_that_cannot_fit_keeps_ten_characters_of_a_shortened_column() -> None:
    lines = table(["id", "name"], [["E1", "Ada Lovelace"]], width=4, shrink=["name"])

    assert lines.splitlines() == ["id  name", "--  ----------", "E1  Ada Lovel…"]


def test_side_by_side_continues_groups_that_do_not_fit_in_a_second_block() -> None:
    groups = [{"key": f"2026-Q{q}", "n": q} for q in (1, 2, 3)]
    # "started" and two 7-character groups with their gaps make 25.

    assert side_by_side(groups, [("started", "n")], width=25).splitlines() == [
        "         2026-Q1  2026-Q2",
        "-------  -------  -------",
        "started  1        2",
        "",
        "         2026-Q3",
        "-------  -------",
        "started  3",
    ]
    assert side_by_side(groups, [("started", "n")]).splitlines()[0] == (
        "         2026-Q1  2026-Q2  2026-Q3"
    )
