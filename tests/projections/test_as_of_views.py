"""Every "as of D" definition, checked through the storage layer.

Each test records a small history with the application, then asks `LedgerViews`
(which catches up the view tables and reads them back as of D) for a report and
compares it with figures worked out by hand in the comments.

Definitions: only events dated on or before D count; a pairing made after D
does not exist yet; an ending after D has not happened yet; the current
direction follows the reversals dated on or before D; a retracted meeting never
counts, whatever D. Duration = (ended_on or D) - paired_on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

d = date


def retention_group(
    key: str,
    *,
    started: int,
    active: int = 0,
    completed: int = 0,
    dropped_out: int = 0,
    reasons: dict[str, int] | None = None,
    reversed_: int = 0,
    survival: tuple[float | None, ...] = (None, None, None, None),
    median: int | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "started": started,
        "active": active,
        "completed": completed,
        "closed_with_program": 0,
        "dropped_out": dropped_out,
        "dropout_reasons": reasons or {},
        "reversed": reversed_,
        "survival": dict(zip(["30", "90", "180", "365"], survival, strict=True)),
        "median_days_to_dropout": median,
    }


# What the as-of cut decides. The 95% intervals and numbers at risk are the
# estimator's business, checked on hand-worked cases in test_retention_statistics.py
# and test_survival.py; the as-of property tests compare every key.
ESTIMATOR_KEYS = ("survival_ci", "at_risk", "few_at_risk", "median_ci")


def tallied(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in g.items() if k not in ESTIMATOR_KEYS} for g in groups]


def engagement_group(
    key: str,
    *,
    pairings: int = 1,
    meetings: int,
    minutes: int,
    per_month: float,
    days_since: float | None,
    health: str,
) -> dict[str, Any]:
    """One group holding `pairings` pairings that are all in the same `health` state."""
    states = dict.fromkeys(["healthy", "at_risk", "dormant", "never_met"], 0)
    states[health] = pairings
    return {
        "key": key,
        "pairings": pairings,
        "meetings": meetings,
        "minutes": minutes,
        "meetings_per_month": per_month,
        "days_since_last_meeting": days_since,
        "health": states,
    }


def month(key: str, traditional: int = 0, reverse: int = 0, peer: int = 0) -> dict[str, Any]:
    total = traditional + reverse + peer
    return {
        "key": key,
        "traditional": traditional,
        "reverse": reverse,
        "peer": peer,
        "total": total,
    }


def people(key: str, role: str | None, count: int, eligible: int, retained: int) -> dict[str, Any]:
    return {
        "key": key,
        "role": role,
        "people": count,
        "eligible": eligible,
        "retained": retained,
        "share": retained / eligible if eligible else None,
    }


def latest_on(ledger: Any) -> str:
    ledger.views.catch_up()
    return str(ledger.views.runner.position().latest_on)


# A. Reversals ---------------------------------------------------------------


def reversal_store(ledger: Any) -> UUID:
    """ann (7) mentors ben (3) in alpha (cadence 14): traditional, paired 2026-02-02.

    #1 02-16 30 min, #2 03-02 45 min, reversal 03-10, #3 03-10 15 min (same day),
    #4 03-20 60 min, #5 04-15 30 min, reversal back 05-01. Latest `on`: 05-01.
    """
    ledger.person("ann", 7)
    ledger.person("ben", 3)
    ledger.program("alpha", cadence_days=14)
    pairing = ledger.pair("ann", "ben", d(2026, 2, 2))
    ledger.meet(pairing, d(2026, 2, 16), 30)
    ledger.meet(pairing, d(2026, 3, 2), 45)
    ledger.reverse(pairing, d(2026, 3, 10))
    ledger.meet(pairing, d(2026, 3, 10), 15)
    ledger.meet(pairing, d(2026, 3, 20), 60)
    ledger.meet(pairing, d(2026, 4, 15), 30)
    ledger.reverse(pairing, d(2026, 5, 1))
    return pairing


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # 03-09: reversal (03-10) not yet; #1, #2 -> 2 meetings, 75 min; last 03-02 -> 7
        # days quiet (<= 14 healthy); duration 35 days -> 2/35*30 a month.
        pytest.param(
            d(2026, 3, 9),
            engagement_group(
                "traditional",
                meetings=2,
                minutes=75,
                per_month=2 / 35 * 30,
                days_since=7,
                health="healthy",
            ),
            id="day-before-reversal",
        ),
        # 03-10: the reversal counts on its own date; #1-#3 -> 3, 90 min; 0 days quiet;
        # duration 36 days.
        pytest.param(
            d(2026, 3, 10),
            engagement_group(
                "reverse",
                meetings=3,
                minutes=90,
                per_month=3 / 36 * 30,
                days_since=0,
                health="healthy",
            ),
            id="reversal-day",
        ),
        # 03-31: #1-#4 -> 4, 150 min; last 03-20 -> 11 days; duration 57 days.
        pytest.param(
            d(2026, 3, 31),
            engagement_group(
                "reverse",
                meetings=4,
                minutes=150,
                per_month=4 / 57 * 30,
                days_since=11,
                health="healthy",
            ),
            id="after-reversal",
        ),
        # 04-30: #1-#5 -> 5, 180 min; last 04-15 -> 15 days (14 < 15 <= 28: at risk);
        # duration 87 days.
        pytest.param(
            d(2026, 4, 30),
            engagement_group(
                "reverse",
                meetings=5,
                minutes=180,
                per_month=5 / 87 * 30,
                days_since=15,
                health="at_risk",
            ),
            id="at-risk",
        ),
        # 05-01: second reversal -> traditional again; 16 days quiet; duration 88.
        pytest.param(
            d(2026, 5, 1),
            engagement_group(
                "traditional",
                meetings=5,
                minutes=180,
                per_month=5 / 88 * 30,
                days_since=16,
                health="at_risk",
            ),
            id="reversed-back",
        ),
        # 11-22 (fast path): 221 days quiet (> 28: dormant); duration 293 days.
        pytest.param(
            d(2026, 11, 22),
            engagement_group(
                "traditional",
                meetings=5,
                minutes=180,
                per_month=5 / 293 * 30,
                days_since=221,
                health="dormant",
            ),
            id="today",
        ),
    ],
)
def test_engagement_groups_by_the_direction_in_force_on_d(
    ledger: Any, as_of: date, expected: dict[str, Any]
) -> None:
    reversal_store(ledger)
    assert ledger.views.engagement(as_of) == [expected]


@pytest.mark.parametrize(
    ("as_of", "reversed_", "survival"),
    [
        # Duration 35 days: followed past 30 days only; no dropout -> 1.0 at 30.
        (d(2026, 3, 9), 0, (1.0, None, None, None)),
        # The reversal dated D counts: one reversed pairing.
        (d(2026, 3, 10), 1, (1.0, None, None, None)),
        # Two reversals, still one reversed pairing; 293 days followed.
        (d(2026, 11, 22), 1, (1.0, 1.0, 1.0, None)),
    ],
)
def test_retention_keeps_the_direction_at_pairing_and_counts_reversed_pairings(
    ledger: Any, as_of: date, reversed_: int, survival: tuple[float | None, ...]
) -> None:
    reversal_store(ledger)
    assert tallied(ledger.views.retention(as_of)) == [
        retention_group("traditional", started=1, active=1, reversed_=reversed_, survival=survival)
    ]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # #3 (03-10) and later are after D.
        (d(2026, 3, 9), [month("2026-02", traditional=1), month("2026-03", traditional=1)]),
        # #2 before the reversal, #3 on its day and #4 after it.
        (
            d(2026, 3, 31),
            [month("2026-02", traditional=1), month("2026-03", traditional=1, reverse=2)],
        ),
        # #5 (04-15) is still before the reversal back on 05-01.
        (
            d(2026, 11, 22),
            [
                month("2026-02", traditional=1),
                month("2026-03", traditional=1, reverse=2),
                month("2026-04", reverse=1),
            ],
        ),
    ],
)
def test_monthly_counts_each_meeting_under_the_direction_in_force_that_day(
    ledger: Any, as_of: date, expected: list[dict[str, Any]]
) -> None:
    reversal_store(ledger)
    assert ledger.views.monthly(as_of) == expected


def test_at_risk_shows_the_roles_in_force_on_d(ledger: Any) -> None:
    pairing = reversal_store(ledger)
    entry = {
        "id": str(pairing),
        "program": "alpha",
        "paired_on": d(2026, 2, 2),
        "cadence_days": 14,
    }
    # 03-31: 11 days quiet, healthy: nothing to flag.
    assert ledger.views.at_risk(d(2026, 3, 31)) == []
    # 04-10: one reversal in force, so ben mentors ann; last met 03-20 -> 21 days
    # quiet (14 < 21 <= 28): at risk.
    assert ledger.views.at_risk(d(2026, 4, 10)) == [
        {
            **entry,
            "direction": "reverse",
            "mentor": "ben",
            "mentee": "ann",
            "mentor_name": "Ben",
            "mentee_name": "Ann",
            "health": "at_risk",
            "last_met_on": d(2026, 3, 20),
            "days_quiet": 21,
        }
    ]
    # Today: reversed back, ann mentors ben; last met 04-15 -> 221 days: dormant.
    assert ledger.views.at_risk(d(2026, 11, 22)) == [
        {
            **entry,
            "direction": "traditional",
            "mentor": "ann",
            "mentee": "ben",
            "mentor_name": "Ann",
            "mentee_name": "Ben",
            "health": "dormant",
            "last_met_on": d(2026, 4, 15),
            "days_quiet": 221,
        }
    ]


def test_pairing_listing_shows_current_roles_after_every_reversal(ledger: Any) -> None:
    pairing = reversal_store(ledger)
    assert ledger.views.pairings() == [
        {
            "id": str(pairing),
            "program": "alpha",
            "mentor": "ann",
            "mentee": "ben",
            "direction": "traditional",
            "status": "active",
            "paired_on": "2026-02-02",
            "ended_on": None,
            "end_reason": None,
            "reversals": 2,
            "meetings": 5,
            "minutes": 180,
            "last_met_on": "2026-04-15",
        }
    ]
    assert ledger.views.pairings(direction="reverse") == []


# B. Retractions -------------------------------------------------------------


def retraction_store(ledger: Any) -> UUID:
    """dan (5) mentors cat (3) in alpha (cadence 14): traditional, paired 2026-03-02.

    #1 03-09 30 min, #2 03-16 40 min, #3 03-23 50 min, #2 retracted,
    #4 04-06 20 min, #4 retracted. Latest `on`: 04-06. Both retractions are
    recorded today (2026-11-22), after every D asked below.
    """
    ledger.person("cat", 3)
    ledger.person("dan", 5)
    ledger.program("alpha", cadence_days=14)
    pairing = ledger.pair("dan", "cat", d(2026, 3, 2))
    ledger.meet(pairing, d(2026, 3, 9), 30)
    ledger.meet(pairing, d(2026, 3, 16), 40)
    ledger.meet(pairing, d(2026, 3, 23), 50)
    ledger.retract(pairing, 2)
    ledger.meet(pairing, d(2026, 4, 6), 20)
    ledger.retract(pairing, 4)
    return pairing


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # Slow path. Counted on or before 03-16: #1 only (#2 is retracted); last 03-09
        # -> 7 days quiet; duration 14 days.
        pytest.param(
            d(2026, 3, 16),
            engagement_group(
                "traditional",
                meetings=1,
                minutes=30,
                per_month=1 / 14 * 30,
                days_since=7,
                health="healthy",
            ),
            id="slow-retracted-meeting-day",
        ),
        # Slow path. #1 and #3: 2 meetings, 80 min; last 03-23 -> 8 days; duration 29.
        pytest.param(
            d(2026, 3, 31),
            engagement_group(
                "traditional",
                meetings=2,
                minutes=80,
                per_month=2 / 29 * 30,
                days_since=8,
                health="healthy",
            ),
            id="slow",
        ),
        # Fast path (D == latest `on`). #4 is retracted, so the last counted meeting
        # is still 03-23: 14 days quiet, healthy; duration 35.
        pytest.param(
            d(2026, 4, 6),
            engagement_group(
                "traditional",
                meetings=2,
                minutes=80,
                per_month=2 / 35 * 30,
                days_since=14,
                health="healthy",
            ),
            id="fast-latest-day",
        ),
        # Fast path. 244 days quiet (> 28: dormant); duration 265.
        pytest.param(
            d(2026, 11, 22),
            engagement_group(
                "traditional",
                meetings=2,
                minutes=80,
                per_month=2 / 265 * 30,
                days_since=244,
                health="dormant",
            ),
            id="fast-today",
        ),
    ],
)
def test_a_retracted_meeting_never_counts_whatever_d(
    ledger: Any, as_of: date, expected: dict[str, Any]
) -> None:
    retraction_store(ledger)
    assert ledger.views.engagement(as_of) == [expected]


def test_retracted_meetings_are_absent_from_monthly_counts_and_listings(ledger: Any) -> None:
    retraction_store(ledger)
    # Counted: #1 (03-09) and #3 (03-23); April's only meeting (#4) is retracted.
    assert ledger.views.monthly(d(2026, 11, 22)) == [month("2026-03", traditional=2)]
    [listed] = ledger.views.pairings()
    assert (listed["meetings"], listed["minutes"], listed["last_met_on"]) == (2, 80, "2026-03-23")


def test_at_risk_measures_quiet_days_from_the_last_counted_meeting(ledger: Any) -> None:
    pairing = retraction_store(ledger)
    # 04-10: last counted meeting 03-23 (04-06 is retracted) -> 18 days quiet: at risk.
    assert ledger.views.at_risk(d(2026, 4, 10)) == [
        {
            "id": str(pairing),
            "program": "alpha",
            "direction": "traditional",
            "mentor": "dan",
            "mentee": "cat",
            "mentor_name": "Dan",
            "mentee_name": "Cat",
            "health": "at_risk",
            "paired_on": d(2026, 3, 2),
            "last_met_on": d(2026, 3, 23),
            "days_quiet": 18,
            "cadence_days": 14,
        }
    ]


def test_a_retraction_recorded_later_changes_reports_for_an_earlier_d(ledger: Any) -> None:
    ledger.person("cat", 3)
    ledger.person("dan", 5)
    ledger.program("alpha", cadence_days=14)
    pairing = ledger.pair("dan", "cat", d(2026, 3, 2))
    ledger.meet(pairing, d(2026, 3, 9), 30)
    ledger.meet(pairing, d(2026, 3, 16), 40)
    ledger.meet(pairing, d(2026, 4, 20), 10)
    as_of = d(2026, 3, 20)  # slow path: the latest `on` is 04-20
    # Before the retraction: #1 and #2 -> 2 meetings, 70 min, 4 days quiet, duration 18.
    before = engagement_group(
        "traditional",
        meetings=2,
        minutes=70,
        per_month=2 / 18 * 30,
        days_since=4,
        health="healthy",
    )
    assert ledger.views.engagement(as_of) == [before]
    ledger.retract(pairing, 2)
    # After it (views caught up incrementally): #1 only -> 11 days quiet.
    after = engagement_group(
        "traditional",
        meetings=1,
        minutes=30,
        per_month=1 / 18 * 30,
        days_since=11,
        health="healthy",
    )
    assert ledger.views.engagement(as_of) == [after]
    assert ledger.views.monthly(as_of) == [month("2026-03", traditional=1)]


# C. Pairings and endings after D --------------------------------------------


def later_pairing_store(ledger: Any) -> tuple[UUID, UUID]:
    """alpha (cadence 14). p1: ann (7) mentors ben (3) from 02-02, met 02-16 (30 min),
    ended 04-01 mentee_withdrew. p2: fay (1) mentors dan (5), reverse, from 04-01,
    met 04-02 (45 min). Everyone joined 2020-01-06. Latest `on`: 04-02."""
    for employee_id, level in [("ann", 7), ("ben", 3), ("dan", 5), ("fay", 1)]:
        ledger.person(employee_id, level)
    ledger.program("alpha", cadence_days=14)
    p1 = ledger.pair("ann", "ben", d(2026, 2, 2))
    ledger.meet(p1, d(2026, 2, 16), 30)
    ledger.end(p1, d(2026, 4, 1), "mentee_withdrew")
    p2 = ledger.pair("fay", "dan", d(2026, 4, 1))
    ledger.meet(p2, d(2026, 4, 2), 45)
    return p1, p2


def test_before_a_pairing_starts_and_an_ending_happens_d_sees_neither(ledger: Any) -> None:
    p1, _ = later_pairing_store(ledger)
    views, as_of = ledger.views, d(2026, 3, 31)
    # p2 (04-01) does not exist yet; p1 ends 04-01, so it is active: 57 days, no dropout.
    assert tallied(views.retention(as_of)) == [
        retention_group("traditional", started=1, active=1, survival=(1.0, None, None, None))
    ]
    # p1: 1 meeting; 02-16 -> 03-31 is 43 days quiet (> 28: dormant).
    assert views.engagement(as_of) == [
        engagement_group(
            "traditional",
            meetings=1,
            minutes=30,
            per_month=1 / 57 * 30,
            days_since=43,
            health="dormant",
        )
    ]
    assert [(row["id"], row["health"], row["days_quiet"]) for row in views.at_risk(as_of)] == [
        (str(p1), "dormant", 43)
    ]
    # dan and fay are not paired yet; they joined 2020-01-06, before alpha launched
    # (2026-01-05), so their clock starts at the launch: not a year by D. (Was 2, 2, 2
    # when the clock started at joining.)
    assert views.participant_retention(as_of) == [
        people("traditional", "mentor", 1, 0, 0),
        people("traditional", "mentee", 1, 0, 0),
        people("never_paired", None, 2, 0, 0),
    ]
    assert views.monthly(as_of) == [month("2026-02", traditional=1)]


def test_on_the_day_of_the_ending_and_the_new_pairing_both_count(ledger: Any) -> None:
    later_pairing_store(ledger)
    views, as_of = ledger.views, d(2026, 4, 1)
    # p1 dropped out after 58 days: KM S(58) = 0, followed < 90 days, median 58.
    # p2 was paired today: 0 days followed, so no horizon is reached.
    assert tallied(views.retention(as_of)) == [
        retention_group(
            "traditional",
            started=1,
            dropped_out=1,
            reasons={"mentee_withdrew": 1},
            # Dropped out on day 58, the only pairing: S is known to be 0 after it (it was null).
            survival=(1.0, 0.0, 0.0, 0.0),
            median=58,
        ),
        retention_group("reverse", started=1, active=1),
    ]
    # Only p2 is active; its meeting (04-02) is after D: never met, 0/max(0,1)*30.
    assert views.engagement(as_of) == [
        engagement_group(
            "reverse",
            meetings=0,
            minutes=0,
            per_month=0.0,
            days_since=None,
            health="never_met",
        )
    ]
    # Never met but only 0 days old (<= 14): not flagged yet.
    assert views.at_risk(as_of) == []
    assert views.participant_retention(as_of) == [
        people("traditional", "mentor", 1, 0, 0),
        people("traditional", "mentee", 1, 0, 0),
        people("reverse", "mentor", 1, 0, 0),
        people("reverse", "mentee", 1, 0, 0),
        people("never_paired", None, 0, 0, 0),
    ]
    assert views.monthly(as_of) == [month("2026-02", traditional=1)]


def test_on_the_latest_day_the_fast_path_counts_the_last_meeting(ledger: Any) -> None:
    later_pairing_store(ledger)
    assert latest_on(ledger) == "2026-04-02"
    # p2: 1 meeting on D, 0 days quiet; duration 1 day, under one cadence (14), so
    # 1 / max(1, 14) * 30 (the rate now counts a pairing as at least one cadence old).
    assert ledger.views.engagement(d(2026, 4, 2)) == [
        engagement_group(
            "reverse",
            meetings=1,
            minutes=45,
            per_month=1 / 14 * 30,
            days_since=0,
            health="healthy",
        )
    ]
    assert ledger.views.monthly(d(2026, 4, 2)) == [
        month("2026-02", traditional=1),
        month("2026-04", reverse=1),
    ]


# D. Groupings, and the fast path against the slow path ------------------------


def grouping_store(ledger: Any) -> dict[str, UUID]:
    """alpha (cadence 14) and beta (cadence 30), both launched 2026-01-05.

    P1 alpha ann->ben  traditional 02-02 (Q1), ended 03-04 completed       (30 days)
    P2 beta  dan->cat  traditional 03-02 (Q1), ended 04-01 mismatch        (30 days)
    P3 beta  eve->fay  traditional 04-06 (Q2), active, met 04-20 60, 05-04 30
    P4 alpha gus->ann  reverse     05-04 (Q2), ended 06-03 mentor_withdrew (30 days)
    P5 alpha ben->cat  peer        06-01 (Q2), active, met 06-20 45
    Latest `on`: 06-20.
    """
    for employee_id, level in [
        ("ann", 7),
        ("ben", 3),
        ("cat", 3),
        ("dan", 5),
        ("eve", 5),
        ("fay", 1),
        ("gus", 1),
    ]:
        ledger.person(employee_id, level)
    ledger.program("alpha", cadence_days=14)
    ledger.program("beta", cadence_days=30)
    p1 = ledger.pair("ann", "ben", d(2026, 2, 2))
    ledger.end(p1, d(2026, 3, 4), "completed")
    p2 = ledger.pair("dan", "cat", d(2026, 3, 2), program="beta")
    ledger.end(p2, d(2026, 4, 1), "mismatch")
    p3 = ledger.pair("eve", "fay", d(2026, 4, 6), program="beta")
    ledger.meet(p3, d(2026, 4, 20), 60)
    ledger.meet(p3, d(2026, 5, 4), 30)
    p4 = ledger.pair("gus", "ann", d(2026, 5, 4))
    ledger.end(p4, d(2026, 6, 3), "mentor_withdrew")
    p5 = ledger.pair("ben", "cat", d(2026, 6, 1))
    ledger.meet(p5, d(2026, 6, 20), 45)
    return {"P1": p1, "P2": p2, "P3": p3, "P4": p4, "P5": p5}


GROUPING_DAY = d(2026, 6, 30)  # durations: P3 85 days, P5 29 days


def test_retention_by_program(ledger: Any) -> None:
    grouping_store(ledger)
    # alpha {P1 30 censored, P4 30 dropout, P5 29 censored}: day 30 has 2 at risk,
    # 1 dropout -> S = 0.5; longest follow-up 30 days. beta {P2 30 dropout, P3 85
    # censored}: day 30, 2 at risk, 1 dropout -> 0.5; longest 85 (< 90).
    assert tallied(ledger.views.retention(GROUPING_DAY, by="program")) == [
        retention_group(
            "alpha",
            started=3,
            active=1,
            completed=1,
            dropped_out=1,
            reasons={"mentor_withdrew": 1},
            survival=(0.5, None, None, None),
            median=30,
        ),
        retention_group(
            "beta",
            started=2,
            active=1,
            dropped_out=1,
            reasons={"mismatch": 1},
            survival=(0.5, None, None, None),
            median=30,
        ),
    ]


def test_retention_by_cohort(ledger: Any) -> None:
    grouping_store(ledger)
    # 2026-Q1 {P1 30 censored, P2 30 dropout}: S(30) = 1 - 1/2.
    # 2026-Q2 {P3 85 censored, P4 30 dropout, P5 29 censored}: at risk on day 30 are
    # P3 and P4 -> S(30) = 0.5; longest follow-up 85.
    assert tallied(ledger.views.retention(GROUPING_DAY, by="cohort")) == [
        retention_group(
            "2026-Q1",
            started=2,
            completed=1,
            dropped_out=1,
            reasons={"mismatch": 1},
            survival=(0.5, None, None, None),
            median=30,
        ),
        retention_group(
            "2026-Q2",
            started=3,
            active=2,
            dropped_out=1,
            reasons={"mentor_withdrew": 1},
            survival=(0.5, None, None, None),
            median=30,
        ),
    ]


def test_retention_by_direction_in_preferred_order(ledger: Any) -> None:
    grouping_store(ledger)
    # traditional {P1 30 c, P2 30 d, P3 85 c}: S(30) = 1 - 1/3 (> 0.5: no median).
    # reverse {P4 30 d}: S(30) = 0. peer {P5 29 c}: never followed 30 days.
    assert tallied(ledger.views.retention(GROUPING_DAY)) == [
        retention_group(
            "traditional",
            started=3,
            active=1,
            completed=1,
            dropped_out=1,
            reasons={"mismatch": 1},
            # The product of (n - d) / n, as Kaplan-Meier multiplies it: 1 * (3 - 1) / 3.
            survival=(1 * 2 / 3, None, None, None),
        ),
        retention_group(
            "reverse",
            started=1,
            dropped_out=1,
            reasons={"mentor_withdrew": 1},
            # Known to be 0 from its dropout on (it was null after day 30).
            survival=(0.0, 0.0, 0.0, 0.0),
            median=30,
        ),
        retention_group("peer", started=1, active=1),
    ]


def test_engagement_by_program_judges_health_against_each_programs_cadence(
    ledger: Any,
) -> None:
    grouping_store(ledger)
    # Active on 06-30: P5 (alpha, c=14) met 06-20 -> 10 days, healthy, 1/29*30;
    # P3 (beta, c=30) met 05-04 -> 57 days (30 < 57 <= 60): at risk, 2/85*30.
    assert ledger.views.engagement(GROUPING_DAY, by="program") == [
        engagement_group(
            "alpha",
            meetings=1,
            minutes=45,
            per_month=1 / 29 * 30,
            days_since=10,
            health="healthy",
        ),
        engagement_group(
            "beta",
            meetings=2,
            minutes=90,
            per_month=2 / 85 * 30,
            days_since=57,
            health="at_risk",
        ),
    ]
    assert ledger.views.engagement(GROUPING_DAY, by="direction") == [
        engagement_group(
            "traditional",
            meetings=2,
            minutes=90,
            per_month=2 / 85 * 30,
            days_since=57,
            health="at_risk",
        ),
        engagement_group(
            "peer",
            meetings=1,
            minutes=45,
            per_month=1 / 29 * 30,
            days_since=10,
            health="healthy",
        ),
    ]


def test_engagement_has_no_cohort_grouping(ledger: Any) -> None:
    grouping_store(ledger)
    with pytest.raises(ValueError, match="unknown grouping 'cohort'"):
        ledger.views.engagement(GROUPING_DAY, by="cohort")


def test_slow_path_gives_the_fast_path_figures_once_later_events_exist(
    ledger: Any, kit: Any
) -> None:
    pairings = grouping_store(ledger)
    assert latest_on(ledger) == "2026-06-20"  # D = 06-30 is read on the fast path
    fast = kit.reports(ledger.views, GROUPING_DAY)
    # Everything below is dated after D, so no figure as of D may change.
    ledger.meet(pairings["P3"], d(2026, 7, 6), 25)
    ledger.reverse(pairings["P5"], d(2026, 7, 10))
    ledger.end(pairings["P3"], d(2026, 7, 20), "completed")
    ledger.person("hal", 2, joined_on=d(2026, 7, 1))
    ledger.pair("dan", "hal", d(2026, 7, 1))
    ledger.leave("gus", d(2026, 8, 3))
    assert latest_on(ledger) == "2026-08-03"  # now D is read on the slow path
    slow = kit.reports(ledger.views, GROUPING_DAY)
    # hal, registered since, joined 2026-07-01, after D: in no group as of D (he used
    # to count as never paired, the one difference between the two reads).
    assert slow["participant_retention"][-1] == people("never_paired", None, 0, 0, 0)
    assert slow == fast
    # ...and the figures did move for a D after the new events.
    assert kit.reports(ledger.views, d(2026, 8, 3)) != fast


# E. Participant retention -----------------------------------------------------


def participant_store(ledger: Any) -> None:
    """Program `legacy` (cadence 30) launched 2024-01-08; joined 2020-01-06 unless told.

    P1 ann (7) -> ben (3)  traditional 2024-03-01   ben leaves 2024-12-02 (ends P1)
    P2 fay (1) -> dan (5)  reverse     2024-06-03   fay leaves 2025-06-03 (ends P2)
    P3 cat (3) -> gus (3)  peer        2024-09-02   dan leaves 2025-08-01
    P4 eve (5) -> hal (2)  traditional 2025-08-04   eve joined 2024-05-01, hal 2025-01-10
    """
    for employee_id, level in [("ann", 7), ("ben", 3), ("cat", 3), ("dan", 5), ("fay", 1)]:
        ledger.person(employee_id, level)
    ledger.person("gus", 3)
    ledger.person("eve", 5, joined_on=d(2024, 5, 1))
    ledger.person("hal", 2, joined_on=d(2025, 1, 10))
    ledger.program("legacy", cadence_days=30, on=d(2024, 1, 8))
    ledger.pair("ann", "ben", d(2024, 3, 1), program="legacy")
    ledger.pair("fay", "dan", d(2024, 6, 3), program="legacy")
    ledger.pair("cat", "gus", d(2024, 9, 2), program="legacy")
    assert len(ledger.leave("ben", d(2024, 12, 2))) == 1
    assert len(ledger.leave("fay", d(2025, 6, 3))) == 1
    assert ledger.leave("dan", d(2025, 8, 1)) == []
    ledger.pair("eve", "hal", d(2025, 8, 4), program="legacy")


def test_participant_retention_a_year_after_the_first_pairing(ledger: Any) -> None:
    participant_store(ledger)
    # As of 2025-06-30:
    #  ann: anniversary 2025-03-01, still here -> retained.
    #  ben: left 2024-12-02, before 2025-03-01 -> not retained.
    #  fay: anniversary 2025-06-03, left that very day (not after it) -> not retained.
    #  dan: anniversary 2025-06-03, leaves 2025-08-01 (after D) -> retained.
    #  cat, gus: anniversary 2025-09-02 > D -> not eligible.
    #  never paired as of D (P4 is 2025-08-04): eve (joined 2024-05-01, eligible,
    #  retained) and hal (joined 2025-01-10, not eligible).
    assert ledger.views.participant_retention(d(2025, 6, 30)) == [
        people("traditional", "mentor", 1, 1, 1),
        people("traditional", "mentee", 1, 1, 0),
        people("reverse", "mentor", 1, 1, 0),
        people("reverse", "mentee", 1, 1, 1),
        people("peer", "mentor", 1, 0, 0),
        people("peer", "mentee", 1, 0, 0),
        people("never_paired", None, 2, 1, 1),
    ]
    # As of 2025-09-30: eve and hal are paired (P4, not a year yet); cat and gus
    # reach their anniversary; dan's leaving (08-01) is after his (06-03).
    assert ledger.views.participant_retention(d(2025, 9, 30)) == [
        people("traditional", "mentor", 2, 1, 1),
        people("traditional", "mentee", 2, 1, 0),
        people("reverse", "mentor", 1, 1, 0),
        people("reverse", "mentee", 1, 1, 1),
        people("peer", "mentor", 1, 1, 1),
        people("peer", "mentee", 1, 1, 1),
        people("never_paired", None, 0, 0, 0),
    ]


def test_leaving_ends_the_pairing_as_a_dropout_from_that_day(ledger: Any) -> None:
    participant_store(ledger)
    # As of 2024-12-01 P1 is active (275 days followed); on 2024-12-02 ben's leaving
    # ends it: 276 days, left_organisation. P2 (182 days) and P3 (91 days) run on.
    before = tallied(ledger.views.retention(d(2024, 12, 1), by="program"))
    on_the_day = tallied(ledger.views.retention(d(2024, 12, 2), by="program"))
    assert before == [
        retention_group("legacy", started=3, active=3, survival=(1.0, 1.0, 1.0, None))
    ]
    # Day 276: at risk P1 only (P2 182, P3 91 days) -> S = 0; median 276.
    assert on_the_day == [
        retention_group(
            "legacy",
            started=3,
            active=2,
            dropped_out=1,
            reasons={"left_organisation": 1},
            # The last one at risk dropped out on day 276: S is known to be 0 (it was null).
            survival=(1.0, 1.0, 1.0, 0.0),
            median=276,
        )
    ]


def test_a_never_paired_person_without_a_joining_date_counts_from_registration(
    ledger: Any,
) -> None:
    # registered_on is the UTC date of the Registered event's timestamp: "now".
    ledger.program("legacy", on=d(2024, 1, 8))  # launched before ivy's registration
    before = datetime.now(UTC).date()
    ledger.person("ivy", 4, joined_on=None)
    after = datetime.now(UTC).date()  # the same day, unless midnight UTC passed
    # Registered after D, without a joining date, stands for joining after D.
    assert ledger.views.participant_retention(before - timedelta(days=1)) == [
        people("never_paired", None, 0, 0, 0)
    ]
    # A year is 365 days: 364 days after registering ivy is not eligible yet...
    assert ledger.views.participant_retention(before + timedelta(days=364)) == [
        people("never_paired", None, 1, 0, 0)
    ]
    # ...and 365 days after, she is, and still here.
    assert ledger.views.participant_retention(after + timedelta(days=365)) == [
        people("never_paired", None, 1, 1, 1)
    ]


def test_two_reversals_on_one_day_cancel_out_and_a_same_day_ending_lasts_zero_days(
    ledger: Any,
) -> None:
    """alpha (cadence 14). p1: ann (7) -> ben (3) from 03-02, reversed twice on 03-09,
    met 03-09 (30 min) and 03-20 (20 min). p2: ben (3) -> cat (3), peer, paired and
    ended (mismatch) on 03-02. Latest `on`: 03-20."""
    for employee_id, level in [("ann", 7), ("ben", 3), ("cat", 3)]:
        ledger.person(employee_id, level)
    ledger.program("alpha", cadence_days=14)
    p1 = ledger.pair("ann", "ben", d(2026, 3, 2))
    ledger.reverse(p1, d(2026, 3, 9))
    ledger.reverse(p1, d(2026, 3, 9))
    ledger.meet(p1, d(2026, 3, 9), 30)
    ledger.meet(p1, d(2026, 3, 20), 20)
    p2 = ledger.pair("ben", "cat", d(2026, 3, 2))
    ledger.end(p2, d(2026, 3, 2), "mismatch")
    as_of = d(2026, 3, 9)  # slow path
    # p1: both reversals count (even: traditional again), 1 meeting, 7 days old;
    # p2: a dropout after 0 days -> S(0) = 0, median 0; nobody followed 30 days.
    assert tallied(ledger.views.retention(as_of)) == [
        retention_group("traditional", started=1, active=1, reversed_=1),
        # Known to be 0 after its only pairing dropped out (it was null).
        retention_group(
            "peer",
            started=1,
            dropped_out=1,
            reasons={"mismatch": 1},
            median=0,
            survival=(0.0, 0.0, 0.0, 0.0),
        ),
    ]
    assert ledger.views.engagement(as_of) == [
        engagement_group(
            "traditional",
            meetings=1,
            minutes=30,
            per_month=1 / 14 * 30,  # 7 days old, under one cadence: 1 / max(7, 14) * 30
            days_since=0,
            health="healthy",
        )
    ]
    assert ledger.views.monthly(as_of) == [month("2026-03", traditional=1)]
    # Fast path on 03-20: the same, plus the second meeting (18 days old, 0 quiet).
    assert ledger.views.engagement(d(2026, 3, 20)) == [
        engagement_group(
            "traditional",
            meetings=2,
            minutes=50,
            per_month=2 / 18 * 30,
            days_since=0,
            health="healthy",
        )
    ]
    assert ledger.views.monthly(d(2026, 3, 20)) == [month("2026-03", traditional=2)]


def test_meetings_logged_out_of_date_order_keep_the_latest_as_last_met(ledger: Any) -> None:
    """alpha (cadence 14): ann (7) -> ben (3) from 03-02; the 03-20 meeting (40 min) is
    logged before the 03-09 one (25 min). The views see both in one batch."""
    ledger.person("ann", 7)
    ledger.person("ben", 3)
    ledger.program("alpha", cadence_days=14)
    pairing = ledger.pair("ann", "ben", d(2026, 3, 2))
    ledger.meet(pairing, d(2026, 3, 20), 40)
    ledger.meet(pairing, d(2026, 3, 9), 25)
    # Fast path on 03-31: last met 03-20 (not the later-logged 03-09) -> 11 days quiet;
    # 29 days old -> 2/29*30 a month.
    assert ledger.views.engagement(d(2026, 3, 31)) == [
        engagement_group(
            "traditional",
            meetings=2,
            minutes=65,
            per_month=2 / 29 * 30,
            days_since=11,
            health="healthy",
        )
    ]
    [listed] = ledger.views.pairings()
    assert (listed["meetings"], listed["minutes"], listed["last_met_on"]) == (2, 65, "2026-03-20")
    # Slow path on 03-15: only the 03-09 meeting -> 6 days quiet; 13 days old, under one
    # cadence, so 1 / max(13, 14) * 30 (the rate counts at least one cadence).
    assert ledger.views.engagement(d(2026, 3, 15)) == [
        engagement_group(
            "traditional",
            meetings=1,
            minutes=25,
            per_month=1 / 14 * 30,
            days_since=6,
            health="healthy",
        )
    ]
