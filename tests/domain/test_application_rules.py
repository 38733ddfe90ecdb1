"""Rules that span aggregates or every command: who and what may be paired,
what must exist, who recorded what and when, and how user input is read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from domain.dates import parse_date
from domain.errors import InvalidInput, NotAllowed, NotFound
from domain.mentorship import (
    Direction,
    Ending,
    EndReason,
    Mentorship,
    Pairing,
    pairing_id,
)
from domain.person import person_id
from domain.validation import build

ACTOR = "hr.admin"
PROGRAM = "spring-2026"
ON = date(2026, 3, 1)
NO_SUCH_PAIRING = UUID("00000000-0000-4000-8000-000000000000")


# What must exist.


@pytest.mark.parametrize(
    ("program", "mentor", "mentee", "message"),
    [
        ("autumn", "alice", "bob", "unknown program 'autumn'"),
        (PROGRAM, "zoe", "bob", "unknown person 'zoe'"),
        (PROGRAM, "alice", "zoe", "unknown person 'zoe'"),
    ],
)
def test_pairing_needs_a_known_program_and_known_people(
    ledger, refused, program, mentor, mentee, message
) -> None:
    with refused(NotFound, message):
        ledger.pair(ACTOR, program, mentor, mentee, ON)


def test_every_pairing_command_needs_a_known_pairing(ledger, refused) -> None:
    message = f"unknown pairing {NO_SUCH_PAIRING}"
    commands = [
        lambda: ledger.get_pairing(NO_SUCH_PAIRING),
        lambda: ledger.history(NO_SUCH_PAIRING),
        lambda: ledger.log_meeting(ACTOR, NO_SUCH_PAIRING, ON, 30),
        lambda: ledger.reverse_roles(ACTOR, NO_SUCH_PAIRING, ON),
        lambda: ledger.end_pairing(ACTOR, NO_SUCH_PAIRING, ON, EndReason.COMPLETED),
        lambda: ledger.retract_meeting(ACTOR, NO_SUCH_PAIRING, 1, "oops"),
    ]
    for command in commands:
        with refused(NotFound, message):
            command()


def test_a_person_id_is_not_a_pairing(ledger, refused) -> None:
    alice = person_id("alice")

    with refused(NotFound, f"unknown pairing {alice}"):
        ledger.log_meeting(ACTOR, alice, ON, 30)


# Who may be paired.


def test_a_person_who_left_cannot_be_paired(ledger, refused) -> None:
    ledger.record_leaving(ACTOR, "bob", on=date(2026, 6, 30))

    with refused(NotAllowed, "bob left the organisation on 2026-06-30"):
        ledger.pair(ACTOR, PROGRAM, "alice", "bob", ON)
    with refused(NotAllowed, "bob left the organisation on 2026-06-30"):
        ledger.pair(ACTOR, PROGRAM, "bob", "alice", ON)


def test_leaving_ends_even_pairings_the_views_do_not_know_of(ledger, refused) -> None:
    # Paired behind the fake port's back: the person's own record of their
    # pairings is enough for leaving to end it.
    untracked = ledger.pair(ACTOR, PROGRAM, "alice", "bob", date(2026, 2, 2))
    ledger.record_leaving(ACTOR, "bob", on=date(2026, 6, 30))

    with refused(NotAllowed, "ended on 2026-06-30 (left_organisation)"):
        ledger.log_meeting(ACTOR, untracked.id, date(2026, 6, 1), 30)

    assert ledger.get_pairing(untracked.id).version == 2


def test_a_person_cannot_be_paired_with_themselves(ledger, refused) -> None:
    with refused(NotAllowed, "cannot pair alice with themselves"):
        ledger.pair(ACTOR, PROGRAM, "alice", "alice", ON)
    same = Pairing(program=PROGRAM, mentor="al", mentee="al", direction=Direction.PEER, on=ON)
    with pytest.raises(NotAllowed, match=r"^cannot pair al with themselves$"):
        Mentorship.pair(ACTOR, same, 1)


@pytest.mark.parametrize(("mentor", "mentee"), [("alice", "bob"), ("bob", "alice")])
def test_two_people_have_at_most_one_active_pairing_per_program_in_either_role(
    ledger, pair, refused, mentor, mentee
) -> None:
    first = pair("alice", "bob")

    with refused(
        NotAllowed, f"{mentor} and {mentee} already have an active pairing in {PROGRAM}: {first.id}"
    ):
        ledger.pair(ACTOR, PROGRAM, mentor, mentee, ON)


def test_the_same_two_people_can_be_paired_again_after_the_first_pairing_ended(
    ledger, pair
) -> None:
    first = pair("alice", "bob")
    ledger.end_pairing(ACTOR, first.id, date(2026, 5, 1), EndReason.COMPLETED)

    second = pair("bob", "alice", on=date(2026, 6, 1))

    assert first.id == pairing_id(PROGRAM, "alice", "bob", 1)
    assert second.id == pairing_id(PROGRAM, "bob", "alice", 2)
    assert second.id != first.id
    assert (second.mentor, second.mentee, second.is_active) == ("bob", "alice", True)
    assert ledger.get_pairing(first.id).ended_on == date(2026, 5, 1)


def test_the_same_two_people_can_be_paired_in_another_program(ledger, pair) -> None:
    ledger.launch_program(ACTOR, slug="buddies", name="Buddies", on=date(2026, 1, 5))
    first = pair("alice", "bob")

    other = pair("alice", "bob", program="buddies")

    assert other.id == pairing_id("buddies", "alice", "bob", 1) != first.id
    assert ledger.get_pairing(first.id).is_active
    assert ledger.get_pairing(other.id).program == "buddies"


def test_pairing_ids_do_not_depend_on_who_is_mentor() -> None:
    assert pairing_id(PROGRAM, "alice", "bob", 1) == pairing_id(PROGRAM, "bob", "alice", 1)
    assert pairing_id(PROGRAM, "alice", "bob", 1) != pairing_id(PROGRAM, "alice", "bob", 2)


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (date(2026, 1, 4), "pairing date 2026-01-04 is before program spring-2026 was launched"),
        (date(2026, 2, 28), "pairing date 2026-02-28 is before erin joined on 2026-03-01"),
        (date(2026, 11, 23), "pairing date 2026-11-23 is in the future (today is 2026-11-22)"),
    ],
)
def test_a_pairing_date_must_fit_the_program_and_the_people(ledger, refused, on, message):
    with refused(InvalidInput, message):
        ledger.pair(ACTOR, PROGRAM, "alice", "erin", on)


# Direction.


@pytest.mark.parametrize(
    ("mentor", "mentee", "direction", "levels"),
    [
        ("alice", "bob", Direction.TRADITIONAL, (7, 3)),
        ("bob", "alice", Direction.REVERSE, (3, 7)),
        ("bob", "carol", Direction.PEER, (3, 3)),
    ],
)
def test_the_direction_is_derived_from_the_levels(ledger, pair, mentor, mentee, direction, levels):
    mentorship = pair(mentor, mentee)

    assert mentorship.direction is direction
    paired = ledger.history(mentorship.id)[0].payload
    assert (paired.direction, paired.mentor_level, paired.mentee_level) == (direction, *levels)


def test_without_a_level_the_direction_must_be_given(ledger, pair, refused) -> None:
    with refused(NotAllowed, "dave has no level, so the direction cannot be derived"):
        ledger.pair(ACTOR, PROGRAM, "alice", "dave", ON)

    mentorship = pair("alice", "dave", direction=Direction.TRADITIONAL)

    assert mentorship.direction is Direction.TRADITIONAL


def test_an_explicit_direction_overrides_the_levels(pair) -> None:
    assert pair("alice", "bob", direction=Direction.PEER).direction is Direction.PEER
    assert pair("bob", "carol", direction=Direction.REVERSE).direction is Direction.REVERSE


# Who recorded what, and when.


def test_every_event_records_the_actor_and_a_utc_timestamp(empty_ledger) -> None:
    app = empty_ledger
    started = datetime.now(UTC)
    app.register_person("p.ops", employee_id="alice", name="A", level=7)
    app.register_person("p.ops", employee_id="bob", name="B", level=3)
    app.update_profile("p.ops", "bob", level=4)
    app.launch_program("l.d", slug=PROGRAM, name="Spring", on=date(2026, 1, 5))
    pairing = app.pair("coordinator", PROGRAM, "alice", "bob", ON).id
    app.log_meeting("alice", pairing, ON, 30)
    app.reverse_roles("bob", pairing, ON)
    app.retract_meeting("auditor", pairing, 1, "duplicate")
    app.end_pairing("coordinator", pairing, ON, EndReason.COMPLETED)
    app.close_program("l.d", PROGRAM, on=ON)
    app.record_leaving("p.ops", "bob", on=ON)
    finished = datetime.now(UTC)

    records = app.recorder.select_notifications(start=1, limit=100)
    events = [app.mapper.to_domain_event(record) for record in records]

    assert [(type(e).__qualname__, e.actor) for e in events] == [
        ("Person.Registered", "p.ops"),
        ("Person.Registered", "p.ops"),
        ("Person.ProfileUpdated", "p.ops"),
        ("Program.Launched", "l.d"),
        ("Mentorship.Paired", "coordinator"),
        ("Person.PairingJoined", "coordinator"),
        ("Person.PairingJoined", "coordinator"),
        ("Mentorship.Met", "alice"),
        ("Mentorship.RolesReversed", "bob"),
        ("Mentorship.MeetingRetracted", "auditor"),
        ("Mentorship.Ended", "coordinator"),
        ("Program.Closed", "l.d"),
        ("Person.LeftOrganisation", "p.ops"),
    ]
    for event in events:
        assert event.timestamp.utcoffset() == timedelta(0)
        assert started <= event.timestamp <= finished
    stamps = [e.timestamp for e in events]
    assert stamps == sorted(stamps)


def test_history_returns_a_pairings_events_in_order(ledger, pair) -> None:
    pairing = pair()
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30)
    ledger.reverse_roles(ACTOR, pairing.id, date(2026, 3, 2))
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 3), 40)
    ledger.retract_meeting(ACTOR, pairing.id, 1, "duplicate")
    ledger.end_pairing(ACTOR, pairing.id, date(2026, 3, 4), EndReason.COMPLETED)

    history = ledger.history(pairing.id)

    assert [(type(e).__qualname__, e.originator_version) for e in history] == [
        ("Mentorship.Paired", 1),
        ("Mentorship.Met", 2),
        ("Mentorship.RolesReversed", 3),
        ("Mentorship.Met", 4),
        ("Mentorship.MeetingRetracted", 5),
        ("Mentorship.Ended", 6),
    ]
    assert {e.originator_id for e in history} == {pairing.id}
    assert [e.payload.number for e in history if type(e) is Mentorship.Met] == [1, 2]


@pytest.mark.parametrize("actor", ["", "   "])
def test_an_empty_actor_is_rejected_by_every_command(ledger, pair, refused, actor) -> None:
    pairing = pair().id
    ledger.log_meeting(ACTOR, pairing, ON, 30)
    commands = [
        lambda: ledger.register_person(actor, employee_id="zoe", name="Zoe"),
        lambda: ledger.update_profile(actor, "bob", level=4),
        lambda: ledger.record_leaving(actor, "bob", on=ON),
        lambda: ledger.launch_program(actor, slug="x", name="X", on=ON),
        lambda: ledger.close_program(actor, PROGRAM, on=ON),
        lambda: ledger.pair(actor, PROGRAM, "bob", "carol", ON),
        lambda: ledger.log_meeting(actor, pairing, ON, 30),
        lambda: ledger.reverse_roles(actor, pairing, ON),
        lambda: ledger.end_pairing(actor, pairing, ON, EndReason.COMPLETED),
        lambda: ledger.retract_meeting(actor, pairing, 1, "oops"),
    ]
    for command in commands:
        with refused(InvalidInput, "actor must not be empty"):
            command()


# Reading user input.


def test_a_well_formed_date_is_parsed() -> None:
    assert parse_date("2026-02-28") == date(2026, 2, 28)


@pytest.mark.parametrize("text", ["2026-13-01", "2026-1-1", "tomorrow", "2026-02-30", ""])
def test_a_malformed_date_is_invalid_input_naming_the_value(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, "meeting date")

    assert str(caught.value) == f"invalid meeting date {text!r}: expected YYYY-MM-DD"


@pytest.mark.parametrize("text", ["2026-W01-1", "20261101  "])
def test_only_the_yyyy_mm_dd_form_is_accepted(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_date(text)


def test_an_ending_accepts_the_known_reasons_only() -> None:
    assert build(Ending, on=ON, reason="left_organisation").reason is EndReason.LEFT_ORGANISATION
    with pytest.raises(InvalidInput) as caught:
        build(Ending, on=ON, reason="finished")
    assert str(caught.value) == (
        "unknown end reason 'finished': expected one of completed, mentor_withdrew, "
        "mentee_withdrew, left_organisation, mismatch, program_closed, other"
    )


def test_a_pairing_accepts_the_known_directions_only() -> None:
    with pytest.raises(InvalidInput) as caught:
        build(Pairing, program=PROGRAM, mentor="alice", mentee="bob", direction="sideways", on=ON)
    assert str(caught.value) == (
        "unknown direction 'sideways': expected one of traditional, reverse, peer"
    )
