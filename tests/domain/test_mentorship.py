"""A pairing's life: meetings, role reversals, ending, and retracting meetings.

The default pairing is alice (level 7) mentoring bob (level 3) in spring-2026,
paired on 2026-02-02; "today" is 2026-11-22.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidInput, NotAllowed
from domain.mentorship import (
    Direction,
    EndReason,
    MeetingRecord,
)

ACTOR = "hr.admin"


# Meetings.


def test_meetings_are_numbered_1_2_3_in_the_order_they_are_recorded(ledger, pair) -> None:
    pairing = pair()

    numbers = [
        ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 10), 45, "kick-off"),
        ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 3), 30),  # back-dated is fine
        ledger.log_meeting(ACTOR, pairing.id, date(2026, 4, 1), 60),
    ]

    assert numbers == [1, 2, 3]
    mentorship = ledger.get_pairing(pairing.id)
    assert mentorship.version == 4
    assert list(mentorship.meetings) == [
        MeetingRecord(1, date(2026, 3, 10)),
        MeetingRecord(2, date(2026, 3, 3)),
        MeetingRecord(3, date(2026, 4, 1)),
    ]
    assert mentorship.last_met_on == date(2026, 4, 1)
    # What was said stays in the events: the pairing keeps what its rules need.
    said = [(e.payload.minutes, e.payload.note) for e in ledger.history(pairing.id)[1:]]
    assert said == [(45, "kick-off"), (30, None), (60, None)]


@pytest.mark.parametrize("minutes", [0, 1441, -5, True, 2.5, "30", None])
def test_a_meeting_with_bad_minutes_is_refused(ledger, pair, refused, minutes) -> None:
    pairing = pair()

    with refused(InvalidInput, f"minutes must be a whole number from 1 to 1440, not {minutes!r}"):
        ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), minutes)

    assert list(ledger.get_pairing(pairing.id).meetings) == []


@pytest.mark.parametrize("minutes", [1, 1440])
def test_minutes_boundaries_1_and_1440_are_accepted(ledger, pair, minutes: int) -> None:
    pairing = pair()

    assert ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), minutes) == 1
    assert ledger.history(pairing.id)[1].payload.minutes == minutes


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (date(2026, 2, 1), "meeting date 2026-02-01 is before the pairing began on 2026-02-02"),
        (date(2026, 11, 23), "meeting date 2026-11-23 is in the future (today is 2026-11-22)"),
    ],
)
def test_a_meeting_dated_outside_the_pairing_is_refused(ledger, pair, refused, on, message):
    pairing = pair()

    with refused(InvalidInput, message):
        ledger.log_meeting(ACTOR, pairing.id, on, 30)


def test_meetings_on_the_pairing_day_and_today_are_accepted(ledger, pair) -> None:
    pairing = pair()

    ledger.log_meeting(ACTOR, pairing.id, date(2026, 2, 2), 30)
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 11, 22), 30)

    assert [m.on for m in ledger.get_pairing(pairing.id).meetings] == [
        date(2026, 2, 2),
        date(2026, 11, 22),
    ]


def test_a_date_after_the_pairing_ended_is_outside_it(ledger, pair, today) -> None:
    pairing = pair()
    ledger.end_pairing(ACTOR, pairing.id, date(2026, 5, 1), EndReason.COMPLETED)
    mentorship = ledger.get_pairing(pairing.id)

    with pytest.raises(
        InvalidInput, match=r"^meeting date 2026-05-02 is after the pairing ended on 2026-05-01$"
    ):
        mentorship.check_date(date(2026, 5, 2), today, "meeting date")
    mentorship.check_date(date(2026, 5, 1), today, "meeting date")


# Ending, and the ended pairing.


def test_ending_records_the_date_and_reason(ledger, pair) -> None:
    pairing = pair()

    ledger.end_pairing(ACTOR, pairing.id, date(2026, 5, 1), EndReason.MENTEE_WITHDREW, "busy")

    mentorship = ledger.get_pairing(pairing.id)
    assert (mentorship.is_active, mentorship.ended_on, mentorship.end_reason) == (
        False,
        date(2026, 5, 1),
        EndReason.MENTEE_WITHDREW,
    )
    assert ledger.history(pairing.id)[-1].payload.note == "busy"


def test_every_change_to_an_ended_pairing_is_refused(ledger, pair, refused) -> None:
    pairing = pair()
    ledger.end_pairing(ACTOR, pairing.id, date(2026, 5, 1), EndReason.COMPLETED)
    ended = "ended on 2026-05-01 (completed); it cannot change"

    with refused(NotAllowed, ended):
        ledger.log_meeting(ACTOR, pairing.id, date(2026, 4, 1), 30)
    with refused(NotAllowed, ended):
        ledger.log_meeting(ACTOR, pairing.id, date(2026, 5, 2), 30)
    with refused(NotAllowed, ended):
        ledger.reverse_roles(ACTOR, pairing.id, date(2026, 4, 1))
    with refused(NotAllowed, ended):
        ledger.end_pairing(ACTOR, pairing.id, date(2026, 5, 1), EndReason.MISMATCH)

    assert ledger.get_pairing(pairing.id).version == 2


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (date(2026, 2, 1), "end date 2026-02-01 is before the pairing began on 2026-02-02"),
        (date(2026, 11, 23), "end date 2026-11-23 is in the future (today is 2026-11-22)"),
        (
            date(2026, 3, 31),
            "end date 2026-03-31 is before the pairing's last activity on 2026-04-01",
        ),
    ],
)
def test_an_ending_dated_outside_the_pairing_is_refused(ledger, pair, refused, on, message):
    pairing = pair()
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 4, 1), 30)

    with refused(InvalidInput, message):
        ledger.end_pairing(ACTOR, pairing.id, on, EndReason.COMPLETED)

    assert ledger.get_pairing(pairing.id).is_active


def test_an_ending_before_the_last_reversal_is_refused(ledger, pair, refused) -> None:
    pairing = pair()
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30)
    ledger.reverse_roles(ACTOR, pairing.id, date(2026, 4, 1))

    with refused(InvalidInput, "before the pairing's last activity on 2026-04-01"):
        ledger.end_pairing(ACTOR, pairing.id, date(2026, 3, 15), EndReason.COMPLETED)

    ledger.end_pairing(ACTOR, pairing.id, date(2026, 4, 1), EndReason.COMPLETED)
    assert ledger.get_pairing(pairing.id).ended_on == date(2026, 4, 1)


# Role reversal.


@pytest.mark.parametrize(
    ("mentor", "mentee", "before", "after"),
    [
        ("alice", "bob", Direction.TRADITIONAL, Direction.REVERSE),
        ("bob", "alice", Direction.REVERSE, Direction.TRADITIONAL),
        ("bob", "carol", Direction.PEER, Direction.PEER),
    ],
)
def test_reversing_roles_swaps_mentor_and_mentee_and_flips_the_direction(
    ledger, pair, mentor, mentee, before, after
) -> None:
    pairing = pair(mentor, mentee)
    assert pairing.direction is before

    ledger.reverse_roles(ACTOR, pairing.id, date(2026, 3, 1), "bob teaches the new tools")

    mentorship = ledger.get_pairing(pairing.id)
    assert (mentorship.mentor, mentorship.mentee, mentorship.direction) == (mentee, mentor, after)
    assert mentorship.direction_at_pairing is before
    assert mentorship.reversals == [date(2026, 3, 1)]


def test_reversing_twice_restores_the_original_roles(ledger, pair) -> None:
    pairing = pair("alice", "bob")

    ledger.reverse_roles(ACTOR, pairing.id, date(2026, 3, 1))
    ledger.reverse_roles(ACTOR, pairing.id, date(2026, 3, 1))  # same day is not "before"

    mentorship = ledger.get_pairing(pairing.id)
    assert (mentorship.mentor, mentorship.mentee) == ("alice", "bob")
    assert mentorship.direction is Direction.TRADITIONAL
    assert mentorship.version == 3


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (
            date(2026, 3, 31),
            "reversal date 2026-03-31 is before the previous reversal on 2026-04-01",
        ),
        (date(2026, 2, 1), "reversal date 2026-02-01 is before the pairing began on 2026-02-02"),
        (date(2026, 11, 23), "reversal date 2026-11-23 is in the future (today is 2026-11-22)"),
    ],
)
def test_a_reversal_dated_out_of_order_is_refused(ledger, pair, refused, on, message) -> None:
    pairing = pair("alice", "bob")
    ledger.reverse_roles(ACTOR, pairing.id, date(2026, 4, 1))

    with refused(InvalidInput, message):
        ledger.reverse_roles(ACTOR, pairing.id, on)

    assert ledger.get_pairing(pairing.id).mentor == "bob"


# Retraction.


def test_a_retracted_meeting_stays_in_history_but_stops_counting(ledger, pair) -> None:
    pairing = pair()
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30)
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 4, 1), 45)  # logged on the wrong pairing
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 15), 20)

    ledger.retract_meeting("auditor", pairing.id, 2, "belongs to another pairing")

    mentorship = ledger.get_pairing(pairing.id)
    assert [m.number for m in mentorship.meetings] == [1, 2, 3]
    assert [m.retracted for m in mentorship.meetings] == [False, True, False]
    assert [m.number for m in mentorship.counted_meetings] == [1, 3]
    assert mentorship.last_met_on == date(2026, 3, 15)
    history = ledger.history(pairing.id)
    assert [type(e).__qualname__ for e in history][-2:] == [
        "Mentorship.Met",
        "Mentorship.MeetingRetracted",
    ]
    assert history[2].payload.minutes == 45
    assert history[-1].payload.reason == "belongs to another pairing"
    assert history[-1].actor == "auditor"


def test_the_next_meeting_after_a_retraction_gets_the_next_number(ledger, pair) -> None:
    pairing = pair()
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30)
    ledger.retract_meeting(ACTOR, pairing.id, 1, "typo")

    assert ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 2), 30) == 2
    assert ledger.get_pairing(pairing.id).last_met_on == date(2026, 3, 2)


def test_a_retracted_meeting_does_not_hold_back_the_end_date(ledger, pair) -> None:
    pairing = pair()
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 6, 1), 30)
    ledger.retract_meeting(ACTOR, pairing.id, 1, "wrong date")

    ledger.end_pairing(ACTOR, pairing.id, date(2026, 5, 1), EndReason.COMPLETED)

    assert ledger.get_pairing(pairing.id).ended_on == date(2026, 5, 1)


def test_a_meeting_of_an_ended_pairing_can_still_be_retracted(ledger, pair) -> None:
    pairing = pair()
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30)
    ledger.end_pairing(ACTOR, pairing.id, date(2026, 5, 1), EndReason.COMPLETED)

    ledger.retract_meeting(ACTOR, pairing.id, 1, "never happened")

    mentorship = ledger.get_pairing(pairing.id)
    assert mentorship.version == 4
    assert (mentorship.counted_meetings, mentorship.last_met_on) == ([], None)
    assert mentorship.end_reason is EndReason.COMPLETED


@pytest.mark.parametrize("number", [0, 3])
def test_retracting_a_meeting_that_does_not_exist_is_refused(ledger, pair, refused, number):
    pairing = pair()
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30)
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 2), 30)

    with refused(NotAllowed, f"pairing {pairing.id} has no meeting {number} (it has 2 recorded)"):
        ledger.retract_meeting(ACTOR, pairing.id, number, "oops")


def test_retracting_a_meeting_twice_is_refused(ledger, pair, refused) -> None:
    pairing = pair()
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30)
    ledger.retract_meeting(ACTOR, pairing.id, 1, "oops")

    with refused(NotAllowed, f"meeting 1 of pairing {pairing.id} is already retracted"):
        ledger.retract_meeting(ACTOR, pairing.id, 1, "oops again")

    assert ledger.get_pairing(pairing.id).version == 3


def test_a_retraction_without_a_reason_is_refused(ledger, pair, refused) -> None:
    pairing = pair()
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30)

    with refused(InvalidInput, "reason must not be empty"):
        ledger.retract_meeting(ACTOR, pairing.id, 1, " ")
