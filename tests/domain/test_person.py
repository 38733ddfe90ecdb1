"""People: registering, updating a profile, and leaving the organisation.

Leaving is the interesting one: the person's active pairings end on the same
day with reason `left_organisation`, and either everything is saved or nothing.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from domain.application import MentorshipLedger
from domain.errors import AlreadyExists, InvalidInput, NotAllowed, NotFound
from domain.mentorship import EndReason
from domain.person import Person, person_id

ACTOR = "hr.admin"


def test_registering_a_person_records_one_event_under_an_id_derived_from_the_employee_id(
    empty_ledger: MentorshipLedger,
) -> None:
    person = empty_ledger.register_person(
        "people.ops",
        "zoe.k",
        "Zoe King",
        email="zoe@example.com",
        level=4,
        department="Finance",
        joined_on=date(2025, 6, 1),
    )

    # Stable forever: uuid5 of the employee id in the people namespace.
    assert person.id == uuid5(UUID("6f1c3a52-4d0e-4c8e-9a57-2f1b8f0f9a01"), "zoe.k")
    assert str(person.id) == "0a369871-f8ab-52dd-9f75-82522272d8ca"
    assert person_id("zoe.k") == person.id
    assert empty_ledger.recorder.max_notification_id() == 1
    stored = empty_ledger.get_person("zoe.k")
    assert stored.version == 1
    assert (stored.name, stored.email, stored.level, stored.department, stored.joined_on) == (
        "Zoe King",
        "zoe@example.com",
        4,
        "Finance",
        date(2025, 6, 1),
    )
    assert stored.left_on is None
    assert stored.has_left is False


def test_registering_an_existing_person_id_is_refused(ledger, refused) -> None:
    with refused(AlreadyExists, "person alice is already registered"):
        ledger.register_person(ACTOR, employee_id="alice", name="Another Alice")

    alice = ledger.get_person("alice")
    assert alice.version == 1
    assert alice.name == "Alice Archer"


def test_a_joining_date_in_the_future_is_refused(ledger, refused) -> None:
    with refused(InvalidInput, "joining date 2026-11-23 is in the future (today is 2026-11-22)"):
        ledger.register_person(ACTOR, "zoe", "Zoe", joined_on=date(2026, 11, 23))

    assert person_id("zoe") not in ledger.repository


def test_an_unknown_person_is_not_found_for_every_person_command(ledger, refused) -> None:
    with refused(NotFound, "unknown person 'zoe'"):
        ledger.get_person("zoe")
    with refused(NotFound, "unknown person 'zoe'"):
        ledger.update_profile(ACTOR, "zoe", level=3)
    with refused(NotFound, "unknown person 'zoe'"):
        ledger.record_leaving(ACTOR, "zoe", on=date(2026, 6, 30))


def test_a_malformed_employee_id_is_invalid_input(ledger, refused) -> None:
    with refused(InvalidInput, "invalid person id 'no spaces'"):
        ledger.get_person("no spaces")


def test_updating_a_profile_changes_only_the_fields_given(ledger) -> None:
    person = ledger.update_profile(ACTOR, "bob", level=4, department="Ops")

    assert person.version == 2
    bob = ledger.get_person("bob")
    assert (bob.name, bob.email, bob.level, bob.department, bob.joined_on) == (
        "Bob Brown",
        "bob@example.com",
        4,
        "Ops",
        date(2024, 9, 2),
    )


def test_an_empty_profile_change_is_refused(ledger, refused) -> None:
    with refused(InvalidInput, "nothing to update: give at least one field to change"):
        ledger.update_profile(
            ACTOR,
            "bob",
        )

    assert ledger.get_person("bob").version == 1


def test_leaving_without_pairings_records_the_departure(ledger) -> None:
    ended = ledger.record_leaving(ACTOR, "carol", on=date(2026, 6, 30), reason="moved abroad")

    assert ended == []
    carol = ledger.get_person("carol")
    assert carol.version == 2
    assert carol.left_on == date(2026, 6, 30)
    assert carol.left_reason == "moved abroad"
    assert carol.has_left is True


def test_leaving_ends_every_active_pairing_of_the_person_on_the_same_day(ledger, pair) -> None:
    alice_bob = pair("alice", "bob")
    carol_alice = pair("carol", "alice")  # alice is the mentee here
    bob_carol = pair("bob", "carol")  # does not involve alice
    old = pair("alice", "erin", on=date(2026, 3, 2))
    ledger.end_pairing(ACTOR, old.id, date(2026, 4, 1), EndReason.COMPLETED)
    before = ledger.recorder.max_notification_id()

    ended = ledger.record_leaving(ACTOR, "alice", on=date(2026, 6, 30))

    assert ended == [alice_bob.id, carol_alice.id]
    assert ledger.recorder.max_notification_id() == before + 3  # person + two pairings
    for pairing in (alice_bob.id, carol_alice.id):
        mentorship = ledger.get_pairing(pairing)
        assert mentorship.version == 2
        assert mentorship.ended_on == date(2026, 6, 30)
        assert mentorship.end_reason is EndReason.LEFT_ORGANISATION
        assert ledger.history(pairing)[-1].actor == ACTOR
    assert ledger.get_pairing(bob_carol.id).is_active
    assert ledger.get_pairing(old.id).end_reason is EndReason.COMPLETED
    assert ledger.get_pairing(old.id).version == 2
    assert ledger.get_person("alice").left_on == date(2026, 6, 30)


def test_leaving_is_refused_as_a_whole_when_one_pairing_cannot_end_that_day(
    ledger, pair, refused
) -> None:
    alice_bob = pair("alice", "bob")
    alice_carol = pair("alice", "carol")
    ledger.log_meeting(ACTOR, alice_carol.id, date(2026, 7, 10), 45)

    with refused(
        InvalidInput, "end date 2026-06-30 is before the pairing's last activity on 2026-07-10"
    ):
        ledger.record_leaving(ACTOR, "alice", on=date(2026, 6, 30))

    assert ledger.get_person("alice").has_left is False
    assert ledger.get_person("alice").version == 3  # registered, then two pairings; no departure
    assert ledger.get_pairing(alice_bob.id).is_active
    assert ledger.get_pairing(alice_carol.id).version == 2


def test_a_leaving_date_before_the_person_joined_is_refused(ledger, refused) -> None:
    with refused(InvalidInput, "leaving date 2026-02-28 is before erin joined on 2026-03-01"):
        ledger.record_leaving(ACTOR, "erin", on=date(2026, 2, 28))

    assert ledger.get_person("erin").version == 1


def test_leaving_on_the_joining_day_is_accepted(ledger) -> None:
    ledger.record_leaving(ACTOR, "erin", on=date(2026, 3, 1))

    assert ledger.get_person("erin").left_on == date(2026, 3, 1)


def test_a_leaving_date_in_the_future_is_refused(ledger, refused) -> None:
    with refused(InvalidInput, "leaving date 2026-11-23 is in the future (today is 2026-11-22)"):
        ledger.record_leaving(ACTOR, "bob", on=date(2026, 11, 23))


def test_leaving_twice_is_refused(ledger, refused) -> None:
    ledger.record_leaving(ACTOR, "bob", on=date(2026, 6, 30))

    with refused(NotAllowed, "bob left the organisation on 2026-06-30"):
        ledger.record_leaving(ACTOR, "bob", on=date(2026, 7, 1))

    assert ledger.get_person("bob").version == 2
    assert ledger.get_person("bob").left_on == date(2026, 6, 30)


def test_an_empty_leaving_reason_is_refused(ledger, refused) -> None:
    with refused(InvalidInput, "reason must not be empty"):
        ledger.record_leaving(ACTOR, "bob", on=date(2026, 6, 30), reason="  ")


def test_a_person_is_rebuilt_from_events_alone(ledger) -> None:
    ledger.update_profile(ACTOR, "bob", name="Robert Brown")
    ledger.record_leaving(ACTOR, "bob", on=date(2026, 6, 30))

    events = list(ledger.events.get(person_id("bob")))
    rebuilt = None
    for event in events:
        rebuilt = event.mutate(rebuilt)

    assert [type(e).__qualname__ for e in events] == [
        "Person.Registered",
        "Person.ProfileUpdated",
        "Person.LeftOrganisation",
    ]
    assert isinstance(rebuilt, Person)
    assert (rebuilt.name, rebuilt.left_on, rebuilt.version) == (
        "Robert Brown",
        date(2026, 6, 30),
        3,
    )


def test_registering_with_a_blank_department_is_refused(ledger, refused) -> None:
    with refused(InvalidInput, "department must not be empty"):
        ledger.register_person(ACTOR, "nia", "Nia", department="   ")


def test_a_malformed_program_id_is_invalid_input_not_unknown(ledger, refused) -> None:
    with refused(InvalidInput, "invalid program id 'Spring 2026'"):
        ledger.get_program("Spring 2026")
