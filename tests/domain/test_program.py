"""Programs: launching, closing, and what closing does to the pairings in them."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

import pytest

from domain.application import MentorshipLedger
from domain.errors import AlreadyExists, InvalidInput, NotAllowed, NotFound
from domain.mentorship import EndReason
from domain.program import Program, program_id

ACTOR = "hr.admin"
PROGRAM = "spring-2026"


def test_launching_a_program_records_one_event_under_an_id_derived_from_the_slug(
    empty_ledger: MentorshipLedger,
) -> None:
    program = empty_ledger.launch_program(
        "l.d.team", slug="reverse-2026", name="Reverse mentoring", on=date(2026, 2, 1)
    )

    assert program.id == uuid5(UUID("0b6d1f8e-8a0c-4f57-b7a4-4c2e61d5e702"), "reverse-2026")
    assert program.id == program_id("reverse-2026")
    assert empty_ledger.recorder.max_notification_id() == 1
    stored = empty_ledger.get_program("reverse-2026")
    assert isinstance(stored, Program)
    assert stored.version == 1
    assert (stored.slug, stored.name, stored.cadence_days, stored.launched_on) == (
        "reverse-2026",
        "Reverse mentoring",
        30,
        date(2026, 2, 1),
    )
    assert stored.closed_on is None


def test_launching_an_existing_program_id_is_refused(ledger, refused) -> None:
    with refused(AlreadyExists, "program spring-2026 already exists"):
        ledger.launch_program(ACTOR, slug=PROGRAM, name="Again", on=date(2026, 2, 1))

    program = ledger.get_program(PROGRAM)
    assert (program.version, program.name) == (1, "Spring 2026")


def test_a_launch_date_in_the_future_is_refused(ledger, refused) -> None:
    with refused(InvalidInput, "launch date 2026-11-23 is in the future (today is 2026-11-22)"):
        ledger.launch_program(ACTOR, slug="winter", name="Winter", on=date(2026, 11, 23))


def test_a_blank_program_name_is_refused(ledger, refused) -> None:
    with refused(InvalidInput, "program name must not be empty"):
        ledger.launch_program(ACTOR, slug="winter", name="   ", on=date(2026, 11, 1))


@pytest.mark.parametrize("cadence", [0, 366, -7])
def test_a_cadence_outside_1_to_365_days_is_refused(ledger, refused, cadence: int) -> None:
    with refused(InvalidInput, f"cadence must be a whole number from 1 to 365, not {cadence}"):
        ledger.launch_program(ACTOR, "winter", "Winter", date(2026, 11, 1), cadence)

    assert program_id("winter") not in ledger.repository


@pytest.mark.parametrize("cadence", [1, 365])
def test_cadence_boundaries_are_accepted(ledger, cadence: int) -> None:
    ledger.launch_program(ACTOR, "winter", "Winter", date(2026, 11, 1), cadence)

    assert ledger.get_program("winter").cadence_days == cadence


def test_an_unknown_program_is_not_found(ledger, refused) -> None:
    with refused(NotFound, "unknown program 'autumn-2026'"):
        ledger.get_program("autumn-2026")
    with refused(NotFound, "unknown program 'autumn-2026'"):
        ledger.close_program(ACTOR, "autumn-2026", on=date(2026, 6, 30))


def test_closing_a_program_without_pairings_records_the_closure(ledger) -> None:
    ended = ledger.close_program(ACTOR, PROGRAM, on=date(2026, 6, 30))

    assert ended == []
    program = ledger.get_program(PROGRAM)
    assert (program.version, program.closed_on) == (2, date(2026, 6, 30))


def test_closing_a_program_ends_its_active_pairings_with_reason_program_closed(
    ledger, pair
) -> None:
    ledger.launch_program(ACTOR, slug="buddies", name="Buddies", on=date(2026, 1, 5))
    alice_bob = pair("alice", "bob")
    bob_carol = pair("bob", "carol")
    done = pair("carol", "alice")
    ledger.end_pairing(ACTOR, done.id, date(2026, 3, 1), EndReason.MISMATCH)
    elsewhere = pair("alice", "bob", program="buddies")
    before = ledger.recorder.max_notification_id()

    ended = ledger.close_program("l.d.team", PROGRAM, on=date(2026, 6, 30))

    assert ended == [alice_bob.id, bob_carol.id]
    assert ledger.recorder.max_notification_id() == before + 3  # program + two pairings
    for pairing in ended:
        mentorship = ledger.get_pairing(pairing)
        assert (mentorship.ended_on, mentorship.end_reason) == (
            date(2026, 6, 30),
            EndReason.PROGRAM_CLOSED,
        )
        assert ledger.history(pairing)[-1].actor == "l.d.team"
    assert ledger.get_pairing(done.id).end_reason is EndReason.MISMATCH
    assert ledger.get_pairing(done.id).ended_on == date(2026, 3, 1)
    assert ledger.get_pairing(elsewhere.id).is_active


def test_closing_is_refused_as_a_whole_when_one_pairing_cannot_end_that_day(
    ledger, pair, refused
) -> None:
    alice_bob = pair("alice", "bob")
    bob_carol = pair("bob", "carol")
    ledger.reverse_roles(ACTOR, bob_carol.id, date(2026, 7, 1))

    with refused(
        InvalidInput, "end date 2026-06-30 is before the pairing's last activity on 2026-07-01"
    ):
        ledger.close_program(ACTOR, PROGRAM, on=date(2026, 6, 30))

    assert ledger.get_program(PROGRAM).closed_on is None
    assert ledger.get_pairing(alice_bob.id).is_active
    assert ledger.get_pairing(alice_bob.id).version == 1


def test_closing_a_program_twice_is_refused(ledger, refused) -> None:
    ledger.close_program(ACTOR, PROGRAM, on=date(2026, 6, 30))

    with refused(NotAllowed, "program spring-2026 was closed on 2026-06-30"):
        ledger.close_program(ACTOR, PROGRAM, on=date(2026, 7, 31))

    assert ledger.get_program(PROGRAM).version == 2


def test_a_closing_date_before_the_launch_is_refused(ledger, refused) -> None:
    with refused(
        InvalidInput,
        "closing date 2026-01-04 is before program spring-2026 was launched on 2026-01-05",
    ):
        ledger.close_program(ACTOR, PROGRAM, on=date(2026, 1, 4))

    assert ledger.get_program(PROGRAM).version == 1


def test_a_closing_date_in_the_future_is_refused(ledger, refused) -> None:
    with refused(InvalidInput, "closing date 2026-11-23 is in the future (today is 2026-11-22)"):
        ledger.close_program(ACTOR, PROGRAM, on=date(2026, 11, 23))


def test_a_closed_program_accepts_no_new_pairings(ledger, refused) -> None:
    ledger.close_program(ACTOR, PROGRAM, on=date(2026, 6, 30))

    with refused(NotAllowed, "program spring-2026 was closed on 2026-06-30"):
        ledger.pair(ACTOR, PROGRAM, "alice", "bob", date(2026, 6, 1))


def test_a_closed_program_accepts_no_meetings_even_on_a_pairing_still_open(ledger, refused) -> None:
    # Paired behind the fake port's back, so closing does not end it.
    untracked = ledger.pair(ACTOR, PROGRAM, "alice", "bob", date(2026, 2, 2))
    ledger.close_program(ACTOR, PROGRAM, on=date(2026, 6, 30))
    assert ledger.get_pairing(untracked.id).is_active

    with refused(NotAllowed, "program spring-2026 was closed on 2026-06-30"):
        ledger.log_meeting(ACTOR, untracked.id, date(2026, 6, 1), 30)

    assert ledger.get_pairing(untracked.id).version == 1


def test_meetings_on_a_pairing_ended_by_closing_are_refused(ledger, pair, refused) -> None:
    alice_bob = pair("alice", "bob")
    ledger.close_program(ACTOR, PROGRAM, on=date(2026, 6, 30))

    with refused(NotAllowed, "ended on 2026-06-30 (program_closed); it cannot change"):
        ledger.log_meeting(ACTOR, alice_bob.id, date(2026, 6, 1), 30)
