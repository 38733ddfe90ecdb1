"""Engagement groups, pairing health, the at-risk list and monthly meeting counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from projections.engagement import at_risk, engagement_groups, health, monthly_meetings
from projections.rows import MeetingRow, PairingRow

AS_OF = date(2026, 3, 1)


def days_ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def pairing(
    pairing_id: str = "p1",
    *,
    program: str = "alpha",
    mentor: str = "mentor",
    mentee: str = "mentee",
    direction: str = "traditional",
    paired_days_ago: int = 100,
    ended_on: date | None = None,
    reversals: int = 0,
    meetings: int = 0,
    minutes: int = 0,
    last_met_days_ago: int | None = None,
    cadence_days: int = 14,
) -> PairingRow:
    return PairingRow(
        id=pairing_id,
        program=program,
        mentor=mentor,
        mentee=mentee,
        direction=direction,
        paired_on=days_ago(paired_days_ago),
        ended_on=ended_on,
        end_reason=None if ended_on is None else "completed",
        reversals=reversals,
        meetings=meetings,
        minutes=minutes,
        last_met_on=None if last_met_days_ago is None else days_ago(last_met_days_ago),
        cadence_days=cadence_days,
    )


def met(days_quiet: int, pairing_id: str = "p1", *, cadence_days: int = 14) -> PairingRow:
    """An active pairing that last met `days_quiet` days before AS_OF."""
    return pairing(pairing_id, meetings=1, last_met_days_ago=days_quiet, cadence_days=cadence_days)


def meeting(on: date, direction: str) -> MeetingRow:
    return MeetingRow(pairing_id="p1", on=on, minutes=30, direction=direction)


@pytest.mark.parametrize(
    ("days_quiet", "expected"),
    [
        (0, "healthy"),
        (14, "healthy"),  # exactly c
        (15, "at_risk"),
        (28, "at_risk"),  # exactly 2c
        (29, "dormant"),
    ],
)
def test_health_compares_days_since_last_meeting_with_cadence(
    days_quiet: int, expected: str
) -> None:
    assert health(met(days_quiet, cadence_days=14), AS_OF) == expected


def test_health_is_never_met_without_meetings() -> None:
    assert health(pairing(meetings=0, paired_days_ago=400), AS_OF) == "never_met"


def test_engagement_group_sums_rates_quiet_days_and_health() -> None:
    rows = [
        # rate 4/60*30 = 2; quiet 10 <= 14: healthy
        pairing("a", paired_days_ago=60, meetings=4, minutes=120, last_met_days_ago=10),
        # rate 1/30*30 = 1; quiet 20 <= 28: at_risk
        pairing("b", paired_days_ago=30, meetings=1, minutes=30, last_met_days_ago=20),
        # rate 3/90*30 = 1; quiet 40 > 28: dormant
        pairing("c", paired_days_ago=90, meetings=3, minutes=90, last_met_days_ago=40),
        # rate 0: never met
        pairing("d", paired_days_ago=5),
        # ended, so not part of engagement at all
        pairing("e", ended_on=days_ago(1), meetings=50, minutes=900, last_met_days_ago=1),
    ]

    [group] = engagement_groups(rows, AS_OF)

    # mean rate (2 + 1 + 1 + 0) / 4 = 1; median quiet of 10, 20, 40 = 20
    assert list(group) == [
        "key",
        "pairings",
        "meetings",
        "minutes",
        "meetings_per_month",
        "days_since_last_meeting",
        "health",
    ]
    assert group == {
        "key": "traditional",
        "pairings": 4,
        "meetings": 8,
        "minutes": 240,
        "meetings_per_month": pytest.approx(1.0),
        "days_since_last_meeting": 20,
        "health": {"healthy": 1, "at_risk": 1, "dormant": 1, "never_met": 1},
    }
    assert list(group["health"]) == ["healthy", "at_risk", "dormant", "never_met"]


def test_meetings_per_month_counts_a_pairing_younger_than_its_cadence_as_one_cadence_old() -> None:
    rows = [
        # paired today, met today, cadence 14: 1 / max(0, 14) * 30 = 30/14
        pairing("a", paired_days_ago=0, meetings=1, last_met_days_ago=0),
        # 1 day old, met once, cadence 30: 1 / max(1, 30) * 30 = 1 (not 30 a month)
        pairing("b", paired_days_ago=1, meetings=1, last_met_days_ago=1, cadence_days=30),
        # 45 days old, met 3 times, cadence 30: 3 / max(45, 30) * 30 = 2
        pairing("c", paired_days_ago=45, meetings=3, last_met_days_ago=5, cadence_days=30),
    ]

    [group] = engagement_groups(rows, AS_OF)

    # mean (30/14 + 1 + 2) / 3 = (30/14 + 3) / 3
    assert group["meetings_per_month"] == pytest.approx((30 / 14 + 3) / 3)


def test_days_since_last_meeting_is_the_mean_of_the_middle_two_for_an_even_count() -> None:
    rows = [met(10, "a"), met(15, "b"), pairing("c")]

    [group] = engagement_groups(rows, AS_OF)

    # "c" never met so is left out: median of 10 and 15 = 12.5
    assert group["days_since_last_meeting"] == 12.5


def test_days_since_last_meeting_is_none_when_no_pairing_has_met() -> None:
    [group] = engagement_groups([pairing("a"), pairing("b")], AS_OF)

    assert group["days_since_last_meeting"] is None


def test_engagement_groups_by_current_direction_after_odd_reversals() -> None:
    rows = [
        pairing("a", direction="traditional", reversals=1),  # now reverse
        pairing("b", direction="reverse", reversals=2),  # still reverse
        pairing("c", direction="peer", reversals=1),  # peer stays peer
        pairing("d", direction="reverse", reversals=3),  # now traditional
        pairing("e", direction="traditional", reversals=1),  # now reverse
    ]

    groups = engagement_groups(rows, AS_OF)

    # By direction at pairing it would be traditional 2, reverse 2, peer 1.
    assert [(g["key"], g["pairings"]) for g in groups] == [
        ("traditional", 1),
        ("reverse", 3),
        ("peer", 1),
    ]


def test_engagement_groups_by_program_in_sorted_order() -> None:
    rows = [
        pairing("a", program="zeta"),
        pairing("b", program="beta"),
        pairing("c", program="zeta"),
    ]

    groups = engagement_groups(rows, AS_OF, by="program")

    assert [(g["key"], g["pairings"]) for g in groups] == [("beta", 1), ("zeta", 2)]


def test_engagement_leaves_out_ended_pairings_entirely() -> None:
    assert engagement_groups([pairing(ended_on=days_ago(3))], AS_OF) == []


def test_engagement_rejects_an_unknown_grouping() -> None:
    with pytest.raises(ValueError, match="cohort"):
        engagement_groups([pairing()], AS_OF, by="cohort")


def test_never_met_pairing_is_at_risk_only_after_one_cadence() -> None:
    rows = [
        pairing("exactly_c", paired_days_ago=14, cadence_days=14),
        pairing("past_c", paired_days_ago=15, cadence_days=14),
    ]

    flagged = at_risk(rows, AS_OF)

    assert [(entry["id"], entry["health"], entry["days_quiet"]) for entry in flagged] == [
        ("past_c", "never_met", 15),
    ]


def test_at_risk_leaves_out_healthy_and_ended_pairings() -> None:
    rows = [
        met(14, "healthy", cadence_days=14),
        pairing("ended", ended_on=days_ago(1), meetings=1, last_met_days_ago=90),
        met(15, "quiet", cadence_days=14),
    ]

    assert [entry["id"] for entry in at_risk(rows, AS_OF)] == ["quiet"]


def test_at_risk_entry_shows_current_roles_after_an_odd_number_of_reversals() -> None:
    row = pairing(
        "p1",
        program="graduates",
        mentor="ann",
        mentee="bob",
        direction="traditional",
        reversals=1,
        paired_days_ago=100,
        meetings=2,
        last_met_days_ago=20,
        cadence_days=14,
    )

    [entry] = at_risk([row], AS_OF)

    assert entry == {
        "id": "p1",
        "program": "graduates",
        "direction": "reverse",
        "mentor": "bob",
        "mentee": "ann",
        "health": "at_risk",
        "paired_on": date(2025, 11, 21),
        "last_met_on": date(2026, 2, 9),
        "days_quiet": 20,
        "cadence_days": 14,
    }


@pytest.mark.parametrize(
    ("direction", "reversals", "expected"),
    [
        ("traditional", 2, ("traditional", "ann", "bob")),
        ("peer", 1, ("peer", "bob", "ann")),
    ],
)
def test_at_risk_roles_swap_only_on_odd_reversals_even_for_peers(
    direction: str, reversals: int, expected: tuple[str, str, str]
) -> None:
    row = pairing(mentor="ann", mentee="bob", direction=direction, reversals=reversals)

    [entry] = at_risk([row], AS_OF)

    assert (entry["direction"], entry["mentor"], entry["mentee"]) == expected


def test_at_risk_lists_the_worst_first() -> None:
    rows = [
        met(14, "e", cadence_days=7),  # 14/7 = 2.0
        met(20, "b", cadence_days=10),  # 20/10 = 2.0
        met(25, "a", cadence_days=10),  # 25/10 = 2.5
        met(14, "d", cadence_days=7),  # 14/7 = 2.0
        met(40, "c", cadence_days=20),  # 40/20 = 2.0
    ]

    flagged = at_risk(rows, AS_OF)

    # Ratio first (a), then more quiet days (c 40, b 20, d/e 14), then id (d, e).
    assert [entry["id"] for entry in flagged] == ["a", "c", "b", "d", "e"]


def test_monthly_meetings_count_each_direction_per_calendar_month() -> None:
    meetings = [
        meeting(date(2026, 1, 5), "traditional"),
        meeting(date(2026, 1, 31), "reverse"),
        meeting(date(2025, 12, 31), "peer"),
        meeting(date(2026, 1, 20), "traditional"),
        meeting(date(2026, 3, 1), "traditional"),
    ]

    months = monthly_meetings(meetings)

    # February had no meetings, so it has no row.
    assert months == [
        {"key": "2025-12", "traditional": 0, "reverse": 0, "peer": 1, "total": 1},
        {"key": "2026-01", "traditional": 2, "reverse": 1, "peer": 0, "total": 3},
        {"key": "2026-03", "traditional": 1, "reverse": 0, "peer": 0, "total": 1},
    ]
    assert list(months[0]) == ["key", "traditional", "reverse", "peer", "total"]


def test_monthly_meetings_of_nothing_is_empty() -> None:
    assert monthly_meetings([]) == []


def test_monthly_meetings_reject_an_unknown_direction() -> None:
    with pytest.raises(ValueError, match="sideways"):
        monthly_meetings([meeting(date(2026, 1, 1), "sideways")])
