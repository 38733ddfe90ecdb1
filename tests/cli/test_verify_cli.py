"""`mentorship verify` on SQLite and PostgreSQL: an untouched store verifies, and
each kind of tampering with the tables is named by position and kind.

The stores are those of test_damaged_store_cli (its docstring lists the eight
events: 1-2 people, 3 program, 4 pairing, 5-6 the people join it, 7-8 two
meetings). The tests edit the event and chain tables directly, as an attacker
or a disk fault would.
"""

from __future__ import annotations

import json
import sqlite3
import struct
from contextlib import closing
from hashlib import sha256
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cli_helpers import one_error_line
from test_damaged_store_cli import Store, invoke, store, succeeded

from domain.person import person_id

__all__ = ["store"]  # the fixture, shared with test_damaged_store_cli

E1, E2 = str(person_id("E1")), str(person_id("E2"))
BROKEN = "Error: the log is broken at event"
NEW_TIME = "2020-02-10T09:00:00+00:00"


def chain(s: Store) -> str:
    return "stored_events_chain" if s.sqlite else "mentorshipledger_events_chain"


def rows(s: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    sql = sql.format(events=s.table, position=s.position, chain=chain(s))
    if s.sqlite:
        with closing(sqlite3.connect(s.url)) as connection:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()
    import psycopg

    with psycopg.connect(s.url) as connection:
        return connection.execute(sql, params).fetchall()


def run_sql(s: Store, sql: str, params: tuple[Any, ...] = ()) -> None:
    s.execute(sql.replace("{chain}", chain(s)), params)


def state_at(s: Store, position: int) -> bytes:
    return bytes(rows(s, "SELECT state FROM {events} WHERE {position} = %s", (position,))[0][0])


def set_state(s: Store, position: int, state: bytes) -> None:
    s.execute("UPDATE {events} SET state = %s WHERE {position} = %s", (state, position))


def head_by_hand(s: Store) -> str:
    """The head as docs/audit.md defines it, computed from the rows as stored."""
    link = bytes(32)
    for position, aggregate, version, topic, state in rows(
        s,
        "SELECT {position}, originator_id, originator_version, topic, state "
        "FROM {events} ORDER BY {position}",
    ):
        oid, kind, data = UUID(str(aggregate)).hex.encode(), topic.encode(), bytes(state)
        encoded = struct.pack(">qqIII", position, version, len(oid), len(kind), len(data))
        link = sha256(
            b"mentorship-ledger chain v1\x00" + link + encoded + oid + kind + data
        ).digest()
    return link.hex()


def report(events: int, head: str) -> str:
    return (
        f"Checked    the whole log\nEvents     {events}\nSealed     {events}\nHead       {head}\n"
    )


def test_an_untouched_store_verifies_and_prints_its_head(store: Store) -> None:
    result = succeeded(store.url, "verify")

    assert result.stdout == report(8, head_by_hand(store))
    assert result.stderr == ""


def test_json_and_csv_carry_the_same_fields(store: Store) -> None:
    head = head_by_hand(store)

    as_json = json.loads(succeeded(store.url, "verify", "--format", "json").stdout)
    as_csv = succeeded(store.url, "verify", "--format", "csv").stdout

    assert as_json == {
        "scope": "log", "events": 8, "sealed": 8, "not_sealed": 0, "head": head,
        "expected": None, "expected_at": None,
    }  # fmt: skip
    assert as_csv == (
        f"scope,events,sealed,not_sealed,head,expected,expected_at\nlog,8,8,0,{head},,\n"
    )


def test_a_changed_payload_is_named(store: Store) -> None:
    set_state(store, 7, state_at(store, 7).replace(b'"minutes":30', b'"minutes":300'))

    assert one_error_line(invoke(store.url, "verify")) == (
        f"{BROKEN} 7: its payload or actor was changed"
    )


def test_a_changed_timestamp_is_named_with_both_times(store: Store) -> None:
    before = state_at(store, 7)
    sealed_time = json.loads(before)["timestamp"]
    set_state(store, 7, before.replace(sealed_time.encode(), NEW_TIME.encode()))

    assert one_error_line(invoke(store.url, "verify")) == (
        f"{BROKEN} 7: its timestamp was changed from {sealed_time} to {NEW_TIME}"
    )


def test_swapped_payloads_are_named(store: Store) -> None:
    first, second = state_at(store, 7), state_at(store, 8)
    set_state(store, 7, second)
    set_state(store, 8, first)

    assert one_error_line(invoke(store.url, "verify")) == (
        f"{BROKEN} 7: its payload was swapped with event 8's"
    )


def test_a_deleted_row_is_named_with_what_was_sealed_there(store: Store) -> None:
    store.execute("DELETE FROM {events} WHERE {position} = 5")

    assert one_error_line(invoke(store.url, "verify")) == (
        f"{BROKEN} 5: it was deleted (it was aggregate {E1} version 2)"
    )


def test_a_deleted_last_row_stays_named_after_the_next_recording(store: Store) -> None:
    store.execute("DELETE FROM {events} WHERE {position} = 8")
    expected = f"{BROKEN} 8: it was deleted (it was aggregate {store.pairing} version 3)"

    meeting = invoke(store.url, "meet", store.pairing, "--minutes", "5", "--on", "2020-03-02")

    if store.sqlite:  # SQLite would give the new event position 8 again: refused
        assert one_error_line(meeting) == (
            f"{BROKEN} 8: it was sealed before and its event is gone; run mentorship verify"
        )
        assert store.events() == 7
    else:  # PostgreSQL gives it position 9, sealed after the link of 8
        assert meeting.exit_code == 0, meeting.output
    assert one_error_line(invoke(store.url, "verify")) == expected


def test_a_row_inserted_at_the_end_has_no_seal(store: Store) -> None:
    store.execute(
        "INSERT INTO {events} (originator_id, originator_version, topic, state) "
        "SELECT originator_id, 4, topic, state FROM {events} WHERE {position} = 8"
    )

    assert one_error_line(invoke(store.url, "verify")) == (
        f"{BROKEN} 9: it was inserted: it has no seal"
    )


def test_a_row_inserted_before_the_first_has_no_seal(store: Store) -> None:
    store.execute(
        "INSERT INTO {events} ({position}, originator_id, originator_version, topic, state) "
        "SELECT 0, originator_id, 4, topic, state FROM {events} WHERE {position} = 8"
    )

    assert one_error_line(invoke(store.url, "verify")) == (
        f"{BROKEN} 0: it was inserted: it has no seal"
    )


def test_reordered_rows_are_named(store: Store) -> None:
    for old, new in ((5, -5), (6, 5), (-5, 6)):  # E1's and E2's joins change places
        store.execute("UPDATE {events} SET {position} = %s WHERE {position} = %s", (new, old))

    assert one_error_line(invoke(store.url, "verify")) == (
        f"{BROKEN} 5: the rows were reordered: it holds aggregate {E2} version 2, sealed as event 6"
    )


def test_a_changed_topic_is_named(store: Store) -> None:
    store.set_pairing_event(2, "topic", "domain.mentorship:Mentorship.Bogus")

    assert one_error_line(invoke(store.url, "verify")) == (
        f"{BROKEN} 7: its topic or its seal was changed"
    )


def test_a_changed_link_is_named(store: Store) -> None:
    run_sql(store, "UPDATE {chain} SET link = %s WHERE position = 3", (bytes(32),))

    assert one_error_line(invoke(store.url, "verify")) == (
        f"{BROKEN} 3: its topic or its seal was changed"
    )


def test_the_log_still_extends_a_head_printed_before_more_was_recorded(store: Store) -> None:
    head = head_by_hand(store)
    succeeded(store.url, "meet", store.pairing, "--minutes", "20", "--on", "2020-02-24")

    result = succeeded(store.url, "verify", "--expect", head.upper())

    assert result.stdout == report(9, head_by_hand(store)) + (
        f"Extends    {head} (the link of event 8)\n"
    )


def test_a_rewritten_and_resealed_log_no_longer_extends_the_old_head(store: Store) -> None:
    head = head_by_hand(store)
    # An attacker changes event 3 and drops the chain; the next recording
    # seals the changed log from scratch, so the chain alone holds.
    set_state(store, 3, state_at(store, 3).replace(b'"name":"P"', b'"name":"Q"'))
    run_sql(store, "DELETE FROM {chain}")
    succeeded(store.url, "meet", store.pairing, "--minutes", "20", "--on", "2020-02-24")
    succeeded(store.url, "verify")

    refused = one_error_line(invoke(store.url, "verify", "--expect", head))

    assert refused == (
        f"Error: the log does not extend the expected head {head}: no event's link is that "
        "hash (the events it sealed were changed, or it is another store's)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--expect", "abc"), "--expect takes a head hash of 64 hex digits, as verify "
                              "prints it: got 'abc'"),
        (("--expect", "0" * 64, "E1/E2"), "--expect checks the whole log: give it without PAIRING"),
    ],
)  # fmt: skip
def test_bad_arguments_are_refused(store: Store, args: tuple[str, ...], message: str) -> None:
    assert one_error_line(invoke(store.url, "verify", *args)) == f"Error: {message}"


def test_one_pairing_is_checked_by_its_people(store: Store) -> None:
    result = succeeded(store.url, "verify", "E1/E2")

    assert result.stdout == f"Checked    pairing {store.pairing}\nEvents     3\nSealed     3\n"


def test_a_pairing_check_ignores_other_aggregates_damage_but_names_its_own(store: Store) -> None:
    set_state(store, 1, state_at(store, 1).replace(b'"level":7', b'"level":8'))  # E1's level
    whole = one_error_line(invoke(store.url, "verify"))
    succeeded(store.url, "verify", store.pairing[:8])

    set_state(store, 8, state_at(store, 8).replace(b'"minutes":30', b'"minutes":3'))

    assert whole == f"{BROKEN} 1: its payload or actor was changed"
    assert one_error_line(invoke(store.url, "verify", store.pairing)) == (
        f"{BROKEN} 8: its payload or actor was changed"
    )


def test_a_store_from_before_sealing_is_reported_unsealed_then_sealed_by_a_recording(
    store: Store,
) -> None:
    run_sql(store, "DROP TABLE {chain}")

    before = succeeded(store.url, "verify")
    created = _has_chain(store)
    succeeded(store.url, "meet", store.pairing, "--minutes", "20", "--on", "2020-02-24")
    after = succeeded(store.url, "verify")

    assert before.stdout == (
        "Checked    the whole log\nEvents     8\nSealed     0\n"
        "Not sealed 8 (recorded before sealing began; the next recording seals them)\n"
        "Head       (none: nothing sealed yet)\n"
    )
    assert before.stderr == (
        "Warning: 8 events not sealed yet: recorded before sealing began; "
        "the next recording seals them\n"
    )
    assert created is False  # verify, a query, creates nothing
    assert after.stdout == report(9, head_by_hand(store))


def _has_chain(s: Store) -> bool:
    if s.sqlite:
        found = rows(s, "SELECT name FROM sqlite_master WHERE name = %s", (chain(s),))
    else:
        found = [r for r in rows(s, "SELECT to_regclass(%s)", (chain(s),)) if r[0]]
    return bool(found)


def test_an_imported_log_is_sealed_as_it_is_stored(store: Store, tmp_path: Path) -> None:
    exported, copy = tmp_path / "events.jsonl", str(tmp_path / "copy.db")
    succeeded(store.url, "export", "events", "--out", str(exported))

    succeeded(copy, "import", "--events", str(exported))

    # Personal values are encrypted afresh on import: the copy has its own head.
    imported = Store(copy, store.pairing, sqlite=True)
    assert succeeded(copy, "verify").stdout == report(8, head_by_hand(imported))


def test_an_import_into_postgresql_in_many_chunks_is_sealed_across_them(
    postgres_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, exported = str(tmp_path / "source.db"), tmp_path / "events.jsonl"
    succeeded(source, "demo", "--store", source)
    succeeded(source, "export", "events", "--out", str(exported))
    events = json.loads(succeeded(source, "verify", "--format", "json").stdout)["events"]
    monkeypatch.setattr("domain.unit_of_work.CHUNK_EVENTS", 1_000)  # many chunks, one transaction

    succeeded(postgres_store, "import", "--events", str(exported))

    verified = json.loads(succeeded(postgres_store, "verify", "--format", "json").stdout)
    head = head_by_hand(Store(postgres_store, "", sqlite=False))
    assert (verified["head"], verified["sealed"], verified["events"]) == (head, events, events)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "demo.db")
    return str(request.getfixturevalue("postgres_store"))


def test_the_demo_generator_seals_every_event(empty_store: str, tmp_path: Path) -> None:
    # The report goes to the temporary folder: a PostgreSQL demo's default is the working one.
    succeeded(empty_store, "demo", "--store", empty_store, "--report", str(tmp_path / "r.html"))

    verified = json.loads(succeeded(empty_store, "verify", "--format", "json").stdout)

    assert verified["sealed"] == verified["events"] > 1000


def test_pages_smaller_than_the_log_seal_and_verify_the_same_chain(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("domain.chain_reader", "domain.store_sqlite", "domain.store_postgres"):
        monkeypatch.setattr(f"{module}.PAGE", 3)  # 8 events: pages of 3, 3 and 2
    run_sql(store, "DROP TABLE {chain}")
    succeeded(store.url, "meet", store.pairing, "--minutes", "20", "--on", "2020-02-24")

    assert succeeded(store.url, "verify").stdout == report(9, head_by_hand(store))
    assert rows(store, "SELECT count(*) FROM {chain}") == [(9,)]
