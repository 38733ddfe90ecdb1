"""`mentorship person forget`: crypto-shredding of a person's personal data, on
SQLite and PostgreSQL. The world is the populated one (E1 Ada Lovelace mentors
E2 Brian Kernighan in P1; today 2026-11-22); each test adds a note about them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import TODAY, RefusedFn, RunFn, World, one_error_line
from click.testing import CliRunner, Result

from cli.main import cli
from domain import unit_of_work
from domain.application import MentorshipLedger
from domain.key_table import TABLE
from domain.person import Person, Registration, person_id
from domain.vocabulary import ERASED

NOTE = "Ada asked about Babbage's engine"
SECRETS = ("Ada Lovelace", "e1@example.com", "Babbage")  # E1's personal data
FORGET = ("person", "forget", "E1", "--reason", "erasure request 17")
QUERIES = (
    ("list",),
    ("programs",),
    ("retention",),
    ("engagement",),
    ("program", "show", "spring-2026"),
)


def stored_text(store: str) -> bytes:
    """Everything the store holds: the SQLite file and its write-ahead log, or the
    text of every PostgreSQL table (bytea shown in hex, so searched both ways)."""
    if not store.startswith("postgresql://"):
        files = [Path(store), Path(f"{store}-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    import psycopg

    with psycopg.connect(store) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        rows = [
            connection.execute(f'SELECT t::text FROM "{name}" t').fetchall() for (name,) in tables
        ]
    return "\n".join(str(row[0]) for found in rows for row in found).encode()


def holds(store: str, text: str) -> bool:
    stored = stored_text(store)
    return text.encode() in stored or text.encode().hex().encode() in stored


def as_json(run: RunFn, *args: str) -> Any:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_forgetting_a_person_shows_erased_in_every_output_and_keeps_the_facts(
    populated: World, ok: RunFn, run: RunFn
) -> None:
    ok("meet", populated.p1, "--minutes", "20", "--on", "2026-11-01", "--note", NOTE)
    before = {query: run(*query, "--format", "json").stdout for query in QUERIES}

    forgot = ok(*FORGET)

    assert forgot.stdout == f"Forgot E1: their personal data now reads as {ERASED}\n"
    people = {p["id"]: p for p in as_json(run, "people")}
    assert people["E1"] == {
        "id": "E1",
        "name": ERASED,
        "email": ERASED,
        "level": 7,
        "department": "Engineering",
        "joined_on": "2019-04-01",
        "left_on": None,
    }
    assert (people["E2"]["name"], people["E2"]["email"]) == ("Brian Kernighan", "e2@example.com")
    shown = as_json(run, "person", "show", "E2")
    assert [(p["with"], p["with_name"]) for p in shown["pairings"]] == [
        ("E1", ERASED),
        ("E3", "Grace Hopper"),
    ]
    history = as_json(run, "history", populated.p1)
    assert history["mentor"] == {"id": "E1", "name": ERASED}
    assert history["events"][-1]["details"] == {
        "number": 4,
        "on": "2026-11-01",
        "minutes": 20,
        "note": ERASED,
    }
    table = ok("person", "show", "E1").stdout.splitlines()
    assert table[:2] == [f"Person      E1 ({ERASED})", f"Email       {ERASED}"]
    assert {query: run(*query, "--format", "json").stdout for query in QUERIES} == before


@pytest.mark.parametrize("partner", ["E1", "E2"])
def test_forgetting_either_partner_makes_their_notes_unreadable(
    populated: World, ok: RunFn, run: RunFn, partner: str
) -> None:
    ok("meet", populated.p1, "--minutes", "20", "--on", "2026-11-01", "--note", NOTE)

    ok("person", "forget", partner, "--reason", "request")

    notes = [e["details"].get("note") for e in as_json(run, "history", populated.p1)["events"]]
    assert notes == [None, None, None, None, ERASED]
    other = {"E1": "E2", "E2": "E1"}[partner]
    names = {p["id"]: p["name"] for p in as_json(run, "people")}
    assert names[partner] == ERASED
    assert names[other] != ERASED


def test_no_plaintext_of_a_forgotten_person_remains_in_the_store_or_the_export(
    populated: World, ok: RunFn, run: RunFn, store: str, ledger: MentorshipLedger, tmp_path: Path
) -> None:
    ok("meet", populated.p1, "--minutes", "20", "--on", "2026-11-01", "--note", NOTE)
    ok("person", "leave", "E1", "--on", "2026-11-20", "--reason", "joined Babbage Ltd", "--yes")
    key = ledger.keys._key(person_id("E1").hex)
    assert isinstance(key, bytes)
    assert holds(store, key.hex()) or key in stored_text(store)  # sanity: found before

    ok(*FORGET)
    out = tmp_path / "events.jsonl"
    ok("export", "events", "--out", str(out))

    exported = out.read_text()
    for secret in SECRETS:
        assert not holds(store, secret), secret
        assert secret not in exported, secret
    assert key not in stored_text(store)
    assert not holds(store, key.hex())
    registered = json.loads(exported.splitlines()[0])
    assert registered["payload"]["name"] == ERASED
    assert json.loads(exported.splitlines()[-1])["type"] == "Person.Forgotten"
    assert json.loads(exported.splitlines()[-1])["payload"] == {
        "on": TODAY.isoformat(),
        "reason": "erasure request 17",
    }


def test_personal_data_is_sealed_at_rest_for_people_still_known(
    populated: World, ok: RunFn, store: str
) -> None:
    ok("meet", populated.p1, "--minutes", "20", "--on", "2026-11-01", "--note", NOTE)

    for secret in (*SECRETS, "Brian Kernighan", "Grace Hopper"):
        assert not holds(store, secret), secret


def test_forgetting_twice_is_refused(populated: World, ok: RunFn, refused: RefusedFn) -> None:
    ok(*FORGET)

    assert refused(*FORGET) == "Error: E1 was already forgotten on 2026-11-22"


def test_personal_data_about_a_forgotten_person_cannot_be_recorded(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    ok(*FORGET)

    assert refused("meet", populated.p1, "--minutes", "5", "--note", "n") == (
        "Error: E1 was forgotten: no personal data about them can be recorded"
    )
    assert refused("person", "update", "E1", "--name", "Ada") == (
        "Error: E1 was forgotten on 2026-11-22: their name and email cannot be recorded"
    )
    assert ok("meet", populated.p1, "--minutes", "5").stdout.startswith("Recorded meeting 4 ")
    assert ok("person", "update", "E1", "--level", "8").stdout == "Updated E1\n"


def test_a_lost_key_table_is_a_one_line_error(
    populated: World, ok: RunFn, run: RunFn, ledger: MentorshipLedger
) -> None:
    with ledger.recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")
    fresh = MentorshipLedger(ledger.store, today=lambda: TODAY, create=False)
    runner = CliRunner()
    from cli.context import LedgerContext

    try:
        result = runner.invoke(cli, ["people"], obj=LedgerContext(ledger.store, "t", ledger=fresh))
    finally:
        fresh.close()

    assert one_error_line(result) == (
        f"Error: the key table ({TABLE}) is missing from the store: personal data cannot "
        f"be read; restore {TABLE} from a key backup (see docs/audit.md)"
    )


def test_a_person_recorded_in_plain_text_reads_as_before_and_cannot_be_forgotten(
    populated: World, ok: RunFn, run: RunFn, refused: RefusedFn, ledger: MentorshipLedger
) -> None:
    # As a release before encryption wrote it: no key, the name in plain text.
    keys, ledger.mapper.keys = ledger.mapper.keys, None
    old = Person.register("hr", Registration(employee_id="E7", name="Old Timer"), TODAY)
    ledger.recorder.insert_events([ledger.mapper.to_stored_event(e) for e in old.collect_events()])
    ledger.mapper.keys = keys

    names = {p["id"]: p["name"] for p in as_json(run, "people")}

    assert names["E7"] == "Old Timer"
    assert refused("person", "forget", "E7", "--reason", "request") == (
        "Error: E7 was registered before personal data was encrypted: their personal data is "
        "stored in plain text in the event log, which is never rewritten, so it cannot be "
        f"erased (it has no key in {TABLE})"
    )


def invoke(store: str, *args: str) -> Result:
    runner = CliRunner(env={"MENTORSHIP_ACTOR": "tester", "MENTORSHIP_STORE": None})
    return runner.invoke(cli, ["--store", store, *args], catch_exceptions=True)


def test_an_export_with_a_forgotten_person_imports_with_them_still_forgotten(
    populated: World, ok: RunFn, run: RunFn, tmp_path: Path
) -> None:
    ok("meet", populated.p1, "--minutes", "20", "--on", "2026-11-01", "--note", NOTE)
    ok(*FORGET)
    out = tmp_path / "events.jsonl"
    ok("export", "events", "--out", str(out))
    copy = str(tmp_path / "copy.db")

    imported = invoke(copy, "import", "--events", str(out))

    assert imported.exit_code == 0, imported.output
    assert invoke(copy, "export", "events").stdout == out.read_text()
    again = invoke(copy, *FORGET)
    assert again.stderr == "Error: E1 was already forgotten on 2026-11-22\n"
    assert invoke(copy, "meet", populated.p1, "--minutes", "5", "--note", "n").stderr == (
        "Error: E1 was forgotten: no personal data about them can be recorded\n"
    )
    listed = json.loads(invoke(copy, "people", "--format", "json").stdout)
    names = {p["id"]: p["name"] for p in listed}
    assert names == {
        "E1": ERASED,
        "E2": "Brian Kernighan",
        "E3": "Grace Hopper",
        "E4": "Linus Torvalds",
    }
    for secret in SECRETS:
        assert not holds(copy, secret), secret


@pytest.mark.sqlite_only(reason="about the SQLite write-ahead log file")
def test_forgetting_while_another_process_reads_warns_that_the_log_keeps_a_copy(
    populated: World, store: str
) -> None:
    import sqlite3

    reader = sqlite3.connect(store, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM stored_events").fetchone()  # holds a snapshot
    runner = CliRunner(env={"MENTORSHIP_ACTOR": "t", "MENTORSHIP_LOCK_TIMEOUT": "1"})
    try:
        result = runner.invoke(cli, ["--store", store, *FORGET])
    finally:
        reader.close()

    assert (result.exit_code, result.stdout) == (
        0,
        f"Forgot E1: their personal data now reads as {ERASED}\n",
    )
    assert result.stderr == (
        "Warning: another process was reading the store, so an old copy of the key stays "
        "in its write-ahead log until the next checkpoint\n"
    )


def test_forgetting_while_the_postgresql_key_table_is_in_use_warns_that_a_row_version_remains(
    postgres_store: str,
) -> None:
    import psycopg

    assert invoke(postgres_store, "person", "add", "E1", "--name", "Ada Lovelace").exit_code == 0
    reader = psycopg.connect(postgres_store)
    reader.execute(f"SELECT count(*) FROM {TABLE}").fetchone()  # holds a lock until rollback
    runner = CliRunner(env={"MENTORSHIP_ACTOR": "t", "MENTORSHIP_LOCK_TIMEOUT": "1"})
    try:
        result = runner.invoke(cli, ["--store", postgres_store, *FORGET])
    finally:
        reader.close()

    assert (result.exit_code, result.stdout) == (
        0,
        f"Forgot E1: their personal data now reads as {ERASED}\n",
    )
    assert result.stderr == (
        f"Warning: {TABLE} could not be rewritten now, so an old row version holding the key "
        f"stays until VACUUM FULL {TABLE} runs\n"
    )
    assert json.loads(invoke(postgres_store, "people", "--format", "json").stdout)[0]["name"] == (
        ERASED
    )


def _key_rows(store: str) -> int:
    ledger = MentorshipLedger(store, create=False)
    try:
        return len(ledger.keys.table.read())
    finally:
        ledger.close()


def test_people_imported_in_a_batch_are_sealed_and_their_keys_commit_with_it(
    populated: World,
    ok: RunFn,
    run: RunFn,
    store: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(unit_of_work, "CHUNK_EVENTS", 1)  # each event written as it comes
    people = tmp_path / "people.csv"
    people.write_text("employee_id,name,email\nZ1,Zebedee Quintrell,zq@example.com\n")
    broken = tmp_path / "broken.csv"
    broken.write_text("employee_id,name,level\nZ2,Zora Vantablack,x\nZ3,Zeno Ostrowski,3\n")
    keys_before = _key_rows(store)

    # Z3 is written (with its key) into the batch's transaction; Z2's row is refused.
    refused = run("import", str(broken))
    ok("import", str(people))

    assert refused.exit_code == 1
    assert _key_rows(store) == keys_before + 1  # Z1's key only: Z3's rolled back with its batch
    assert as_json(ok, "person", "show", "Z1")["name"] == "Zebedee Quintrell"
    for secret in ("Zebedee Quintrell", "zq@example.com", "Zeno Ostrowski", "Zora Vantablack"):
        assert not holds(store, secret), secret


def test_the_demo_organisation_is_sealed_at_rest(tmp_path: Path) -> None:
    from domain.synthetic import generate_organisation

    store = str(tmp_path / "demo.db")
    ledger = MentorshipLedger(store, today=lambda: TODAY)
    try:
        generate_organisation(ledger, people=12, pairings=6)
    finally:
        ledger.close()

    shown = json.loads(invoke(store, "people", "--format", "json").stdout)
    names = [row["name"] for row in shown]
    assert len(names) == 12 and ERASED not in names
    assert not any(holds(store, name) for name in names)
