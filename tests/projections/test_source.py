"""Reading the notification log for the views: raw pages, on both backends, must
hold exactly what the stock `select_notifications()` gives (but for a meeting's
topic, read as None)."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from projections.source import read_page

MET = "domain.mentorship:Mentorship.Met"


def _history(ledger: Any) -> Any:
    ledger.program("alpha")
    ledger.person("ada", 7)
    ledger.person("bob", 3)
    pairing = ledger.pair("ada", "bob", date(2026, 2, 2))
    ledger.meet(pairing, date(2026, 2, 9), minutes=45)
    return pairing


def test_a_page_holds_what_the_stock_reader_gives(ledger: Any) -> None:
    _history(ledger)
    recorder = ledger.app.recorder
    stock = recorder.select_notifications(1, 100)
    expected = [
        (n.id, n.originator_id.hex, None if n.topic == MET else n.topic, n.state) for n in stock
    ]
    page = list(read_page(recorder, 0, 100))
    assert page == expected
    assert expected[-1][2] is None  # the meeting
    assert all(type(row[1]) is str and type(row[3]) is bytes for row in page)


def test_a_page_starts_after_the_given_id_and_stops_at_the_limit(ledger: Any) -> None:
    pairing = _history(ledger)
    recorder = ledger.app.recorder
    last = ledger.events
    assert [row[0] for row in read_page(recorder, 1, 2)] == [2, 3]
    assert [row[0] for row in read_page(recorder, last - 1, 100)] == [last]
    assert list(read_page(recorder, last, 100)) == []
    _, originator, topic, state = read_page(recorder, last - 1, 1)[0]
    assert (originator, topic) == (pairing.hex, None)  # a meeting
    payload = orjson.loads(state)["payload"]
    assert (payload["number"], payload["on"], payload["minutes"]) == (1, "2026-02-09", 45)
