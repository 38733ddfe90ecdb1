"""`mentorship report`: one self-contained HTML page, on SQLite and PostgreSQL.

The populated world (see conftest) on 2026-11-22: P1 E1->E2 traditional met
2026-10-30 (healthy), P2 E2->E3 peer last met 2026-03-16 (dormant), P3 E3->E4
reverse never met (listed once older than its 30-day cadence). So the at-risk
list names E2, E3 and E4, and nobody has ended.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import PEOPLE, RefusedFn, RunFn, World

DATA_BLOCK = re.compile(
    r'<script type="application/json" id="report-data">(.*?)</script>', re.DOTALL
)
CHARTS = ("survival", "endings", "monthly", "health", "cohorts", "participants")


def report_of(ok: RunFn, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.html"
    result = ok("report", "--out", str(out), *args)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [str(out)]
    return out.read_text(encoding="utf-8")


def data_of(page: str) -> Any:
    blocks = DATA_BLOCK.findall(page)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def charts_in(page: str) -> list[str]:
    return [name for name in CHARTS if f'id="chart-{name}"' in page]


def test_report_embeds_exactly_what_retention_and_engagement_print(
    populated: World, ok: RunFn, tmp_path: Path
) -> None:
    page = report_of(ok, tmp_path)

    data = data_of(page)
    assert data["retention"] == json.loads(ok("retention", "--format", "json").stdout)
    assert data["engagement"] == json.loads(ok("engagement", "--format", "json").stdout)
    assert data["meta"]["as_of"] == "2026-11-22"
    assert data["meta"]["events"] == 18
    assert [r["mentor"] for r in data["at_risk"]["listed"]] == ["E2", "E3"]
    monthly = json.loads(ok("engagement", "--monthly", "--format", "json").stdout)["groups"]
    shown = {m["key"]: m for m in data["monthly"]["groups"]}
    assert [shown[m["key"]] for m in monthly] == monthly  # 2026-02, -03 and -10
    assert len(shown) == 24 and sum(m["total"] for m in shown.values()) == 4


def test_report_with_an_as_of_date_matches_the_commands_on_that_date(
    populated: World, ok: RunFn, tmp_path: Path
) -> None:
    page = report_of(ok, tmp_path, "--as-of", "2026-06-30")

    data = data_of(page)
    day = ("--as-of", "2026-06-30", "--format", "json")
    assert data["retention"] == json.loads(ok("retention", *day).stdout)
    assert data["engagement"] == json.loads(ok("engagement", *day).stdout)


def test_report_draws_every_chart_and_lists_the_pairings_at_risk(
    populated: World, ok: RunFn, tmp_path: Path
) -> None:
    page = report_of(ok, tmp_path)

    # Participants: nobody has been followed a full year, so that chart says so.
    assert charts_in(page) == ["survival", "endings", "monthly", "health", "cohorts"]
    assert "Nobody has been followed for a full year" in page
    assert "The 2 pairings most at risk" in page
    assert "Grace Hopper" in page and "Linus Torvalds" in page
    markup = re.sub(r"<script\b.*?</script>", "", page, flags=re.DOTALL)
    assert "http" not in markup  # no stylesheet, font or image to fetch
    footer = re.search(r"<footer>(.*?)</footer>", page, re.DOTALL)
    assert footer is not None and "as of 2026-11-22" in footer.group(1)
    assert "18 events" in footer.group(1)


def test_pseudonymised_report_holds_no_name_email_or_note(
    populated: World, ok: RunFn, tmp_path: Path
) -> None:
    ok("meet", populated.p1, "--minutes", "20", "--on", "2026-11-01",
       "--note", "Talked about Zanzibar salaries")  # fmt: skip

    raw = report_of(ok, tmp_path, "--pseudonymise").encode()

    for employee_id, (name, *_) in PEOPLE.items():
        assert name.encode() not in raw
        assert f"{employee_id.lower()}@example.com".encode() not in raw
    assert b"Zanzibar" not in raw
    listed = data_of(raw.decode())["at_risk"]["listed"]
    codes = [(r["mentor"], r["mentee"]) for r in listed]
    assert all(re.fullmatch(r"P-[0-9a-f]{4}", c) for pair in codes for c in pair)
    # E3 is the mentee in the first listed pairing and the mentor in the second.
    assert codes[0][1] == codes[1][0]
    assert len({codes[0][0], codes[0][1], codes[1][1]}) == 3
    assert "mentor_name" not in listed[0]


def test_pseudonyms_are_stable_from_one_report_to_the_next(
    populated: World, ok: RunFn, tmp_path: Path
) -> None:
    first = data_of(report_of(ok, tmp_path, "--pseudonymise"))["at_risk"]["listed"]
    second = data_of(report_of(ok, tmp_path, "--pseudonymise"))["at_risk"]["listed"]

    assert [(r["mentor"], r["mentee"]) for r in first] == [
        (r["mentor"], r["mentee"]) for r in second
    ]


def test_a_name_full_of_html_is_escaped(populated: World, ok: RunFn, tmp_path: Path) -> None:
    ok("person", "add", "E9", "--name", "<script>alert(1)</script>", "--level", "4")
    ok("pair", "--program", "spring-2026", "--mentor", "E1", "--mentee", "E9",
       "--on", "2026-06-01")  # fmt: skip

    page = report_of(ok, tmp_path)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # in the at-risk table
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page  # in the data block
    names = [r["mentee_name"] for r in data_of(page)["at_risk"]["listed"]]
    assert "<script>alert(1)</script>" in names


def test_report_on_an_empty_store_says_there_is_nothing_yet(ok: RunFn, tmp_path: Path) -> None:
    page = report_of(ok, tmp_path)

    data = data_of(page)
    assert data["retention"]["groups"] == [] and data["engagement"]["groups"] == []
    assert charts_in(page) == []
    assert "No pairings as of 2026-11-22: nothing to report yet." in page
    assert "No meetings in the 24 months to 2026-11-22." in page


def test_report_with_one_direction_names_the_missing_ones(
    people: object, ok: RunFn, tmp_path: Path
) -> None:
    ok("pair", "--program", "spring-2026", "--mentor", "E1", "--mentee", "E2",
       "--on", "2026-02-02")  # fmt: skip

    page = report_of(ok, tmp_path)

    assert "No reverse or peer pairings as of 2026-11-22." in page
    assert [c["key"] for c in data_of(page)["curves"]] == ["traditional"]
    assert charts_in(page) == ["survival", "endings", "health", "cohorts"]


def test_report_before_the_first_pairing_says_so(
    populated: World, ok: RunFn, tmp_path: Path
) -> None:
    page = report_of(ok, tmp_path, "--as-of", "2026-01-31")

    assert "No pairings as of 2026-01-31: nothing to report yet." in page
    assert charts_in(page) == []


def test_report_for_one_program_and_to_stdout(populated: World, ok: RunFn) -> None:
    result = ok("report", "--out", "-", "--program", "spring-2026")

    assert result.stdout.startswith("<!DOCTYPE html>")
    assert data_of(result.stdout)["meta"]["programs"] == ["spring-2026"]
    assert result.stderr.splitlines() == ["(stdout)"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--program", "nope"), "Error: unknown program 'nope'"),
        (("--as-of", "2026-13-01"), "Error: "),
        (("--as-of", "2030-01-01"), "Error: "),
    ],
)
def test_report_refuses_bad_input_and_writes_nothing(
    populated: World, refused: RefusedFn, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "report.html"

    line = refused("report", "--out", str(out), *args)

    assert line.startswith(message)
    assert not out.exists()


def test_report_refuses_a_directory_as_its_file(
    populated: World, refused: RefusedFn, tmp_path: Path
) -> None:
    line = refused("report", "--out", str(tmp_path))

    assert line == f"Error: --out {tmp_path} is a directory; give a file name"


def test_pseudonyms_grow_longer_rather_than_collide() -> None:
    from cli.report_page import pseudonyms

    few = pseudonyms(["E1", "E2"], b"key")
    many = pseudonyms([f"E{i}" for i in range(1000)], b"key")

    assert few == {"E1": "P-d238", "E2": "P-5fb2"}  # the key's HMAC-SHA256, four digits
    # 1000 codes of four hex digits would collide: all get six, the first width that doesn't.
    assert len(set(many.values())) == 1000
    assert {len(code) for code in many.values()} == {len("P-") + 6}
    assert pseudonyms(["E1"], b"other key") != {"E1": "P-d238"}


def test_report_refuses_a_file_in_a_missing_folder(
    populated: World, refused: RefusedFn, tmp_path: Path
) -> None:
    out = tmp_path / "missing" / "report.html"

    line = refused("report", "--out", str(out))

    assert line == f"Error: cannot write {out}: No such file or directory"
