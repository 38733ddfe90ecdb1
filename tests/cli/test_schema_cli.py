"""`mentorship schema` publishes each event payload's JSON schema."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import cli


def test_schema_lists_every_event_type_with_personal_fields_marked() -> None:
    result = CliRunner().invoke(cli, ["schema"])

    schemas = json.loads(result.stdout)
    assert result.exit_code == 0
    # Every event type the aggregates define, in the order they define them.
    assert list(schemas) == [
        "Person.Registered", "Person.ProfileUpdated", "Person.LeftOrganisation",
        "Person.PairingJoined", "Person.PairingResumed", "Person.Forgotten",
        "Program.Launched", "Program.Closed",
        "Mentorship.Paired", "Mentorship.Met", "Mentorship.RolesReversed", "Mentorship.Ended",
        "Mentorship.MeetingRetracted", "Mentorship.Reopened",
    ]  # fmt: skip
    registered = schemas["Person.Registered"]["properties"]
    assert registered["name"]["x-personal-data"] is True
    assert registered["email"]["anyOf"][0]["x-personal-data"] is True
    assert "x-personal-data" not in json.dumps(registered["level"])


def test_schema_of_one_event_type() -> None:
    result = CliRunner().invoke(cli, ["schema", "Mentorship.Met"])

    schema = json.loads(result.stdout)
    assert schema["required"] == ["number", "on", "minutes"]
    assert schema["properties"]["minutes"]["maximum"] == 1440


def test_schema_of_an_unknown_event_type_is_a_one_line_error() -> None:
    result = CliRunner().invoke(cli, ["schema", "Mentorship.Hugged"])

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown event type 'Mentorship.Hugged': expected")
    assert len(result.stderr.strip().splitlines()) == 1
