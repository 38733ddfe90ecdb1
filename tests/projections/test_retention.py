"""Retention report groups and participant retention, from plain rows."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest

from projections.participants import participant_retention
from projections.retention import retention_groups
from projections.rows import PairingRow, PersonRow

AS_OF = date(2026, 6, 1)
LAUNCH = date(2023, 1, 2)  # the first program: before every date below unless told


def pairing(
    pairing_id: str = "p1",
    *,
    program: str = "alpha",
    mentor: str = "mentor",
    mentee: str = "mentee",
    direction: str = "traditional",
    paired_on: date = date(2026, 1, 1),
    ended_on: date | None = None,
    end_reason: str | None = None,
    reversals: int = 0,
) -> PairingRow:
    return PairingRow(
        id=pairing_id,
        program=program,
        mentor=mentor,
        mentee=mentee,
        direction=direction,
        paired_on=paired_on,
        ended_on=ended_on,
        end_reason=end_reason,
        reversals=reversals,
        meetings=0,
        minutes=0,
        last_met_on=None,
        cadence_days=14,
    )


def lasting(
    pairing_id: str, days: int, end_reason: str | None = None, *, reversals: int = 0
) -> PairingRow:
    """A pairing that lasted `days` up to AS_OF: ended then if given a reason, else active."""
    return pairing(
        pairing_id,
        paired_on=AS_OF - timedelta(days=days),
        ended_on=None if end_reason is None else AS_OF,
        end_reason=end_reason,
        reversals=reversals,
    )


def person(
    person_id: str,
    *,
    registered_on: date = date(2024, 1, 1),
    joined_on: date | None = None,
    left_on: date | None = None,
) -> PersonRow:
    return PersonRow(
        id=person_id, joined_on=joined_on, registered_on=registered_on, left_on=left_on
    )


def loglog(survival: float, greenwood: float) -> list[Any]:
    """The 95% log(-log) interval: S ** exp(-+1.96 sqrt(V) / |ln S|)."""
    spread = 1.959963984540054 * math.sqrt(greenwood) / -math.log(survival)
    return [
        pytest.approx(survival ** math.exp(spread)),
        pytest.approx(survival ** math.exp(-spread)),
    ]


def test_worked_example_gives_counts_survival_and_median() -> None:
    rows = [
        lasting("a", 10, "mentee_withdrew"),
        lasting("b", 20, "mentor_withdrew", reversals=1),
        lasting("c", 20, "mentee_withdrew"),
        lasting("d", 20, "completed"),  # censored exactly on a dropout day
        lasting("e", 35, reversals=2),
        lasting("f", 40, "left_organisation"),
        lasting("g", 50, "completed"),
        lasting("h", 100),
    ]

    [group] = retention_groups(rows, AS_OF)

    # KM: S(10)=7/8, S(20)=7/8*5/7=0.625 (n=7, d=2), S(40)=0.625*2/3=5/12 (n=3).
    # Greenwood sums: V(20) = 1/(8*7) + 2/(7*5) = 3/40; V(40) = 3/40 + 1/(3*2) = 29/120.
    # Longest follow-up is 100 days, so 180 and 365 are unknown.
    assert list(group) == [
        "key",
        "started",
        "active",
        "completed",
        "closed_with_program",
        "dropped_out",
        "dropout_reasons",
        "reversed",
        "survival",
        "median_days_to_dropout",
        "survival_ci",
        "at_risk",
        "few_at_risk",
        "median_ci",
    ]
    assert group == {
        "key": "traditional",
        "started": 8,
        "active": 2,
        "completed": 2,
        "closed_with_program": 0,
        "dropped_out": 4,
        "dropout_reasons": {"left_organisation": 1, "mentee_withdrew": 2, "mentor_withdrew": 1},
        "reversed": 2,
        "survival": pytest.approx({"30": 0.625, "90": 5 / 12, "180": None, "365": None}),
        "median_days_to_dropout": 40,
        "survival_ci": {
            "30": loglog(0.625, 3 / 40),
            "90": loglog(5 / 12, 29 / 120),
            "180": None,
            "365": None,
        },
        "at_risk": {"30": 4, "90": 1, "180": 0, "365": 0},  # e, f, g, h; then h
        "few_at_risk": {"30": True, "90": True, "180": True, "365": True},
        # The lower band is 0.387 on day 10 already; the upper one stays above 1/2.
        "median_ci": [10, None],
    }
    assert list(group["survival"]) == ["30", "90", "180", "365"]


def test_dropout_reasons_list_only_occurring_reasons_sorted_by_name() -> None:
    rows = [
        lasting("a", 5, "mismatch"),
        lasting("b", 6, "left_organisation"),
        lasting("c", 7, "mismatch"),
        lasting("d", 8, "completed"),
    ]

    [group] = retention_groups(rows, AS_OF)

    # "completed" is not a dropout, so it is not a dropout reason.
    assert list(group["dropout_reasons"].items()) == [("left_organisation", 1), ("mismatch", 2)]


def test_median_is_none_when_fewer_than_half_drop_out() -> None:
    rows = [lasting("a", 10, "mismatch"), lasting("b", 400), lasting("c", 400)]

    [group] = retention_groups(rows, AS_OF)

    # S(10) = 1 - 1/3 = 2/3 and stays there.
    assert group["median_days_to_dropout"] is None
    assert group["survival"] == pytest.approx(
        {"30": 2 / 3, "90": 2 / 3, "180": 2 / 3, "365": 2 / 3}
    )


def test_direction_groups_come_in_fixed_order_without_empty_ones() -> None:
    rows = [
        pairing("a", direction="peer"),
        pairing("b", direction="traditional"),
        pairing("c", direction="peer"),
    ]

    groups = retention_groups(rows, AS_OF)

    assert [(g["key"], g["started"]) for g in groups] == [("traditional", 1), ("peer", 2)]


def test_direction_groups_use_the_direction_at_pairing_and_count_reversals() -> None:
    rows = [
        pairing("a", direction="traditional", reversals=1),
        pairing("b", direction="traditional", reversals=0),
        pairing("c", direction="reverse", reversals=3),
    ]

    groups = retention_groups(rows, AS_OF)

    assert [(g["key"], g["started"], g["reversed"]) for g in groups] == [
        ("traditional", 2, 1),
        ("reverse", 1, 1),
    ]


def test_program_groups_are_keyed_by_slug_in_sorted_order() -> None:
    rows = [
        pairing("a", program="zeta"),
        pairing("b", program="alpha"),
        pairing("c", program="zeta"),
    ]

    groups = retention_groups(rows, AS_OF, by="program")

    assert [(g["key"], g["started"]) for g in groups] == [("alpha", 1), ("zeta", 2)]


def test_cohort_groups_are_quarters_of_the_pairing_date() -> None:
    rows = [
        pairing("a", paired_on=date(2026, 4, 1)),
        pairing("b", paired_on=date(2026, 3, 31)),
        pairing("c", paired_on=date(2025, 12, 31)),
        pairing("d", paired_on=date(2026, 1, 1)),
    ]

    groups = retention_groups(rows, AS_OF, by="cohort")

    assert [(g["key"], g["started"]) for g in groups] == [
        ("2025-Q4", 1),
        ("2026-Q1", 2),
        ("2026-Q2", 1),
    ]


def test_unknown_grouping_is_rejected() -> None:
    with pytest.raises(ValueError, match="mentor"):
        retention_groups([pairing()], AS_OF, by="mentor")


def test_no_pairings_give_no_groups() -> None:
    assert retention_groups([], AS_OF, by="cohort") == []


def test_participant_is_eligible_exactly_one_year_after_first_pairing() -> None:
    as_of = date(2026, 1, 1)
    rows = [
        pairing("a", mentor="on_time", paired_on=date(2025, 1, 1)),  # +365 = 2026-01-01
        pairing("b", mentor="a_day_short", paired_on=date(2025, 1, 2)),  # +365 = 2026-01-02
    ]
    people = [person("on_time"), person("a_day_short"), person("mentee")]

    groups = participant_retention(rows, people, as_of, first_launch=LAUNCH)

    mentors = groups[0]
    assert mentors == {
        "key": "traditional",
        "role": "mentor",
        "people": 2,
        "eligible": 1,
        "retained": 1,
        "share": 1.0,
    }


def test_leaving_on_the_anniversary_is_not_retained_but_the_day_after_is() -> None:
    first = date(2024, 3, 1)
    anniversary = first + timedelta(days=365)
    rows = [
        pairing("a", mentee="left_on_anniversary", paired_on=first),
        pairing("b", mentee="left_day_after", paired_on=first),
    ]
    people = [
        person("mentor"),
        person("left_on_anniversary", left_on=anniversary),
        person("left_day_after", left_on=anniversary + timedelta(days=1)),
    ]

    groups = participant_retention(rows, people, AS_OF, first_launch=LAUNCH)

    mentees = groups[1]
    assert (mentees["role"], mentees["eligible"], mentees["retained"], mentees["share"]) == (
        "mentee",
        2,
        1,
        0.5,
    )


def test_clock_starts_at_the_first_pairing_in_that_role_and_direction() -> None:
    as_of = date(2025, 3, 1)
    rows = [
        pairing("later", mentor="x", paired_on=date(2025, 2, 1)),
        pairing("earlier", mentor="x", paired_on=date(2024, 1, 1)),
    ]

    groups = participant_retention(
        rows, [person("x"), person("mentee")], as_of, first_launch=LAUNCH
    )

    # Only the 2024-01-01 start is a year old by 2025-03-01.
    assert (groups[0]["role"], groups[0]["people"], groups[0]["eligible"]) == ("mentor", 1, 1)


def test_participant_groups_use_roles_as_paired_and_skip_empty_groups() -> None:
    rows = [
        pairing("a", mentor="ann", mentee="bob", direction="reverse", reversals=1),
        pairing("b", mentor="cat", mentee="dan", direction="peer"),
    ]

    groups = participant_retention(rows, [], AS_OF, first_launch=LAUNCH)

    # The reversal does not move ann out of the reverse-mentor group.
    assert [(g["key"], g["role"], g["people"]) for g in groups] == [
        ("reverse", "mentor", 1),
        ("reverse", "mentee", 1),
        ("peer", "mentor", 1),
        ("peer", "mentee", 1),
        ("never_paired", None, 0),
    ]


def test_never_paired_clock_starts_at_joining_else_registration() -> None:
    as_of = date(2025, 3, 1)
    people = [
        # Joined long before being registered: eligible by joining date; left
        # 2025-01-05, after the 2024-12-31 anniversary.
        person(
            "joined_early",
            joined_on=date(2024, 1, 1),
            registered_on=date(2025, 1, 1),
            left_on=date(2025, 1, 5),
        ),
        # No joining date: registered 2024-01-01, left on the anniversary.
        person("registered_early", registered_on=date(2024, 1, 1), left_on=date(2024, 12, 31)),
        # No joining date, registered too recently to be eligible.
        person("registered_late", registered_on=date(2024, 6, 1)),
        person("mentor"),
        person("mentee"),
    ]
    rows = [pairing("a", paired_on=date(2025, 2, 1))]

    never_paired = participant_retention(rows, people, as_of, first_launch=LAUNCH)[-1]

    assert never_paired == {
        "key": "never_paired",
        "role": None,
        "people": 3,
        "eligible": 2,
        "retained": 1,
        "share": 0.5,
    }


def test_never_paired_clock_starts_no_earlier_than_the_first_program_launch() -> None:
    as_of, launch = date(2025, 7, 1), date(2024, 6, 1)
    people = [
        # Joined 2015, before any program: the clock starts at the launch (2024-06-01),
        # anniversary 2025-06-01 <= D; left 2025-03-01, before it -> not retained.
        person("veteran_left", joined_on=date(2015, 1, 1), left_on=date(2025, 3, 1)),
        # Joined 2010, still here: start 2024-06-01 -> eligible, retained.
        person("veteran", joined_on=date(2010, 1, 1)),
        # No joining date, registered 2023-01-01: the later of that and the launch,
        # 2024-06-01 -> eligible, retained.
        person("no_date", registered_on=date(2023, 1, 1)),
        # Joined after the launch: own date 2024-09-01, anniversary 2025-09-01 > D.
        person("newcomer", joined_on=date(2024, 9, 1)),
    ]

    never_paired = participant_retention([], people, as_of, first_launch=launch)[-1]

    # eligible: veteran_left, veteran, no_date = 3; retained: veteran, no_date = 2
    assert never_paired == {
        "key": "never_paired",
        "role": None,
        "people": 4,
        "eligible": 3,
        "retained": 2,
        "share": 2 / 3,
    }


def test_people_who_joined_after_d_are_in_no_group() -> None:
    as_of = date(2025, 6, 1)
    rows = [
        # A pairing dated before its mentee's recorded joining date (a backdated or
        # corrected record): the mentee joined after D, so is not counted.
        pairing("a", mentor="mentor", mentee="joins_later", paired_on=date(2024, 3, 1)),
    ]
    people = [
        person("mentor", joined_on=date(2020, 1, 1)),
        person("joins_later", joined_on=date(2025, 7, 1)),
        person("joins_on_d", joined_on=as_of),  # joined on D: counted, not yet eligible
        person("joins_the_day_after", joined_on=as_of + timedelta(days=1)),
        # No joining date: registered after D stands for joining after D...
        person("registered_after", registered_on=date(2025, 8, 1)),
    ]

    groups = participant_retention(rows, people, as_of, first_launch=date(2024, 1, 1))

    # mentor: first pairing 2024-03-01, anniversary 2025-03-01 <= D, still here.
    # The mentee group is empty once joins_later is left out, so it is skipped.
    assert [(g["key"], g["role"], g["people"], g["eligible"], g["retained"]) for g in groups] == [
        ("traditional", "mentor", 1, 1, 1),
        ("never_paired", None, 1, 0, 0),  # joins_on_d only
    ]


def test_a_pairing_by_d_shows_a_person_without_a_joining_date_was_already_here() -> None:
    as_of = date(2025, 6, 1)
    rows = [pairing("a", mentor="mentor", mentee="recorded_late", paired_on=date(2024, 3, 1))]
    people = [
        person("mentor", joined_on=date(2020, 1, 1)),
        # Registered after D with no joining date, but paired 2024-03-01: still counted.
        person("recorded_late", registered_on=date(2025, 8, 1)),
    ]

    groups = participant_retention(rows, people, as_of, first_launch=date(2024, 1, 1))

    # Both: first pairing 2024-03-01, anniversary 2025-03-01 <= D, still here.
    assert [(g["role"], g["people"], g["eligible"], g["retained"]) for g in groups] == [
        ("mentor", 1, 1, 1),
        ("mentee", 1, 1, 1),
        (None, 0, 0, 0),
    ]


def test_without_a_program_launched_by_d_no_never_paired_clock_has_started() -> None:
    people = [person("veteran", joined_on=date(2010, 1, 1))]

    never_paired = participant_retention([], people, date(2025, 6, 1), first_launch=None)[-1]

    # Nobody could have been paired yet: counted, but nobody is eligible.
    assert (never_paired["people"], never_paired["eligible"], never_paired["share"]) == (
        1,
        0,
        None,
    )


def test_share_is_none_when_nobody_is_eligible_yet() -> None:
    rows = [pairing("a", paired_on=date(2026, 1, 1))]

    groups = participant_retention(
        rows, [person("mentor"), person("mentee")], AS_OF, first_launch=LAUNCH
    )

    assert [(g["eligible"], g["share"]) for g in groups] == [(0, None), (0, None), (0, None)]

