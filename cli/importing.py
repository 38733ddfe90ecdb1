"""`mentorship import`: load an exported event log into an empty store."""

from __future__ import annotations

from pathlib import Path

import click

from cli.context import LedgerContext, pass_ledger
from cli.reports import progress_bar


@click.command("import")
@click.option(
    "--events",
    "events_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file written by `mentorship export events`.",
)
@pass_ledger
def import_(ctx: LedgerContext, events_file: Path) -> None:
    """Load an exported event log into an empty store, all or nothing.

    Each event keeps its aggregate, version, recording time and actor.

    Example: mentorship --store copy.db import --events team.jsonl
    """
    from domain.errors import InvalidInput, LedgerError, NotAllowed
    from domain.event_lines import read_line

    ledger = ctx.ledger
    held = ledger.recorder.max_notification_id() or 0
    if held:
        raise NotAllowed(
            f"store {ctx.store} already has {held} events; import --events needs an empty store"
        )
    count = 0
    bar = progress_bar("Importing")
    with bar as update, events_file.open("rb") as file, ledger.unit_of_work():
        for number, text in enumerate(file, start=1):
            if not text.strip():
                continue
            try:
                ledger.save(read_line(text, ledger.mapper))
            except LedgerError as error:
                raise InvalidInput(f"{events_file}:{number}: {error}") from None
            count += 1
            if count % 10_000 == 0:
                update(count, count)
    click.echo(f"Imported {count} events from {events_file}")


COMMANDS = [import_]
