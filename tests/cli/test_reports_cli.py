"""`mentorship retention` and `mentorship replay`.

The `veterans` world has pairings old enough for every survival horizon:

    pilot-2025 launched 2025-01-06, cadence 30
    A  E1 -> E2 traditional  2025-02-03 .. 2025-08-04 completed   182 days
    B  E3 -> E4 reverse      2025-03-03 .. 2025-04-02 mismatch     30 days, a dropout
    C  E2 -> E3 peer         2025-05-05 .. still active           566 days on 2026-11-22
    E4 left on 2026-01-15; E5 (joined 2024-01-01) and E6 (no date) never paired.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from cli_helpers import CountFn, RunFn, World

SURVIVAL_ALL = {"30": 1.0, "90": 1.0, "180": 1.0, "365": 1.0}
NO_SURVIVAL = {"30": None, "90": None, "180": None, "365": None}  # nobody followed that long


@pytest.fixture
def veterans(people: object, ok: RunFn) -> dict[str, str]:
    ok("program", "launch", "pilot-2025", "--name", "Pilot 2025", "--on", "2025-01-06")
    ids = {}
    for name, mentor, mentee, on in (
        ("A", "E1", "E2", "2025-02-03"),
        ("B", "E3", "E4", "2025-03-03"),
        ("C", "E2", "E3", "2025-05-05"),
    ):
        pair = ("pair", "--program", "pilot-2025", "--mentor", mentor, "--mentee", mentee)
        ids[name] = ok(*pair, "--on", on).stdout.strip()
    ok("end", ids["A"], "--reason", "completed", "--on", "2025-08-04")
    ok("end", ids["B"], "--reason", "mismatch", "--on", "2025-04-02")
    ok("person", "leave", "E4", "--on", "2026-01-15")
    ok("person", "add", "E5", "--name", "Katherine Johnson", "--joined", "2024-01-01")
    ok("person", "add", "E6", "--name", "Dorothy Vaughan")
    return ids


def _json(ok: RunFn, *args: str) -> Any:
    return json.loads(ok(*args, "--format", "json").stdout)


NO_INTERVAL = {"30": None, "90": None, "180": None, "365": None}


def _group(key: str, started: int, active: int, completed: int, **rest: Any) -> dict[str, Any]:
    """A retention group; `at_risk` lists the numbers at risk at 30/90/180/365 days."""
    at_risk = dict(zip(("30", "90", "180", "365"), rest["at_risk"], strict=True))
    return {
        "key": key,
        "started": started,
        "active": active,
        "completed": completed,
        "closed_with_program": rest.get("closed", 0),
        "dropped_out": rest.get("dropped_out", 0),
        "dropout_reasons": rest.get("dropout_reasons", {}),
        "reversed": rest.get("reversed", 0),
        "survival": rest["survival"],
        "median_days_to_dropout": rest.get("median"),
        "survival_ci": rest.get("ci", NO_INTERVAL),
        "at_risk": at_risk,
        "few_at_risk": {h: n < 20 for h, n in at_risk.items()},
        "median_ci": rest.get("median_ci", [None, None]),
    }


# A is censored at 182 days (completed), B drops out on day 30, C runs on.
RETENTION_TABLE = [
    "As of 2026-11-22, by direction:",
    "                        traditional  reverse                peer",
    "----------------------  -----------  ---------------------  ---------",
    "started                 1            1                      1",
    "active                  0            0                      1",
    "completed               1            0                      0",
    "closed with program     0            0                      0",
    "dropped out             0            1                      0",
    "reversed                0            0                      0",
    "survival 30d            1.00 n=1*    0.00 [0.00-0.00] n=1*  1.00 n=1*",
    "survival 90d            1.00 n=1*    0.00 [0.00-0.00] n=0*  1.00 n=1*",
    "survival 180d           1.00 n=1*    0.00 [0.00-0.00] n=0*  1.00 n=1*",
    "survival 365d           - n=0*       0.00 [0.00-0.00] n=0*  1.00 n=1*",
    "median days to dropout  -            30 [30-30]             -",
    "  dropout: mismatch     0            1                      0",
    "survival: estimate [95% interval] n=pairings still at risk; median: days [95% interval]",
    "* fewer than 20 pairings still at risk: read with care",
]


def test_retention_table_puts_the_directions_side_by_side(veterans: object, ok: RunFn) -> None:
    assert ok("retention").stdout.splitlines() == RETENTION_TABLE


def test_retention_table_counts_an_absent_dropout_reason_as_zero(
    veterans: object, ok: RunFn
) -> None:
    lines = ok("retention").stdout.splitlines()

    assert "  dropout: mismatch     0            1                      0" in lines


def test_retention_json_by_direction_at_pairing(veterans: object, ok: RunFn) -> None:
    report = _json(ok, "retention")

    assert report == {
        "as_of": "2026-11-22",
        "by": "direction",
        "groups": [
            # A: completed on day 182, censored; no dropout, so no interval.
            _group(
                "traditional", 1, 0, 1,
                survival={**SURVIVAL_ALL, "365": None}, at_risk=(1, 1, 1, 0),
            ),
            # B: dropped out on day 30 (n=1, d=1): S is 0 from then on, known,
            # with the interval [0, 0]; the median is 30 and so is its interval.
            _group(
                "reverse", 1, 0, 0,
                dropped_out=1, dropout_reasons={"mismatch": 1}, median=30,
                survival={"30": 0.0, "90": 0.0, "180": 0.0, "365": 0.0},
                ci={h: [0.0, 0.0] for h in NO_INTERVAL}, at_risk=(1, 0, 0, 0),
                median_ci=[30, 30],
            ),
            _group("peer", 1, 1, 0, survival=SURVIVAL_ALL, at_risk=(1, 1, 1, 1)),
        ],
    }  # fmt: skip


def test_retention_csv_has_a_column_for_every_dropout_reason(veterans: object, ok: RunFn) -> None:
    lines = ok("retention", "--format", "csv").stdout.splitlines()

    assert lines == [
        "key,started,active,completed,closed_with_program,dropped_out,reversed,"
        "survival.30,survival.90,survival.180,survival.365,median_days_to_dropout,"
        "dropout_reasons.mentor_withdrew,dropout_reasons.mentee_withdrew,"
        "dropout_reasons.left_organisation,dropout_reasons.mismatch,dropout_reasons.other,"
        "survival_ci.30.low,survival_ci.30.high,survival_ci.90.low,survival_ci.90.high,"
        "survival_ci.180.low,survival_ci.180.high,survival_ci.365.low,survival_ci.365.high,"
        "at_risk.30,at_risk.90,at_risk.180,at_risk.365,"
        "few_at_risk.30,few_at_risk.90,few_at_risk.180,few_at_risk.365,"
        "median_ci.low,median_ci.high",
        "traditional,1,0,1,0,0,0,1.0,1.0,1.0,,,0,0,0,0,0,,,,,,,,,1,1,1,0,True,True,True,True,,",
        "reverse,1,0,0,0,1,0,0.0,0.0,0.0,0.0,30,0,0,0,1,0,"
        "0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1,0,0,0,True,True,True,True,30,30",
        "peer,1,1,0,0,0,0,1.0,1.0,1.0,1.0,,0,0,0,0,0,,,,,,,,,1,1,1,1,True,True,True,True,,",
    ]


def test_retention_by_program(veterans: object, ok: RunFn) -> None:
    report = _json(ok, "retention", "--by", "program")

    # One dropout among three at risk on day 30: survival 2/3 from then on.
    # Greenwood V = 1/(3*2); log(-log) interval S ** exp(-+1.96 sqrt(V) / |ln S|).
    third = pytest.approx(2 / 3)
    spread = 1.959963984540054 * math.sqrt(1 / 6) / -math.log(2 / 3)
    interval = [
        pytest.approx((2 / 3) ** math.exp(spread)),
        pytest.approx((2 / 3) ** math.exp(-spread)),
    ]
    assert interval == [pytest.approx(0.054073, abs=1e-6), pytest.approx(0.945206, abs=1e-6)]
    assert report["by"] == "program"
    assert report["groups"] == [
        _group(
            "pilot-2025", 3, 1, 1,
            dropped_out=1, dropout_reasons={"mismatch": 1},
            survival={"30": third, "90": third, "180": third, "365": third},
            ci={h: interval for h in NO_INTERVAL}, at_risk=(3, 2, 2, 1),
            # The lower band is below 1/2 from day 30; the upper band never is.
            median_ci=[30, None],
        )
    ]  # fmt: skip
    assert ok("retention", "--by", "program").stdout.splitlines()[1].split() == ["pilot-2025"]


_HALF_SPREAD = 1.959963984540054 * math.sqrt(1 / 2) / math.log(2)
HALF_INTERVAL = [
    pytest.approx(0.5 ** math.exp(_HALF_SPREAD)),
    pytest.approx(0.5 ** math.exp(-_HALF_SPREAD)),
]


def test_retention_by_cohort_groups_by_quarter_of_pairing(veterans: object, ok: RunFn) -> None:
    report = _json(ok, "retention", "--by", "cohort")

    assert report["groups"] == [
        # A (182, censored) and B (30, dropout): S(30) = 1/2, V = 1/(2*1).
        _group(
            "2025-Q1", 2, 0, 1,
            dropped_out=1, dropout_reasons={"mismatch": 1}, median=30,
            survival={"30": 0.5, "90": 0.5, "180": 0.5, "365": None},
            ci={**{h: HALF_INTERVAL for h in ("30", "90", "180")}, "365": None},
            at_risk=(2, 1, 1, 0), median_ci=[30, None],
        ),
        _group("2025-Q2", 1, 1, 0, survival=SURVIVAL_ALL, at_risk=(1, 1, 1, 1)),
    ]  # fmt: skip
    header = ok("retention", "--by", "cohort").stdout.splitlines()[:2]
    assert header[0] == "As of 2026-11-22, by cohort:"
    assert header[1].split() == ["2025-Q1", "2025-Q2"]


def test_retention_as_of_an_earlier_date_ignores_what_came_later(
    veterans: object, ok: RunFn
) -> None:
    report = _json(ok, "retention", "--as-of", "2025-03-31")

    # A had run 56 days and B 28 days; B's ending and C's pairing were still to come.
    assert report == {
        "as_of": "2025-03-31",
        "by": "direction",
        "groups": [
            _group(
                "traditional", 1, 1, 0, survival={**NO_SURVIVAL, "30": 1.0}, at_risk=(1, 0, 0, 0)
            ),
            _group("reverse", 1, 1, 0, survival=NO_SURVIVAL, at_risk=(0, 0, 0, 0)),
        ],
    }


def test_participant_retention_json(veterans: object, ok: RunFn) -> None:
    report = _json(ok, "retention", "--people")

    def row(key: str, role: str | None, people: int, eligible: int, retained: int) -> object:
        share = retained / eligible if eligible else None
        return {"key": key, "role": role, "people": people, "eligible": eligible,
                "retained": retained, "share": share}  # fmt: skip

    assert report == {
        "as_of": "2026-11-22",
        "by": "role",
        "groups": [
            row("traditional", "mentor", 1, 1, 1),  # E1
            row("traditional", "mentee", 1, 1, 1),  # E2
            row("reverse", "mentor", 1, 1, 1),  # E3
            row("reverse", "mentee", 1, 1, 0),  # E4 left before 2026-03-03
            row("peer", "mentor", 1, 1, 1),  # E2
            row("peer", "mentee", 1, 1, 1),  # E3
            # E5, whose clock starts at the launch (2025-01-06); E6, with no joining
            # date, was registered by the real clock, after 2026-11-22: in no group.
            row("never_paired", None, 1, 1, 1),
        ],
    }


def test_participant_retention_table_and_csv(veterans: object, ok: RunFn) -> None:
    table = ok("retention", "--people").stdout.splitlines()
    csv = ok("retention", "--people", "--format", "csv").stdout.splitlines()

    assert table[0] == (
        "As of 2026-11-22: share still in the organisation 365 days after first pairing"
    )
    assert table[1].split() == ["direction", "role", "people", "eligible", "retained", "share"]
    assert table[6].split() == ["reverse", "mentee", "1", "1", "0", "0.000"]
    assert table[-1].split() == ["never_paired", "-", "1", "1", "1", "1.000"]  # E6 after D
    assert csv[0] == "key,role,people,eligible,retained,share"
    assert csv[4] == "reverse,mentee,1,1,0,0.0"
    assert csv[-1] == "never_paired,,1,1,1,1.0"


def test_participant_retention_as_of_leaves_out_people_not_yet_joined(
    people: object, ok: RunFn
) -> None:
    # On 2021-06-01 only E1 (joined 2019-04-01) had joined: E2 joins 2022-01-10, and
    # E3 and E4 (no joining date) were registered by the real clock, years later.
    # spring-2026 launches 2026-01-05, so E1 could not have been paired yet: their
    # clock has not started. (Was 4 people, 1 eligible, when every registration
    # counted and the clock started at joining.)
    report = _json(ok, "retention", "--people", "--as-of", "2021-06-01")

    assert report["groups"] == [
        {"key": "never_paired", "role": None, "people": 1, "eligible": 0, "retained": 0,
         "share": None},
    ]  # fmt: skip


def test_retention_counts_only_reversals_on_or_before_the_date(populated: World, ok: RunFn) -> None:
    ok("reverse", populated.p1, "--on", "2026-06-01")

    def reversed_by_key(*as_of: str) -> dict[str, int]:
        return {g["key"]: g["reversed"] for g in _json(ok, "retention", *as_of)["groups"]}

    assert reversed_by_key("--as-of", "2026-05-31") == {"traditional": 0, "reverse": 0, "peer": 0}
    assert reversed_by_key() == {"traditional": 1, "reverse": 0, "peer": 0}


def test_retention_of_an_empty_store(ok: RunFn) -> None:
    assert ok("retention").stdout == "No pairings as of 2026-11-22.\n"
    assert _json(ok, "retention", "--by", "cohort") == {
        "as_of": "2026-11-22",
        "by": "cohort",
        "groups": [],
    }


# replay


REPLAYED = re.compile(r"^Replayed (\d+) events in \d+\.\d\d s \([\d,]+ events/s\)\n$")


def test_replay_reports_how_many_events_it_replayed(populated: World, ok: RunFn) -> None:
    match = REPLAYED.match(ok("replay").stdout)

    assert match is not None
    assert match.group(1) == "18"


def test_replay_counts_events_written_through_the_cli(
    veterans: object, ok: RunFn, written: CountFn
) -> None:
    match = REPLAYED.match(ok("replay").stdout)

    assert match is not None
    assert int(match.group(1)) == written() == 5 + 1 + 3 * 3 + 2 + 1 + 2  # a pairing: 3 events


def test_replaying_twice_rebuilds_identical_views(populated: World, ok: RunFn) -> None:
    ok("reverse", populated.p1, "--on", "2026-06-01")
    ok("retract", populated.p1, "3", "--reason", "wrong pair")
    ok("meet", populated.p1, "--minutes", "25", "--on", "2026-11-01")
    ok("person", "update", "E4", "--level", "6", "--department", "Ops")
    ok("person", "leave", "E3", "--on", "2026-11-10")
    queries = [
        ("list", "--format", "json"),
        ("people", "--format", "json"),
        ("programs", "--format", "json"),
        ("engagement", "--monthly", "--format", "json"),
        ("engagement", "--format", "json"),
        ("retention", "--as-of", "2026-06-30", "--format", "json"),
    ]
    before = [ok(*q).stdout for q in queries]

    first = ok("replay").stdout
    after_first = [ok(*q).stdout for q in queries]
    second = ok("replay").stdout
    after_second = [ok(*q).stdout for q in queries]

    assert after_first == before
    assert after_second == before
    assert REPLAYED.match(first) and REPLAYED.match(second)
    assert re.findall(r"Replayed (\d+)", first + second) == ["25", "25"]
    listed = {p["id"]: p for p in json.loads(before[0])}
    assert (listed[populated.p1]["meetings"], listed[populated.p1]["minutes"]) == (3, 130)


def test_retention_compare_runs_the_log_rank_test_across_directions(
    veterans: object, ok: RunFn
) -> None:
    report = _json(ok, "retention", "--compare")

    # One dropout (reverse, day 30) with one pairing of each direction at risk:
    # O - E = (0 - 1/3, 1 - 1/3) for traditional and reverse; the hypergeometric
    # covariance is [[2/9, -1/9], [-1/9, 2/9]], whose inverse is [[6, 3], [3, 6]],
    # so chi2 = 6/9 - 12/9 + 24/9 = 2 on 2 df, and p = exp(-2/2) = 0.3679.
    assert report["logrank"] == {
        "statistic": pytest.approx(2.0),
        "df": 2,
        "p_value": pytest.approx(math.exp(-1)),
    }
    assert ok("retention", "--compare").stdout.splitlines()[-1] == (
        "Log-rank test across directions: chi-squared 2.00 on 2 df, p = 0.368"
    )
    csv_header = ok("retention", "--compare", "--format", "csv").stdout.splitlines()[0]
    assert csv_header.endswith(",logrank.statistic,logrank.df,logrank.p_value")


NOTHING_TO_COMPARE = (
    "Log-rank test across directions: nothing to compare (one group, or no dropouts)."
)


@pytest.mark.parametrize(
    ("as_of", "last_line"),
    [
        pytest.param("2025-01-31", "No pairings as of 2025-01-31.", id="no pairing yet"),
        pytest.param("2025-02-10", NOTHING_TO_COMPARE, id="one direction"),
    ],
)
def test_retention_compare_with_fewer_than_two_groups_has_nothing_to_compare(
    veterans: object, ok: RunFn, as_of: str, last_line: str
) -> None:
    report = _json(ok, "retention", "--compare", "--as-of", as_of)

    assert report["logrank"] == {"statistic": 0.0, "df": 0, "p_value": 1.0}
    assert ok("retention", "--compare", "--as-of", as_of).stdout.splitlines()[-1] == last_line


def test_retention_causes_gives_the_cumulative_incidence_of_each_way_of_ending(
    veterans: object, ok: RunFn
) -> None:
    groups = _json(ok, "retention", "--causes")["groups"]

    zero = {"30": 0.0, "90": 0.0, "180": 0.0, "365": 0.0}
    incidence = {g["key"]: g["cumulative_incidence"] for g in groups}
    # A completed on day 182: by 365 days, completion has happened for sure.
    assert incidence["traditional"]["completed"] == {**zero, "365": 1.0}
    # B: mismatch on day 30.
    assert incidence["reverse"]["mismatch"] == {"30": 1.0, "90": 1.0, "180": 1.0, "365": 1.0}
    # C runs on: nothing has ended.
    assert all(values == zero for values in incidence["peer"].values())
    assert [g["still_active"] for g in groups] == [
        {"30": 1.0, "90": 1.0, "180": 1.0, "365": 0.0},
        {"30": 0.0, "90": 0.0, "180": 0.0, "365": 0.0},
        {"30": 1.0, "90": 1.0, "180": 1.0, "365": 1.0},
    ]
    table = ok("retention", "--causes").stdout
    assert "Cumulative incidence at 30/90/180/365 days (closures censored):" in table
