"""A joining date changed later must still fit what is recorded about the person."""

from __future__ import annotations

from datetime import date

from domain.errors import InvalidInput

ACTOR = "hr.admin"


def test_a_joining_date_after_the_person_left_is_refused(ledger, refused) -> None:
    ledger.record_leaving(ACTOR, "carol", date(2026, 6, 30))

    with refused(InvalidInput, "joining date 2026-07-01 is after carol left on 2026-06-30"):
        ledger.update_profile(ACTOR, "carol", joined_on=date(2026, 7, 1))


def test_a_joining_date_after_their_first_pairing_began_is_refused(ledger, pair, refused) -> None:
    pair("alice", "bob", on=date(2026, 2, 2))

    with refused(
        InvalidInput, "joining date 2026-03-01 is after bob's first pairing began on 2026-02-02"
    ):
        ledger.update_profile(ACTOR, "bob", joined_on=date(2026, 3, 1))


def test_a_joining_date_on_the_day_of_the_first_pairing_is_accepted(ledger, pair) -> None:
    pair("alice", "bob", on=date(2026, 2, 2))

    ledger.update_profile(ACTOR, "bob", joined_on=date(2026, 2, 2))

    assert ledger.get_person("bob").joined_on == date(2026, 2, 2)


def test_the_people_of_a_pairing_know_it_and_the_day_it_began(ledger, pair) -> None:
    pairing = pair("alice", "bob", on=date(2026, 2, 2))

    assert ledger.get_person("alice").pairings == {pairing.id: date(2026, 2, 2)}
    assert ledger.get_person("bob").first_paired_on == date(2026, 2, 2)
