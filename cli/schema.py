"""`mentorship schema`: the JSON schema of every event's payload, for auditors."""

from __future__ import annotations

import click

from cli.output import to_json


def event_schemas() -> dict[str, object]:
    """Event type -> the JSON schema of its payload (personal fields are marked)."""
    from domain.mapper import payload_type
    from domain.mentorship import Mentorship
    from domain.person import Person
    from domain.program import Program

    events = [
        Person.Registered, Person.ProfileUpdated, Person.LeftOrganisation,
        Program.Launched, Program.Closed,
        Mentorship.Paired, Mentorship.Met, Mentorship.RolesReversed, Mentorship.Ended,
        Mentorship.MeetingRetracted,
    ]  # fmt: skip
    return {event.__qualname__: payload_type(event).model_json_schema() for event in events}


@click.command("schema")
@click.argument("event_type", required=False)
def schema(event_type: str | None) -> None:
    """Print the JSON schema of event payloads (all, or one type such as Mentorship.Met).

    Fields marked "x-personal-data": true hold personal data.

    Example: mentorship schema Mentorship.Met
    """
    schemas = event_schemas()
    if event_type is None:
        click.echo(to_json(schemas))
        return
    if event_type not in schemas:
        raise click.ClickException(
            f"unknown event type {event_type!r}: expected one of {', '.join(schemas)}"
        )
    click.echo(to_json(schemas[event_type]))


COMMANDS = [schema]
