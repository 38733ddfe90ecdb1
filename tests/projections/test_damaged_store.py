"""The projector names the event it cannot read; events of other applications
(topics outside `domain.`) are still skipped."""

from __future__ import annotations

import orjson
import pytest

from projections.damage import BadEvent
from projections.projector import build_batch

PAIRING = "9c516cf9105755babe82fe0b0561b1f0"
MET = "domain.mentorship:Mentorship.Met"


def met(number: int, on: str = "2020-02-10") -> bytes:
    return orjson.dumps({"timestamp": "2020-02-10T09:00:00+00:00", "actor": "x",
                         "payload": {"number": number, "on": on, "minutes": 30}})  # fmt: skip


@pytest.mark.parametrize(
    ("topic", "state", "what"),
    [
        ("domain.person:Person.Renamed", met(2),
         "unknown event type 'domain.person:Person.Renamed'"),
        (MET, b"{not json", "its state is not valid JSON"),
        (MET, b'{"actor": "x", "payload": {"number": 2}}', "Met event has no field 'on'"),
        # A meeting as the pages read it: its topic as None (see projections/source.py).
        (None, b'{"actor": "x", "payload": {"number": 2}}', "Met event has no field 'on'"),
        ("domain.mentorship:Mentorship.Ended", b'{"payload": []}',
         "Ended event has a field of the wrong type ('list' object has no attribute 'get')"),
    ],
)  # fmt: skip
def test_a_bad_event_is_named_by_its_position_and_aggregate(
    topic: str | None, state: bytes, what: str
) -> None:
    rows = [(7, PAIRING, MET, met(1)), (8, PAIRING, topic, state), (9, PAIRING, MET, met(3))]

    with pytest.raises(BadEvent) as caught:
        build_batch(rows)

    assert (caught.value.notification_id, caught.value.originator) == (8, PAIRING)
    assert caught.value.what == what


def test_events_of_other_applications_are_skipped() -> None:
    batch = build_batch([(1, PAIRING, "billing.invoice:Invoice.Sent", b'{"payload": {}}')])

    assert (batch.people, batch.meetings, batch.pairings) == ([], [], [])
