"""`mentorship import`: CSV files of people, programs, pairings and meetings, or
an exported event log, into the store: all or nothing."""

from __future__ import annotations

import time
from pathlib import Path

import click

from cli.context import LedgerContext, pass_ledger
from cli.csv_columns import KINDS
from cli.reports import progress_bar

SHOWN_ERRORS = 50
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


class _Abort(Exception):
    """Leaves the unit of work without writing."""


@click.command("import")
@click.argument("files", nargs=-1, type=FILE)
@click.option(
    "--events", "events_file", type=FILE, help="A file written by `mentorship export events`."
)
@click.option(
    "--kind", type=click.Choice(KINDS), help="The kind of every file, instead of its header's."
)
@click.option("--dry-run", is_flag=True, help="Check every row; write nothing.")
@pass_ledger
def import_(
    ctx: LedgerContext,
    files: tuple[Path, ...],
    events_file: Path | None,
    kind: str | None,
    dry_run: bool,
) -> None:
    """Import CSV files (kind read from the header; see docs/import.md), all or nothing.

    Every bad row is reported as FILE:LINE: reason. With --events, load an exported
    event log into an empty store instead, keeping each event's time and actor
    (a bad line stops it: FILE:LINE: reason).

    Example: mentorship import people.csv programs.csv pairings.csv meetings.csv

    Example: mentorship --store new.db import --events log.jsonl --dry-run
    """
    from domain.errors import InvalidInput

    if events_file is not None:
        if files or kind:
            raise InvalidInput("--events cannot be combined with CSV files or --kind")
        _import_events(ctx, events_file, dry_run)
        return
    if not files:
        raise InvalidInput("give CSV files to import, or --events FILE")
    _import_csv(ctx, files, kind, dry_run)


def _import_csv(
    ctx: LedgerContext, files: tuple[Path, ...], kind: str | None, dry_run: bool
) -> None:
    from cli.import_csv import Batch

    ledger = ctx.ledger
    started = time.perf_counter()
    with Batch(ledger, ctx.actor, kind) as batch:
        try:
            with progress_bar("Importing") as update, ledger.unit_of_work() as work:
                for path in files:
                    batch.read(path)
                batch.run(update)
                events = len(work)
                if batch.errors or dry_run:
                    raise _Abort
        except _Abort:
            pass
    if batch.errors:
        for line in batch.problems[:SHOWN_ERRORS]:
            click.echo(line, err=True)
        if len(batch.errors) > SHOWN_ERRORS:
            click.echo(f"... and {len(batch.errors) - SHOWN_ERRORS} more", err=True)
        found = len(batch.errors)
        problems = f"{found} problem{'s' if found != 1 else ''}"
        click.echo(f"Error: {problems} found; nothing was written", err=True)
        click.get_current_context().exit(1)
    done = "checked, nothing written (--dry-run)" if dry_run else "imported"
    click.echo(f"{batch.rows} rows {done}: {events} events{_rate(events, started)}")


def _import_events(ctx: LedgerContext, events_file: Path, dry_run: bool) -> None:
    from domain.log_import import import_log

    started = time.perf_counter()
    with progress_bar("Checking" if dry_run else "Importing") as update:
        count = import_log(ctx.ledger, events_file, update, dry_run=dry_run)
    if dry_run:
        click.echo(f"Checked {count} events from {events_file}, nothing written (--dry-run)"
                   f"{_rate(count, started)}")  # fmt: skip
    else:
        click.echo(f"Imported {count} events from {events_file}{_rate(count, started)}")


def _rate(events: int, started: float) -> str:
    seconds = time.perf_counter() - started
    return f" in {seconds:.1f} s ({events / max(seconds, 1e-9):,.0f} events/s)"


COMMANDS = [import_]
