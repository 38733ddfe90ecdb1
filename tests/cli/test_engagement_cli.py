"""`mentorship engagement` on the populated world, as of 2026-11-22 unless told.

P1 traditional  paired 2026-02-02 (293 days)  3 meetings, 135 min, last 2026-10-30 (23 days)
P2 peer         paired 2026-03-02 (265 days)  1 meeting,   30 min, last 2026-03-16 (251 days)
P3 reverse      paired 2026-04-01 (235 days)  never met
cadence 30: healthy within 30 days, at risk within 60, dormant beyond.
"""

from __future__ import annotations

import json
from typing import Any

from cli_helpers import RunFn, World
from pytest import approx


def _json(ok: RunFn, *args: str) -> Any:
    return json.loads(ok("engagement", *args, "--format", "json").stdout)


def _health(healthy: int = 0, at_risk: int = 0, dormant: int = 0, never_met: int = 0) -> object:
    return {"healthy": healthy, "at_risk": at_risk, "dormant": dormant, "never_met": never_met}


def test_engagement_table_puts_the_directions_side_by_side(populated: World, ok: RunFn) -> None:
    assert ok("engagement").stdout.splitlines() == [
        "As of 2026-11-22, by direction:",
        "                       traditional  reverse  peer",
        "---------------------  -----------  -------  -----",
        "pairings (active)      1            1        1",
        "meetings               3            0        1",
        "minutes                135          0        30",
        "meetings per month     0.31         0.00     0.11",
        "median days since met  23.0         -        251.0",
        "healthy                1            0        0",
        "at risk                0            0        0",
        "dormant                0            0        1",
        "never met              0            1        0",
    ]


def test_engagement_json_keeps_rates_unrounded(populated: World, ok: RunFn) -> None:
    report = _json(ok)

    # meetings per month = meetings / days paired * 30
    assert report == {
        "as_of": "2026-11-22",
        "by": "direction",
        "groups": [
            {
                "key": "traditional", "pairings": 1, "meetings": 3, "minutes": 135,
                "meetings_per_month": approx(3 / 293 * 30), "days_since_last_meeting": 23,
                "health": _health(healthy=1),
            },
            {
                "key": "reverse", "pairings": 1, "meetings": 0, "minutes": 0,
                "meetings_per_month": 0.0, "days_since_last_meeting": None,
                "health": _health(never_met=1),
            },
            {
                "key": "peer", "pairings": 1, "meetings": 1, "minutes": 30,
                "meetings_per_month": approx(1 / 265 * 30), "days_since_last_meeting": 251,
                "health": _health(dormant=1),
            },
        ],
    }  # fmt: skip


def test_engagement_csv_flattens_health_into_columns(populated: World, ok: RunFn) -> None:
    lines = ok("engagement", "--format", "csv").stdout.splitlines()

    assert lines[0] == (
        "key,pairings,meetings,minutes,meetings_per_month,days_since_last_meeting,"
        "health.healthy,health.at_risk,health.dormant,health.never_met"
    )
    rows = [line.split(",") for line in lines[1:]]
    assert [float(row[4]) for row in rows] == [approx(90 / 293), 0.0, approx(30 / 265)]
    assert [row[:4] + row[5:] for row in rows] == [
        ["traditional", "1", "3", "135", "23", "1", "0", "0", "0"],
        ["reverse", "1", "0", "0", "", "0", "0", "0", "1"],
        ["peer", "1", "1", "30", "251", "0", "0", "1", "0"],
    ]


def test_engagement_by_program(populated: World, ok: RunFn) -> None:
    report = _json(ok, "--by", "program")

    assert report["by"] == "program"
    assert report["groups"] == [
        {
            "key": "spring-2026", "pairings": 3, "meetings": 4, "minutes": 165,
            "meetings_per_month": approx((90 / 293 + 0 + 30 / 265) / 3),
            "days_since_last_meeting": 137,  # median of 23 and 251
            "health": _health(healthy=1, dormant=1, never_met=1),
        }
    ]  # fmt: skip
    assert ok("engagement", "--by", "program").stdout.splitlines()[1].split() == ["spring-2026"]


def test_engagement_counts_only_active_pairings_by_current_direction(
    populated: World, ok: RunFn
) -> None:
    ok("end", populated.p2, "--reason", "mentee_withdrew", "--on", "2026-04-01")
    ok("reverse", populated.p1, "--on", "2026-06-01")

    groups = _json(ok)["groups"]

    assert [(g["key"], g["pairings"], g["meetings"]) for g in groups] == [("reverse", 2, 3)]


def test_engagement_as_of_an_earlier_date(populated: World, ok: RunFn) -> None:
    report = _json(ok, "--as-of", "2026-03-20")

    # P1: 46 days, 2 meetings, last 10 days ago; P2: 18 days, 1 meeting 4 days ago.
    # P2 is younger than the cadence (30), so its rate is 1 / max(18, 30) * 30 = 1.
    assert report == {
        "as_of": "2026-03-20",
        "by": "direction",
        "groups": [
            {
                "key": "traditional", "pairings": 1, "meetings": 2, "minutes": 105,
                "meetings_per_month": approx(2 / 46 * 30), "days_since_last_meeting": 10,
                "health": _health(healthy=1),
            },
            {
                "key": "peer", "pairings": 1, "meetings": 1, "minutes": 30,
                "meetings_per_month": approx(1 / 30 * 30), "days_since_last_meeting": 4,
                "health": _health(healthy=1),
            },
        ],
    }  # fmt: skip


def test_engagement_as_of_a_date_before_a_reversal_uses_the_direction_then(
    populated: World, ok: RunFn
) -> None:
    ok("reverse", populated.p1, "--on", "2026-06-01")

    then = _json(ok, "--as-of", "2026-05-31")["groups"]
    now = _json(ok)["groups"]

    assert [(g["key"], g["pairings"]) for g in then] == [
        ("traditional", 1),
        ("reverse", 1),
        ("peer", 1),
    ]
    assert [(g["key"], g["pairings"]) for g in now] == [("reverse", 2), ("peer", 1)]


def test_at_risk_lists_quiet_pairings_worst_first(populated: World, ok: RunFn) -> None:
    lines = ok("engagement", "--at-risk").stdout.splitlines()

    assert lines == [
        "As of 2026-11-22, worst first:",
        "id        program      direction  mentor              mentee             health     "
        "last met    days quiet  cadence",
        "--------  -----------  ---------  ------------------  -----------------  ---------  "
        "----------  ----------  -------",
        f"{populated.p2[:8]}  spring-2026  peer       E2 Brian Kernighan  E3 Grace Hopper    "
        "dormant    2026-03-16  251         30",
        f"{populated.p3[:8]}  spring-2026  reverse    E3 Grace Hopper     E4 Linus Torvalds  "
        "never_met  -           235         30",
    ]


def test_at_risk_json_and_csv_name_the_people(populated: World, ok: RunFn) -> None:
    report = _json(ok, "--at-risk")
    csv = ok("engagement", "--at-risk", "--format", "csv").stdout.splitlines()

    assert report == {
        "as_of": "2026-11-22",
        "pairings": [
            {
                "id": populated.p2, "program": "spring-2026", "direction": "peer",
                "mentor": "E2", "mentee": "E3", "health": "dormant",
                "paired_on": "2026-03-02", "last_met_on": "2026-03-16",
                "days_quiet": 251, "cadence_days": 30,
                "mentor_name": "Brian Kernighan", "mentee_name": "Grace Hopper",
            },
            {
                "id": populated.p3, "program": "spring-2026", "direction": "reverse",
                "mentor": "E3", "mentee": "E4", "health": "never_met",
                "paired_on": "2026-04-01", "last_met_on": None,
                "days_quiet": 235, "cadence_days": 30,
                "mentor_name": "Grace Hopper", "mentee_name": "Linus Torvalds",
            },
        ],
    }  # fmt: skip
    assert csv == [
        "id,program,direction,mentor,mentor_name,mentee,mentee_name,health,paired_on,"
        "last_met_on,days_quiet,cadence_days",
        f"{populated.p2},spring-2026,peer,E2,Brian Kernighan,E3,Grace Hopper,dormant,"
        "2026-03-02,2026-03-16,251,30",
        f"{populated.p3},spring-2026,reverse,E3,Grace Hopper,E4,Linus Torvalds,never_met,"
        "2026-04-01,,235,30",
    ]


def test_at_risk_as_of_an_earlier_date_skips_brand_new_pairings(
    populated: World, ok: RunFn
) -> None:
    pairings = _json(ok, "--at-risk", "--as-of", "2026-04-20")["pairings"]

    # P1 quiet 41 days, P2 35 days: both at risk; P3 is 19 days old and may not have met yet.
    assert [(p["id"], p["health"], p["days_quiet"]) for p in pairings] == [
        (populated.p1, "at_risk", 41),
        (populated.p2, "at_risk", 35),
    ]


def test_monthly_counts_meetings_per_month_and_direction(populated: World, ok: RunFn) -> None:
    assert ok("engagement", "--monthly").stdout.splitlines() == [
        "Meetings per month by the direction in force that day, as of 2026-11-22:",
        "month    traditional  reverse  peer  total",
        "-------  -----------  -------  ----  -----",
        "2026-02  1            0        0     1",
        "2026-03  1            0        1     2",
        "2026-10  1            0        0     1",
    ]
    assert ok("engagement", "--monthly", "--format", "csv").stdout.splitlines() == [
        "key,traditional,reverse,peer,total",
        "2026-02,1,0,0,1",
        "2026-03,1,0,1,2",
        "2026-10,1,0,0,1",
    ]


def test_monthly_uses_the_direction_in_force_from_the_reversal_day(
    populated: World, ok: RunFn
) -> None:
    ok("reverse", populated.p1, "--on", "2026-03-10")  # the day of P1's second meeting

    report = _json(ok, "--monthly")

    def month(key: str, traditional: int, reverse: int, peer: int) -> object:
        total = traditional + reverse + peer
        return {"key": key, "traditional": traditional, "reverse": reverse, "peer": peer,
                "total": total}  # fmt: skip

    assert report == {
        "as_of": "2026-11-22",
        "by": "month",
        "groups": [
            month("2026-02", 1, 0, 0),
            month("2026-03", 0, 1, 1),
            month("2026-10", 0, 1, 0),
        ],
    }
    assert _json(ok, "--monthly", "--as-of", "2026-03-12")["groups"] == [
        month("2026-02", 1, 0, 0),
        month("2026-03", 0, 1, 0),
    ]


def test_engagement_of_an_empty_store(ok: RunFn) -> None:
    assert ok("engagement").stdout == "No pairings as of 2026-11-22.\n"
    assert ok("engagement", "--at-risk").stdout == "No pairings at risk as of 2026-11-22.\n"
    assert ok("engagement", "--monthly").stdout == "No meetings as of 2026-11-22.\n"
    assert _json(ok, "--at-risk") == {"as_of": "2026-11-22", "pairings": []}
