"""`mentorship export events`: the whole event log as JSON Lines."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cli.context import LedgerContext, pass_ledger
from cli.groups import HelpGroup


@click.group("export", cls=HelpGroup)
def export() -> None:
    """Write the store's contents out, for a backup or another store.

    Example: mentorship export events --out ledger.jsonl
    """


@export.command("events")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: stdout). It appears only when the export is complete.",
)
@pass_ledger
def events(ctx: LedgerContext, out: Path | None) -> None:
    """Every event, one JSON object a line, in the order recorded (see docs/import.md).

    Example: mentorship --store team.db export events --out team.jsonl
    """
    from domain.event_lines import export_lines

    recorder, mapper = ctx.event_log()
    if out is None:
        stdout = sys.stdout.buffer
        for chunk in export_lines(recorder, mapper):
            stdout.write(chunk)
        stdout.flush()
        return
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("wb") as file:
            for chunk in export_lines(recorder, mapper):
                file.write(chunk)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


COMMANDS = [export]
