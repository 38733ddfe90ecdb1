"""Choosing the store and the actor, through the real root group (no injected
application): `--store`, `$MENTORSHIP_STORE`, `--actor`, `$MENTORSHIP_ACTOR`.

Every date given is long past, so these tests do not depend on the real today.
Tests on a store run on SQLite and PostgreSQL (`stores`); those about file paths
are about SQLite by nature.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest
from backends import Stores
from cli_helpers import CLEAN_ENV, one_error_line
from click.testing import CliRunner, Result

from cli.main import cli

SQLITE_FILE = "about SQLite file paths"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner(env={**CLEAN_ENV, **(env or {})})
    return runner.invoke(cli, list(args), catch_exceptions=True, prog_name="mentorship")


def succeeded(*args: str, env: dict[str, str] | None = None) -> Result:
    result = invoke(*args, env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _record_a_pairing(*store: str, env: dict[str, str] | None = None) -> str:
    for employee_id, name, level in (("E1", "Ada Lovelace", "7"), ("E2", "Brian K", "3")):
        succeeded(*store, "person", "add", employee_id, "--name", name, "--level", level, env=env)
    succeeded(*store, "program", "launch", "p-2020", "--name", "P", "--on", "2020-01-06", env=env)
    pair = ("pair", "--program", "p-2020", "--mentor", "E1", "--mentee", "E2")
    return succeeded(*store, *pair, "--on", "2020-02-03", env=env).stdout.strip()


def _actors(*store: str, env: dict[str, str] | None = None) -> list[str]:
    found = json.loads(succeeded(*store, "history", "E1/E2", "--format", "json", env=env).stdout)
    return [event["actor"] for event in found["events"]]


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_a_directory_is_not_a_store(tmp_path: Path) -> None:
    for command in (("people",), ("person", "add", "E1", "--name", "Ada")):
        message = one_error_line(invoke("--store", str(tmp_path), *command))

        assert message == f"Error: store '{tmp_path}' is a directory, not a database file"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_a_store_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "missing" / "ledger.db"

    message = one_error_line(invoke("--store", str(store), "person", "add", "E1", "--name", "A"))

    assert message == f"Error: store '{store}': directory {store.parent} does not exist"
    assert not store.parent.exists()


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_a_file_that_is_not_a_database_is_refused_in_one_line(tmp_path: Path) -> None:
    store = tmp_path / "notes.db"
    store.write_text("not a database\n")

    message = one_error_line(invoke("--store", str(store), "people"))

    assert message == "Error: cannot use the store: file is not a database"


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_a_store_inside_a_file_is_refused_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a directory\n")

    store = str(blocker / "ledger.db")

    message = one_error_line(invoke("--store", store, "person", "add", "E1", "--name", "A"))

    assert message == "Error: cannot use the store: unable to open database file"


@pytest.mark.parametrize(
    ("store", "expected"),
    [
        (
            "sqlite:///ledger.db",
            "Error: unsupported store 'sqlite:///ledger.db': "
            "give a file path or a postgresql:// URL",
        ),
        (
            "postgresql://db-host",
            "Error: invalid store URL 'postgresql://db-host': "
            "expected postgresql://user:pw@host:port/db",
        ),
    ],
)
def test_a_store_url_must_be_postgresql_and_complete(store: str, expected: str) -> None:
    assert one_error_line(invoke("--store", store, "programs")) == expected


def test_the_environment_selects_the_store(stores: Stores) -> None:
    store = stores("from-env.db")
    env = {"MENTORSHIP_STORE": store, "MENTORSHIP_ACTOR": "carol"}

    succeeded("person", "add", "E1", "--name", "Ada Lovelace", env=env)

    listed = json.loads(succeeded("people", "--format", "json", env=env).stdout)
    assert [p["id"] for p in listed] == ["E1"]
    by_option = succeeded("--store", store, "people", "--format", "csv")
    assert by_option.stdout.splitlines()[1].startswith("E1,Ada Lovelace,")


def test_the_store_option_beats_the_environment(stores: Stores) -> None:
    env = {"MENTORSHIP_STORE": stores("env.db"), "MENTORSHIP_ACTOR": "carol"}
    succeeded("person", "add", "E1", "--name", "Ada Lovelace", env=env)

    other = ("--store", stores("other.db"))
    succeeded(*other, "person", "add", "E2", "--name", "Grace Hopper", env=env)

    listed = json.loads(succeeded(*other, "people", "--format", "json", env=env).stdout)
    assert [p["id"] for p in listed] == ["E2"]


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_the_default_store_is_mentorship_db_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    succeeded("person", "add", "E1", "--name", "Ada Lovelace", env={"MENTORSHIP_ACTOR": "carol"})

    assert (tmp_path / "mentorship.db").is_file()


def test_each_invocation_reopens_the_store_and_sees_earlier_ones(stores: Stores) -> None:
    store = ("--store", stores())
    env = {"MENTORSHIP_ACTOR": "carol"}
    pairing = _record_a_pairing(*store, env=env)

    meeting = succeeded(*store, "meet", pairing[:8], "--minutes", "30", "--on", "2020-02-10")

    assert meeting.stdout == f"Recorded meeting 1 of pairing {pairing}\n"
    listed = json.loads(succeeded(*store, "list", "--format", "json").stdout)
    assert [(p["id"], p["meetings"], p["minutes"]) for p in listed] == [(pairing, 1, 30)]


def test_the_actor_defaults_to_the_environment(stores: Stores) -> None:
    store = ("--store", stores())
    _record_a_pairing(*store, env={"MENTORSHIP_ACTOR": "carol"})

    succeeded(*store, "--actor", "dave", "meet", "E1/E2", "--minutes", "5", "--on", "2020-03-02")

    assert _actors(*store) == ["carol", "dave"]


def test_the_actor_falls_back_to_the_os_user_name(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "osuser")
    store = ("--store", stores())

    _record_a_pairing(*store)

    assert _actors(*store) == ["osuser"]


def test_the_actor_is_unknown_without_any_user_name(
    stores: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_user() -> str:
        raise OSError("no user name")

    monkeypatch.setattr(getpass, "getuser", no_user)
    store = ("--store", stores())

    _record_a_pairing(*store)

    assert _actors(*store) == ["unknown"]


def test_version_and_help() -> None:
    assert succeeded("--version").stdout == "mentorship, version 0.1.0\n"
    listed = succeeded("--help").stdout
    for command in ("person", "people", "program", "programs", "pair", "meet", "reverse", "end",
                    "retract", "show", "history", "list", "retention", "engagement", "replay",
                    "demo"):  # fmt: skip
        assert f"\n  {command} " in listed
