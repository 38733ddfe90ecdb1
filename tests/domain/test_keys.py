"""Sealing personal values under per-person keys (domain/keys.py, domain/mapper.py),
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID

import orjson
import pytest

from domain.application import MentorshipLedger
from domain.errors import ConcurrentUpdate, DamagedStore
from domain.key_table import TABLE
from domain.keys import SEAL, KeyRing
from domain.person import person_id
from domain.vocabulary import ERASED

TODAY = date(2026, 11, 22)
ADA, BOB = person_id("E1"), person_id("E2")


@pytest.fixture(params=["sqlite", "postgres"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MentorshipLedger]:
    """E1 (Ada) mentors E2 (Bob) in spring, and they met once, with a note."""
    if request.param == "sqlite":
        store = str(tmp_path / "keys.db")
    else:
        store = request.getfixturevalue("postgres_store")
    app = MentorshipLedger(store, today=lambda: TODAY)
    app.register_person("hr", "E1", "Ada Lovelace", email="ada@example.com", level=5)
    app.register_person("hr", "E2", "Bob Ross", level=2)
    app.launch_program("hr", "spring", "Spring", date(2026, 1, 1))
    pairing = app.pair("hr", "spring", "E1", "E2", date(2026, 1, 5))
    app.log_meeting("hr", pairing.id, date(2026, 1, 10), 30, "talked about paint")
    yield app
    app.close()


def stored_payloads(app: MentorshipLedger) -> dict[str, dict[str, object]]:
    """The stored JSON payload of each event, by its type's name (the first one)."""
    records = app.recorder.select_notifications(start=1, limit=100)
    payloads: dict[str, dict[str, object]] = {}
    for record in records:
        payloads.setdefault(record.topic.rpartition(".")[2], orjson.loads(record.state)["payload"])
    return payloads


def sealed_names(app: MentorshipLedger) -> list[str]:
    records = app.recorder.select_notifications(start=1, limit=100)
    states = [orjson.loads(r.state) for r in records if r.topic.endswith("Person.Registered")]
    return [state["payload"]["name"] for state in states]


def fresh_keys(app: MentorshipLedger) -> KeyRing:
    """A key ring with an empty cache, as another process would have."""
    return KeyRing(app.recorder)


def test_personal_fields_are_stored_sealed_and_the_rest_plain(ledger: MentorshipLedger) -> None:
    payloads = stored_payloads(ledger)

    registered = payloads["Registered"]
    assert str(registered["name"]).startswith(f"{SEAL}{ADA.hex}:")
    assert str(registered["email"]).startswith(f"{SEAL}{ADA.hex}:")
    assert (registered["employee_id"], registered["level"]) == ("E1", 5)
    assert str(payloads["Met"]["note"]).startswith(f"{SEAL}{ADA.hex},{BOB.hex}:")
    assert (payloads["Met"]["minutes"], payloads["Met"]["on"]) == (30, "2026-01-10")
    assert b"Ada" not in orjson.dumps(payloads) and b"paint" not in orjson.dumps(payloads)


def test_the_application_reads_sealed_values_back_as_plaintext(ledger: MentorshipLedger) -> None:
    person = ledger.get_person("E1")
    pairing = next(iter(person.pairings))

    notes = [getattr(e.payload, "note", None) for e in ledger.history(pairing)]

    assert (person.name, person.email) == ("Ada Lovelace", "ada@example.com")
    assert notes == [None, "talked about paint"]


def test_a_note_needs_both_keys(ledger: MentorshipLedger) -> None:
    note = str(stored_payloads(ledger)["Met"]["note"])
    keys = fresh_keys(ledger)
    assert keys.open(note) == "talked about paint"

    keys.destroy(BOB, "2026-11-22T00:00:00+00:00")

    assert fresh_keys(ledger).open(note) == ERASED
    assert keys.open(note) == ERASED
    assert [fresh_keys(ledger).open(name) for name in sealed_names(ledger)] == [
        "Ada Lovelace",
        ERASED,
    ]


def test_each_value_has_its_own_nonce(ledger: MentorshipLedger) -> None:
    keys = fresh_keys(ledger)

    first, second = keys.seal("same", [ADA]), keys.seal("same", [ADA])

    assert first != second
    assert keys.open(first) == keys.open(second) == "same"


def test_plaintext_and_missing_values_are_shown_as_they_are(ledger: MentorshipLedger) -> None:
    keys = fresh_keys(ledger)

    assert [keys.reveal("Old Timer"), keys.reveal(None), keys.reveal(3)] == ["Old Timer", None, 3]


def test_a_tampered_value_is_a_damaged_store(ledger: MentorshipLedger) -> None:
    keys = fresh_keys(ledger)
    sealed = keys.seal("Ada", [ADA])
    # The same ciphertext claimed for Bob: the key and the bound id both differ.
    moved = sealed.replace(ADA.hex, BOB.hex)

    with pytest.raises(DamagedStore) as caught:
        keys.open(moved)

    assert str(caught.value) == (
        f"the store is damaged: a sealed value of person {BOB} does not decrypt with its key "
        "(InvalidTag)"
    )


def test_a_missing_key_is_named(ledger: MentorshipLedger) -> None:
    sealed = fresh_keys(ledger).seal("Ada", [ADA])
    with ledger.recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")

    with pytest.raises(DamagedStore) as caught:
        fresh_keys(ledger).open(sealed)

    assert str(caught.value) == (
        f"the key table ({TABLE}) has no key for person {ADA}: their personal data cannot be "
        f"read; restore {TABLE} from a key backup (see docs/audit.md)"
    )


def test_a_key_ring_reads_the_whole_table_once_for_many_values(
    ledger: MentorshipLedger,
) -> None:
    keys = fresh_keys(ledger)

    opened = [keys.open(name) for name in sealed_names(ledger)]

    assert opened == ["Ada Lovelace", "Bob Ross"]
    assert keys._loaded_all
    assert set(keys._keys) == {ADA.hex, BOB.hex}


def test_destroying_a_key_leaves_a_row_saying_when(ledger: MentorshipLedger) -> None:
    keys = fresh_keys(ledger)

    assert keys.destroy(ADA, "2026-11-22T10:00:00+00:00") is True
    assert keys.destroy(ADA, "2026-11-22T11:00:00+00:00") is False

    with ledger.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT person_id, employee_id, key, forgotten_at FROM {TABLE}")
        rows = [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in cursor.fetchall()]
    assert sorted(row[1:] for row in rows if row[2] is None) == [
        ("E1", None, "2026-11-22T10:00:00+00:00")
    ]
    assert fresh_keys(ledger).status(ADA) == "forgotten"
    assert fresh_keys(ledger).status(BOB) == "live"
    assert fresh_keys(ledger).status(UUID(int=7)) == "plaintext"  # no registration at all


def test_a_reserved_key_seals_at_once_and_is_stored_with_the_batch(
    ledger: MentorshipLedger,
) -> None:
    ring = fresh_keys(ledger)
    carol = person_id("E3")

    row = ring.reserve(carol, "E3")
    sealed = ring.seal("Carol", [carol])
    with ledger.recorder.datastore.transaction(commit=True) as cursor:
        ring.store([row] if row else [], within=cursor)

    assert row is not None and row[:2] == (carol.hex, "E3") and len(row[2]) == 32
    assert ring.reserve(carol, "E3") is None  # a person keeps the key they have
    assert fresh_keys(ledger).open(sealed) == "Carol"


def test_an_offline_ring_seals_with_the_keys_it_was_given_and_reads_no_table(
    ledger: MentorshipLedger,
) -> None:
    known = fresh_keys(ledger).known()
    offline = KeyRing.offline(known)
    carol = person_id("E3")

    new = offline.reserve(carol, "E3")
    sealed = offline.seal("a note", [ADA, carol])

    assert sorted((p, e) for p, e, _ in known) == sorted([(ADA.hex, "E1"), (BOB.hex, "E2")])
    assert offline.table is None and new is not None
    with ledger.recorder.datastore.transaction(commit=True) as cursor:
        fresh_keys(ledger).store([new], within=cursor)
    assert fresh_keys(ledger).open(sealed) == "a note"


def test_storing_a_key_another_writer_stored_first_fails_the_batch(
    ledger: MentorshipLedger,
) -> None:
    carol = person_id("E3")
    first, second = fresh_keys(ledger), fresh_keys(ledger)
    mine, theirs = first.reserve(carol, "E3"), second.reserve(carol, "E3")
    assert mine is not None and theirs is not None
    with ledger.recorder.datastore.transaction(commit=True) as cursor:
        second.store([theirs], within=cursor)

    with (
        pytest.raises(ConcurrentUpdate, match="registered the same people"),
        ledger.recorder.datastore.transaction(commit=True) as cursor,
    ):
        first.store([mine], within=cursor)
