"""Taking back a mistaken ending: `reopen_pairing`.

The Ended event stays in the history; a Reopened event follows it and the
pairing is active again, as if it had never ended.
"""

from __future__ import annotations

from datetime import date

from domain.errors import InvalidInput, NotAllowed

ACTOR = "hr.admin"
ENDED_ON = date(2026, 5, 4)


def ended(ledger, pair, reason: str = "mismatch"):  # type: ignore[no-untyped-def]
    pairing = pair()
    ledger.end_pairing(ACTOR, pairing.id, ENDED_ON, reason)
    return pairing


def test_reopening_an_ended_pairing_makes_it_active_again(ledger, pair) -> None:
    pairing = ended(ledger, pair)

    ledger.reopen_pairing(ACTOR, pairing.id, "ended the wrong pairing")

    reopened = ledger.get_pairing(pairing.id)
    assert (reopened.is_active, reopened.ended_on, reopened.end_reason) == (True, None, None)
    types = [type(e).__name__ for e in ledger.history(pairing.id)]
    assert types == ["Paired", "Ended", "Reopened"]
    assert ledger.history(pairing.id)[2].payload.reason == "ended the wrong pairing"


def test_reopening_is_recorded_on_both_people(ledger, pair) -> None:
    pairing = ended(ledger, pair)
    before = ledger.recorder.max_notification_id()

    ledger.reopen_pairing(ACTOR, pairing.id, "mistake")

    assert ledger.recorder.max_notification_id() == before + 3
    # registered, joined the pairing, the pairing resumed
    assert ledger.get_person("alice").version == 3
    assert ledger.get_person("bob").version == 3


def test_a_reopened_pairing_can_meet_after_the_old_end_date_and_end_again(ledger, pair) -> None:
    pairing = ended(ledger, pair)
    ledger.reopen_pairing(ACTOR, pairing.id, "mistake")

    ledger.log_meeting(ACTOR, pairing.id, date(2026, 6, 1), 30)
    ledger.end_pairing(ACTOR, pairing.id, date(2026, 9, 1), "completed")

    final = ledger.get_pairing(pairing.id)
    assert (final.ended_on, final.end_reason, len(final.meetings)) == (
        date(2026, 9, 1),
        "completed",
        1,
    )


def test_an_active_pairing_cannot_be_reopened(ledger, pair, refused) -> None:
    pairing = pair()

    with refused(NotAllowed, "is active; only an ended pairing can be reopened"):
        ledger.reopen_pairing(ACTOR, pairing.id, "why not")


def test_a_reopening_needs_a_reason(ledger, pair, refused) -> None:
    pairing = ended(ledger, pair)

    with refused(InvalidInput, "reason for reopening must not be empty"):
        ledger.reopen_pairing(ACTOR, pairing.id, "   ")


def test_a_pairing_ended_by_a_departure_cannot_be_reopened(ledger, pair, refused) -> None:
    pairing = pair()
    ledger.record_leaving(ACTOR, "bob", date(2026, 6, 30))

    with refused(NotAllowed, "bob left the organisation on 2026-06-30"):
        ledger.reopen_pairing(ACTOR, pairing.id, "mistake")


def test_a_pairing_in_a_closed_program_cannot_be_reopened(ledger, pair, refused) -> None:
    pairing = ended(ledger, pair)
    ledger.close_program(ACTOR, "spring-2026", date(2026, 7, 1))

    with refused(NotAllowed, "program spring-2026 was closed on 2026-07-01"):
        ledger.reopen_pairing(ACTOR, pairing.id, "mistake")


def test_reopening_is_refused_while_the_same_two_have_another_active_pairing(
    ledger, pair, refused
) -> None:
    first = ended(ledger, pair)
    second = pair(on=date(2026, 6, 1))

    with refused(
        NotAllowed, f"alice and bob have another active pairing in spring-2026: {second.id}"
    ):
        ledger.reopen_pairing(ACTOR, first.id, "mistake")


def test_an_automatic_ending_says_what_caused_it(ledger, pair) -> None:
    pairing = pair()

    ledger.record_leaving(ACTOR, "bob", date(2026, 6, 30))

    ending = ledger.history(pairing.id)[-1].payload
    assert (ending.reason, ending.caused_by) == ("left_organisation", "person bob left")
