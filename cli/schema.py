"""`mentorship schema`: the JSON schema of every event's payload, for auditors."""

from __future__ import annotations

import click

from cli.output import to_json


def event_schemas() -> dict[str, object]:
    """Event type -> the JSON schema of its payload (personal fields are marked).

    Found on the aggregates themselves, so a new event type is published as
    soon as it exists.
    """
    import typing

    from eventsourcing.domain import Aggregate

    from domain.mapper import payload_type
    from domain.mentorship import Mentorship
    from domain.person import Person
    from domain.program import Program

    events = [
        event
        for aggregate in (Person, Program, Mentorship)
        for event in vars(aggregate).values()
        # The library adds payload-less base events of its own: not ours.
        if isinstance(event, type)
        and issubclass(event, Aggregate.Event)
        and "payload" in typing.get_type_hints(event)
    ]
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
