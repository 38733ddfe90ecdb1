"""A tampered or corrupted store is one `Error: the store is damaged: ...` line
naming where, on SQLite and on PostgreSQL, and the command writes nothing.

Each store holds eight events, at these positions in the log:

    1-2  E1 and E2 registered            (people, version 1)
    3    the program launched            (program, version 1)
    4    the pairing, E1 mentors E2      (pairing, version 1)
    5    E1 joined the pairing           (E1, version 2)
    6    E2 joined the pairing           (E2, version 2)
    7-8  the pairing's two meetings      (pairing, versions 2 and 3)

Pairing records 4-6 in one transaction. The fixture checks this layout; the
tests pick the events they damage by the pairing's version and name them in
the messages by these positions. They edit the event table directly, as an
attacker or a disk fault would.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from backends import Stores
from cli_helpers import CLEAN_ENV, one_error_line
from click.testing import CliRunner, Result

from cli.main import cli
from domain.person import person_id
from domain.program import program_id

ENV = {"MENTORSHIP_ACTOR": "carol", "MENTORSHIP_LOCK_TIMEOUT": "1"}


def invoke(store: str, *args: str) -> Result:
    runner = CliRunner(env={**CLEAN_ENV, **ENV})
    return runner.invoke(cli, ["--store", store, *args], catch_exceptions=True)


def succeeded(store: str, *args: str) -> Result:
    result = invoke(store, *args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


@dataclass(frozen=True)
class Store:
    url: str
    pairing: str  # canonical UUID text
    sqlite: bool

    @property
    def table(self) -> str:
        return "stored_events" if self.sqlite else "mentorshipledger_events"

    @property
    def position(self) -> str:
        """The column that holds an event's position in the log."""
        return "rowid" if self.sqlite else "notification_id"

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        """Runs `statement` with {events} and {position} filled in for this store."""
        sql = statement.format(events=self.table, position=self.position)
        if self.sqlite:
            with closing(sqlite3.connect(self.url)) as connection:
                connection.execute(sql.replace("%s", "?"), params)
                connection.commit()
            return
        import psycopg

        with psycopg.connect(self.url) as connection:
            connection.execute(sql, params)

    def events(self) -> int:
        if self.sqlite:
            with closing(sqlite3.connect(self.url)) as connection:
                return int(connection.execute("SELECT count(*) FROM stored_events").fetchone()[0])
        import psycopg

        with psycopg.connect(self.url) as connection:
            row = connection.execute("SELECT count(*) FROM mentorshipledger_events").fetchone()
            assert row is not None
            return int(row[0])

    def originator(self) -> str:
        """The pairing id as the event table keeps it (hex text on SQLite, uuid here)."""
        return UUID(self.pairing).hex if self.sqlite else self.pairing

    def layout(self) -> list[tuple[int, str, str, int]]:
        """(position, topic, aggregate id as canonical text, version) of every event."""
        sql = (
            f"SELECT {self.position}, topic, originator_id, originator_version "
            f"FROM {self.table} ORDER BY {self.position}"
        )
        if self.sqlite:
            with closing(sqlite3.connect(self.url)) as connection:
                rows = connection.execute(sql).fetchall()
        else:
            import psycopg

            with psycopg.connect(self.url) as connection:
                rows = connection.execute(sql).fetchall()
        return [(int(n), topic, str(UUID(str(o))), int(v)) for n, topic, o, v in rows]

    def set_pairing_event(self, version: int, column: str, value: str | bytes) -> None:
        """Sets `column` (topic or state) of the pairing's event `version`."""
        assert column in ("topic", "state")
        self.execute(
            f"UPDATE {{events}} SET {column} = %s "
            "WHERE originator_id = %s AND originator_version = %s",
            (value, self.originator(), version),
        )


@pytest.fixture
def store(stores: Stores) -> Store:
    is_sqlite = stores.backend == "sqlite"
    url = stores()
    succeeded(url, "person", "add", "E1", "--name", "Ada Lovelace", "--level", "7")
    succeeded(url, "person", "add", "E2", "--name", "Brian K", "--level", "3")
    succeeded(url, "program", "launch", "p-2020", "--name", "P", "--on", "2020-01-06")
    pair = ("pair", "--program", "p-2020", "--mentor", "E1", "--mentee", "E2", "--on", "2020-02-03")
    pairing = succeeded(url, *pair).stdout.strip()
    for day in ("2020-02-10", "2020-02-17"):
        succeeded(url, "meet", pairing, "--minutes", "30", "--on", day)
    built = Store(url, pairing, is_sqlite)
    e1, e2 = (str(person_id(e)) for e in ("E1", "E2"))
    assert built.layout() == [
        (1, "domain.person:Person.Registered", e1, 1),
        (2, "domain.person:Person.Registered", e2, 1),
        (3, "domain.program:Program.Launched", str(program_id("p-2020")), 1),
        (4, "domain.mentorship:Mentorship.Paired", pairing, 1),
        (5, "domain.person:Person.PairingJoined", e1, 2),
        (6, "domain.person:Person.PairingJoined", e2, 2),
        (7, "domain.mentorship:Mentorship.Met", pairing, 2),
        (8, "domain.mentorship:Mentorship.Met", pairing, 3),
    ], "the store no longer holds the events the docstring counts on"
    return built


def test_a_deleted_middle_event_is_named_by_aggregate_and_version(store: Store) -> None:
    store.execute(
        "DELETE FROM {events} WHERE originator_id = %s AND originator_version = 2",
        (store.originator(),),
    )
    expected = (
        f"Error: the store is damaged: aggregate {store.pairing}: "
        "version 2 is missing (the next event is version 3)"
    )

    shown = one_error_line(invoke(store.url, "show", store.pairing))
    met = one_error_line(invoke(store.url, "meet", store.pairing, "--minutes", "5",
                                "--on", "2020-03-02"))  # fmt: skip

    assert (shown, met) == (expected, expected)
    assert store.events() == 7  # 8 less the deleted one; the meeting wrote nothing


def test_an_unknown_event_type_is_named_by_the_views_and_by_the_aggregate(store: Store) -> None:
    bogus = "domain.mentorship:Mentorship.Bogus"
    store.set_pairing_event(2, "topic", bogus)  # the first meeting, event 7

    listed = one_error_line(invoke(store.url, "list"))
    shown = one_error_line(invoke(store.url, "show", store.pairing))

    assert listed == (
        f"Error: the store is damaged: event 7 (aggregate {store.pairing}, version 2): "
        f"unknown event type {bogus!r}"
    )
    assert shown == (
        f"Error: the store is damaged: aggregate {store.pairing}, version 2: "
        f"unknown event type {bogus!r}"
    )


def test_invalid_json_is_named_by_a_replay_and_by_the_aggregate(store: Store) -> None:
    store.set_pairing_event(3, "state", b'{"timestamp": ')  # the second meeting, event 8

    replayed = one_error_line(invoke(store.url, "replay"))
    history = one_error_line(invoke(store.url, "history", store.pairing))

    assert replayed == (
        f"Error: the store is damaged: event 8 (aggregate {store.pairing}, version 3): "
        "its state is not valid JSON"
    )
    assert history == (
        f"Error: the store is damaged: aggregate {store.pairing}, version 3: "
        "its state is not valid JSON"
    )


def test_a_missing_field_is_named_by_the_views(store: Store) -> None:
    store.set_pairing_event(  # the first meeting, event 7, without its date
        2,
        "state",
        b'{"timestamp":"2020-02-10T09:00:00+00:00","actor":"x","payload":{"number":1}}',
    )

    assert one_error_line(invoke(store.url, "people")) == (
        f"Error: the store is damaged: event 7 (aggregate {store.pairing}, version 2): "
        "Met event has no field 'on'"
    )


def test_an_out_of_range_value_is_named_by_the_aggregate(store: Store) -> None:
    store.set_pairing_event(  # the first meeting, event 7
        2,
        "state",
        b'{"timestamp":"2020-02-10T09:00:00+00:00","actor":"x",'
        b'"payload":{"number":1,"on":"2020-02-10","minutes":99999,"note":null}}',
    )

    message = one_error_line(invoke(store.url, "meet", store.pairing, "--minutes", "5",
                                    "--on", "2020-03-02"))  # fmt: skip

    assert message == (
        f"Error: the store is damaged: aggregate {store.pairing}, version 2: Met event field "
        "'minutes' is invalid: Input should be less than or equal to 1440 (got 99999)"
    )
    assert store.events() == 8  # the meeting wrote nothing


def test_views_moved_back_are_out_of_step_until_a_replay(store: Store) -> None:
    succeeded(store.url, "list")
    store.execute("UPDATE view_tracking SET notification_id = 3")  # before the pairing
    duplicate = (
        "UNIQUE constraint failed: view_pairings.id"
        if store.sqlite
        else 'duplicate key value violates unique constraint "view_pairings_id_key"'
    )

    message = one_error_line(invoke(store.url, "list"))
    succeeded(store.url, "replay")
    listed = json.loads(succeeded(store.url, "list", "--format", "json").stdout)

    assert message == (
        "Error: the store is damaged: the views are out of step with the event log "
        f"(applying events 4-8: {duplicate}); run mentorship replay to rebuild them"
    )
    assert [(row["id"], row["meetings"]) for row in listed] == [(store.pairing, 2)]
