"""A pairing keeps each meeting's date and whether it was retracted, compactly
(`domain.meeting_log`), and its rules give the same answers from it: alone, and
inside one unit of work of several chunks, where the batch's copy of the pairing
is all there is until it commits.

The default pairing is alice mentoring bob in spring-2026, paired on 2026-02-02;
"today" is 2026-11-22.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain import unit_of_work
from domain.application import MentorshipLedger
from domain.errors import InvalidInput, NotAllowed
from domain.meeting_log import MeetingLog, MeetingRecord
from domain.mentorship import EndReason, Mentorship

ACTOR = "hr.admin"


def _log(*days: date) -> MeetingLog:
    log = MeetingLog()
    for day in days:
        log.add(day)
    return log


def test_meetings_are_numbered_by_their_order_and_read_back_as_records() -> None:
    log = _log(date(2026, 3, 10), date(2026, 3, 3))

    assert log.add(date(2026, 4, 1)) == 3
    log.retract(2)

    assert len(log) == 3
    assert list(log) == [
        MeetingRecord(1, date(2026, 3, 10)),
        MeetingRecord(2, date(2026, 3, 3), retracted=True),
        MeetingRecord(3, date(2026, 4, 1)),
    ]
    assert (log[0], log[-1]) == (MeetingRecord(1, date(2026, 3, 10)), log[2])
    assert log[1:] == [MeetingRecord(2, date(2026, 3, 3), True), MeetingRecord(3, date(2026, 4, 1))]
    assert [m.number for m in log.counted()] == [1, 3]
    assert (log.is_retracted(1), log.is_retracted(2)) == (False, True)


def test_the_last_counted_date_skips_retracted_meetings_whatever_their_order() -> None:
    log = _log(date(2026, 5, 1), date(2026, 3, 1), date(2026, 4, 1))
    assert log.last_counted_on() == date(2026, 5, 1)

    log.retract(1)
    assert log.last_counted_on() == date(2026, 4, 1)

    log.retract(3)
    log.retract(2)
    assert (log.last_counted_on(), log.counted()) == (None, [])
    assert (MeetingLog().last_counted_on(), list(MeetingLog())) == (None, [])


@pytest.mark.parametrize("number", [0, 3])
def test_retracting_a_meeting_the_log_does_not_have_fails_loudly(number: int) -> None:
    log = _log(date(2026, 3, 1), date(2026, 3, 2))

    with pytest.raises(IndexError, match=f"no meeting {number} \\(there are 2\\)"):
        log.retract(number)
    with pytest.raises(IndexError):
        log[2]


def test_a_pairing_read_back_from_the_store_has_the_same_meetings(
    ledger: MentorshipLedger, pair
) -> None:
    pairing = pair()
    for day in (date(2026, 3, 10), date(2026, 3, 3), date(2026, 4, 1)):
        ledger.log_meeting(ACTOR, pairing.id, day, 30)
    ledger.retract_meeting(ACTOR, pairing.id, 3, "never happened")

    read = ledger.get_pairing(pairing.id)

    assert list(read.meetings) == [
        MeetingRecord(1, date(2026, 3, 10)),
        MeetingRecord(2, date(2026, 3, 3)),
        MeetingRecord(3, date(2026, 4, 1), retracted=True),
    ]
    assert (read.last_met_on, len(read.counted_meetings)) == (date(2026, 3, 10), 2)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 2 events: a batch writes several while it keeps the pairing."""
    monkeypatch.setattr(unit_of_work, "CHUNK_EVENTS", 2)


def _refusal(ledger: MentorshipLedger, command: object, *args: object) -> str:
    assert callable(command)
    with pytest.raises((InvalidInput, NotAllowed)) as caught:
        command(ACTOR, *args)
    return f"{type(caught.value).__name__}: {caught.value}"


@pytest.mark.usefixtures("small_chunks")
def test_in_one_batch_every_meeting_rule_answers_as_it_does_alone(
    ledger: MentorshipLedger, pair
) -> None:
    pairing_id = pair().id
    log, retract, end = ledger.log_meeting, ledger.retract_meeting, ledger.end_pairing
    with ledger.unit_of_work() as work:
        numbers = [log(ACTOR, pairing_id, date(2026, 2, 2), 30)]  # on the pairing day
        numbers += [log(ACTOR, pairing_id, date(2026, m, 1), 20 + m) for m in range(3, 10)]
        refused = [
            _refusal(ledger, log, pairing_id, date(2026, 2, 1), 30),
            _refusal(ledger, retract, pairing_id, 9, "no such meeting"),
            _refusal(ledger, end, pairing_id, date(2026, 8, 31), EndReason.COMPLETED),
        ]
        retract(ACTOR, pairing_id, 8, "logged on the wrong pairing")  # the one of 2026-09-01
        refused.append(_refusal(ledger, retract, pairing_id, 8, "again"))
        end(ACTOR, pairing_id, date(2026, 8, 1), EndReason.COMPLETED)  # retracted 09-01 is no bar
        refused.append(_refusal(ledger, log, pairing_id, date(2026, 8, 2), 30))
        retract(ACTOR, pairing_id, 1, "of an ended pairing, still allowed")
        batch: Mentorship = ledger.get_pairing(pairing_id)
        assert work.written > 0  # earlier chunks are in the open transaction already
        in_batch = (list(batch.meetings), batch.last_met_on, batch.ended_on)

    assert numbers == [1, 2, 3, 4, 5, 6, 7, 8]
    assert refused == [
        "InvalidInput: meeting date 2026-02-01 is before the pairing began on 2026-02-02",
        f"NotAllowed: pairing {pairing_id} has no meeting 9 (it has 8 recorded)",
        "InvalidInput: end date 2026-08-31 is before the pairing's last activity on 2026-09-01",
        f"NotAllowed: meeting 8 of pairing {pairing_id} is already retracted",
        f"NotAllowed: pairing {pairing_id} ended on 2026-08-01 (completed); it cannot change",
    ]
    stored = ledger.get_pairing(pairing_id)
    assert (list(stored.meetings), stored.last_met_on, stored.ended_on) == in_batch
    assert in_batch == (
        [MeetingRecord(1, date(2026, 2, 2), retracted=True)]
        + [MeetingRecord(m - 1, date(2026, m, 1)) for m in range(3, 9)]
        + [MeetingRecord(8, date(2026, 9, 1), retracted=True)],
        date(2026, 8, 1),
        date(2026, 8, 1),
    )
    met = [e.payload for e in ledger.history(pairing_id) if isinstance(e, Mentorship.Met)]
    said = [(p.number, p.minutes) for p in met]
    assert said == [(1, 30), (2, 23), (3, 24), (4, 25), (5, 26), (6, 27), (7, 28), (8, 29)]
