"""How events are stored: the JSON shape, round trips through `PayloadMapper`,
upcasting old event versions, the choice of store, and personal-data markers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import BaseModel

from domain.application import MentorshipLedger
from domain.errors import InvalidInput
from domain.events import PERSONAL_DATA, personal_fields
from domain.mapper import PayloadMapper
from domain.mentorship import (
    Direction,
    Ending,
    EndReason,
    Meeting,
    Mentorship,
    Pairing,
    Reopening,
    Retraction,
    RoleReversal,
)
from domain.person import (
    Departure,
    Forgetting,
    Membership,
    Person,
    ProfileChange,
    Registration,
    Resumption,
)
from domain.program import Closure, Launch, Program
from domain.store import store_environment
from domain.vocabulary import Role

ACTOR = "hr.admin"
TODAY = date(2026, 11, 22)


SQLITE_FILE = "about SQLite file paths"


def one_of_every_event() -> list[Any]:
    """Every event type the domain has, raised on aggregates that are never saved."""
    person = Person.register(
        ACTOR,
        Registration(
            employee_id="zoe.k",
            name="Zoë Kowalska",
            email="zoe@example.com",
            level=4,
            department="Finance",
            joined_on=date(2025, 6, 1),
        ),
        TODAY,
    )
    person.update_profile("p.ops", ProfileChange(level=5, email="zk@example.com"), TODAY)
    program = Program.launch(
        "l.d",
        Launch(slug="spring-2026", name="Spring", cadence_days=14, on=date(2026, 1, 5)),
        TODAY,
    )
    pairing = Mentorship.pair(
        "coordinator",
        Pairing(
            program="spring-2026",
            mentor="zoe.k",
            mentee="bob",
            direction=Direction.TRADITIONAL,
            on=date(2026, 2, 2),
            mentor_level=4,
            mentee_level=3,
        ),
        1,
    )
    person.join_pairing("coordinator", pairing.id, "spring-2026", Role.MENTOR, date(2026, 2, 2))
    pairing.meet("zoe.k", date(2026, 3, 1), 45, "career plan", TODAY)
    pairing.reverse_roles("bob", date(2026, 3, 2), "bob shows the data tools", TODAY)
    pairing.retract_meeting("auditor", 1, "logged twice")
    pairing.end("coordinator", date(2026, 3, 20), EndReason.MISMATCH, None, TODAY)
    pairing.reopen("coordinator", "ended by mistake")
    person.resume_pairing("coordinator", pairing.id)
    pairing.end("coordinator", date(2026, 4, 1), EndReason.COMPLETED, "went well", TODAY)
    person.leave("p.ops", Departure(on=date(2026, 9, 30), reason="retired"), TODAY)
    program.close("l.d", date(2026, 10, 1), TODAY)
    return [*person.collect_events(), *program.collect_events(), *pairing.collect_events()]


@pytest.fixture
def mapper(tmp_path: Path) -> Iterator[PayloadMapper]:
    """The application's mapper; it does not depend on the backend, so an SQLite
    file is enough (the round trip through both stores is tested below)."""
    app = MentorshipLedger(str(tmp_path / "mapper.db"), today=lambda: TODAY)
    try:
        assert isinstance(app.mapper, PayloadMapper)
        yield app.mapper
    finally:
        app.close()


def test_every_event_type_survives_a_round_trip_through_the_mapper(mapper) -> None:
    events = one_of_every_event()

    reloaded = [mapper.to_domain_event(mapper.to_stored_event(e)) for e in events]

    assert [type(e).__qualname__ for e in reloaded] == [
        "Person.Registered",
        "Person.ProfileUpdated",
        "Person.PairingJoined",
        "Person.PairingResumed",
        "Person.LeftOrganisation",
        "Program.Launched",
        "Program.Closed",
        "Mentorship.Paired",
        "Mentorship.Met",
        "Mentorship.RolesReversed",
        "Mentorship.MeetingRetracted",
        "Mentorship.Ended",
        "Mentorship.Reopened",
        "Mentorship.Ended",
    ]
    for original, copy in zip(events, reloaded, strict=True):
        assert type(copy) is type(original)
        assert copy.payload == original.payload
        assert type(copy.payload) is type(original.payload)
        assert (copy.originator_id, copy.originator_version) == (
            original.originator_id,
            original.originator_version,
        )
        assert (copy.actor, copy.timestamp) == (original.actor, original.timestamp)
        assert copy == original


def test_events_read_back_from_a_reopened_store_equal_the_ones_written(store_path) -> None:
    events = one_of_every_event()
    writer = MentorshipLedger(store_path, today=lambda: TODAY)
    writer.recorder.insert_events([writer.mapper.to_stored_event(e) for e in events])
    writer.close()

    reader = MentorshipLedger(store_path, today=lambda: TODAY)
    records = reader.recorder.select_notifications(start=1, limit=100)
    reloaded = [reader.mapper.to_domain_event(r) for r in records]
    reader.close()

    assert reloaded == events
    assert [e.payload for e in reloaded] == [e.payload for e in events]


def test_a_stored_event_is_json_with_timestamp_actor_and_payload(ledger, pair) -> None:
    pairing = pair("alice", "bob")
    ledger.log_meeting("alice", pairing.id, date(2026, 3, 1), 30)

    paired, met = (orjson.loads(r.state) for r in ledger.recorder.select_events(pairing.id))

    assert list(met) == ["timestamp", "actor", "payload"]
    assert met["actor"] == "alice"
    assert met["timestamp"].endswith("+00:00")
    assert met["payload"] == {"number": 1, "on": "2026-03-01", "minutes": 30, "note": None}
    assert list(paired) == ["timestamp", "actor", "payload", "originator_topic"]
    assert paired["originator_topic"] == "domain.mentorship:Mentorship"
    assert paired["payload"] == {
        "program": "spring-2026",
        "mentor": "alice",
        "mentee": "bob",
        "direction": "traditional",
        "on": "2026-02-02",
        "mentor_level": 7,
        "mentee_level": 3,
    }


def test_the_mapper_upcasts_events_stored_at_an_older_class_version(
    ledger, pair, monkeypatch
) -> None:
    pairing = pair("alice", "bob")
    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 1), 30)  # stored at version 1
    seen: list[dict[str, Any]] = []

    def upcast_v1_v2(state: dict[str, Any]) -> None:
        seen.append(dict(state["payload"]))
        state["payload"]["note"] = "migrated from v1"

    monkeypatch.setattr(Mentorship.Met, "class_version", 2, raising=False)
    monkeypatch.setattr(Mentorship.Met, "upcast_v1_v2", staticmethod(upcast_v1_v2), raising=False)

    old_meeting = list(ledger.events.get(pairing.id))[1]

    assert old_meeting.payload == Meeting(
        number=1, on=date(2026, 3, 1), minutes=30, note="migrated from v1"
    )
    assert seen == [{"number": 1, "on": "2026-03-01", "minutes": 30, "note": None}]

    ledger.log_meeting(ACTOR, pairing.id, date(2026, 3, 8), 40)
    new_state = orjson.loads(ledger.recorder.select_events(pairing.id)[-1].state)
    seen.clear()
    history = list(ledger.events.get(pairing.id))

    assert new_state["class_version"] == 2
    assert [e.payload.note for e in history[1:]] == ["migrated from v1", None]
    assert len(seen) == 1  # only the version-1 meeting was upcast; Paired never


def test_a_postgresql_url_is_parsed_into_connection_settings() -> None:
    env = store_environment("postgresql://ledger_app:s%40fe@db.internal:6543/mentoring")

    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (
        env["POSTGRES_HOST"],
        env["POSTGRES_PORT"],
        env["POSTGRES_USER"],
        env["POSTGRES_PASSWORD"],
        env["POSTGRES_DBNAME"],
    ) == ("db.internal", "6543", "ledger_app", "s@fe", "mentoring")
    assert env["MAPPER_TOPIC"] == "domain.mapper:PayloadMapper"
    assert env["TRANSCODER_TOPIC"] == "domain.mapper:OrjsonTranscoder"


def test_a_postgresql_url_defaults_to_port_5432_and_user_postgres() -> None:
    env = store_environment("postgres://db.internal/mentoring")

    assert (env["POSTGRES_PORT"], env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == (
        "5432",
        "postgres",
        "",
    )


@pytest.mark.parametrize(
    ("store", "message"),
    [
        (
            "postgresql://db.internal",
            "invalid store URL 'postgresql://db.internal': "
            "expected postgresql://user:pw@host:port/db",
        ),
        (
            "postgresql://db.internal:port/x",
            "invalid port in store URL 'postgresql://db.internal:port/x'",
        ),
        (
            "mysql://db.internal/x",
            "unsupported store 'mysql://db.internal/x': give a file path or a postgresql:// URL",
        ),
    ],
)
def test_a_malformed_store_url_is_invalid(store: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        store_environment(store)

    assert str(caught.value) == message


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_a_file_path_selects_sqlite(tmp_path: Path) -> None:
    env = store_environment(str(tmp_path / "ledger.db"))

    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == str(tmp_path / "ledger.db")


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_a_store_in_a_missing_directory_is_invalid(tmp_path: Path) -> None:
    store = str(tmp_path / "nowhere" / "ledger.db")

    with pytest.raises(InvalidInput) as caught:
        MentorshipLedger(store)

    assert str(caught.value) == f"store {store!r}: directory {tmp_path / 'nowhere'} does not exist"
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_a_directory_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        MentorshipLedger(str(tmp_path))

    assert str(caught.value) == f"store {str(tmp_path)!r} is a directory, not a database file"
    assert list(tmp_path.iterdir()) == []


# Personal data markers.

PERSONAL = {
    Registration: ["name", "email"],
    ProfileChange: ["name", "email"],
    Departure: ["reason"],
    Membership: [],
    Resumption: [],
    Forgetting: [],
    Launch: [],
    Closure: [],
    Pairing: [],
    Meeting: ["note"],
    RoleReversal: ["note"],
    Ending: ["note"],
    Retraction: [],
    Reopening: [],
}


@pytest.mark.parametrize("model", list(PERSONAL), ids=lambda m: m.__name__)
def test_personal_fields_names_exactly_the_personal_data_of_each_payload(
    model: type[BaseModel],
) -> None:
    assert personal_fields(model) == PERSONAL[model]


def test_the_published_schema_marks_a_required_personal_field_on_the_field_itself() -> None:
    name = Registration.model_json_schema()["properties"]["name"]

    assert name[PERSONAL_DATA] is True
    assert name["maxLength"] == 200


def test_the_published_schema_marks_an_optional_personal_field_on_its_text_branch() -> None:
    note = Meeting.model_json_schema()["properties"]["note"]

    assert note["anyOf"][0][PERSONAL_DATA] is True
    assert note["anyOf"][0]["maxLength"] == 2000
    assert note["anyOf"][1] == {"type": "null"}


def test_ids_dates_and_reasons_are_not_marked_personal() -> None:
    ending = Ending.model_json_schema()["properties"]

    assert PERSONAL_DATA not in ending["reason"]
    assert PERSONAL_DATA not in ending["on"]
