"""The store settings: stores that cannot persist, the lock timeout, opening
without creating, file modes, and a missing postgres extra."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import eventsourcing.utils
import pytest

from domain.application import MentorshipLedger
from domain.errors import InvalidInput, StoreUnavailable
from domain.store import lock_timeout, no_store_message, store_environment

SQLITE_FILE = "about the SQLite file itself (in-memory and URI refusal, paths, file modes)"


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
@pytest.mark.parametrize(
    ("store", "message"),
    [
        (
            ":memory:",
            "store ':memory:' is an in-memory database, which keeps nothing: "
            "give a file path or a postgresql:// URL",
        ),
        (
            "file:ledger?mode=memory&cache=shared",
            "store 'file:ledger?mode=memory&cache=shared' is an in-memory database, which "
            "keeps nothing: give a file path or a postgresql:// URL",
        ),
        (
            "file:ledger.db",
            "store 'file:ledger.db' is an SQLite URI, which may keep nothing: "
            "give a plain file path or a postgresql:// URL",
        ),
    ],
)
def test_a_store_that_cannot_persist_is_refused(store: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        store_environment(store)

    assert str(caught.value) == message


def test_the_lock_timeout_is_30_seconds_on_both_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORSHIP_LOCK_TIMEOUT", raising=False)

    sqlite = store_environment("ledger.db")
    postgres = store_environment("postgresql://postgres@db.internal/mentoring")

    assert (sqlite["SQLITE_LOCK_TIMEOUT"], postgres["POSTGRES_LOCK_TIMEOUT"]) == ("30", "30")


def test_the_lock_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORSHIP_LOCK_TIMEOUT", "2")

    assert store_environment("ledger.db")["SQLITE_LOCK_TIMEOUT"] == "2"
    assert lock_timeout() == 2


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "soon"])
def test_a_lock_timeout_that_is_not_a_whole_positive_number_is_refused(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORSHIP_LOCK_TIMEOUT", text)

    with pytest.raises(InvalidInput) as caught:
        lock_timeout()

    assert str(caught.value) == (
        f"MENTORSHIP_LOCK_TIMEOUT must be a whole number of seconds, 1 or more: {text!r}"
    )


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_opening_without_creating_refuses_a_missing_file_and_creates_nothing(
    tmp_path: Path,
) -> None:
    store = str(tmp_path / "typo.db")

    with pytest.raises(StoreUnavailable) as caught:
        MentorshipLedger(store, create=False)

    assert str(caught.value) == (
        f"no store at {store}: create one by recording something "
        "(e.g. mentorship person add ...) or run mentorship demo"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_opening_without_creating_refuses_a_file_without_events(tmp_path: Path) -> None:
    store = tmp_path / "empty.db"
    store.write_bytes(b"")

    with pytest.raises(StoreUnavailable) as caught:
        MentorshipLedger(str(store), create=False)

    assert str(caught.value).startswith(f"no store at {store}: ")


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_opening_without_creating_is_a_uri_that_cannot_create_the_file(tmp_path: Path) -> None:
    (tmp_path / "a b?.db").write_bytes(b"")

    env = store_environment(str(tmp_path / "a b?.db"), create=False)

    assert env["SQLITE_DBNAME"] == f"file:{tmp_path}/a%20b%3F.db?mode=rw"
    assert env["CREATE_TABLE"] == "n"


def test_the_message_for_a_missing_postgresql_store_hides_the_password() -> None:
    message = no_store_message("postgresql://app:secret@db.internal:6543/mentoring")

    assert message.startswith("no store at postgresql://app@db.internal:6543/mentoring: ")


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_a_new_store_and_its_log_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    ledger = MentorshipLedger(str(tmp_path / "new.db"))
    try:
        ledger.register_person("hr", "E1", "Ada")

        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
    finally:
        ledger.close()

    assert modes == {"new.db": 0o600, "new.db-wal": 0o600, "new.db-shm": 0o600}


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_an_existing_store_keeps_its_mode(tmp_path: Path) -> None:
    store = tmp_path / "shared.db"
    MentorshipLedger(str(store)).close()
    store.chmod(0o640)

    MentorshipLedger(str(store)).close()

    assert stat.S_IMODE(store.stat().st_mode) == 0o640


def test_a_postgresql_store_without_the_postgres_extra_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if psycopg were not installed: importing it fails, and eventsourcing's
    # PostgreSQL module (cached by module and by topic) must be imported afresh.
    for module in ("psycopg", "psycopg_pool"):
        monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.delitem(sys.modules, "eventsourcing.postgres", raising=False)
    monkeypatch.delitem(eventsourcing.utils._topic_cache, "eventsourcing.postgres", raising=False)

    with pytest.raises(StoreUnavailable) as caught:
        MentorshipLedger("postgresql://postgres@127.0.0.1:5432/test")

    assert str(caught.value) == (
        'PostgreSQL stores need the postgres extra: pip install "mentorship-ledger[postgres]"'
    )
