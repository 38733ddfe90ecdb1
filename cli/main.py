"""The `mentorship` command: record and audit mentoring relationships.

User errors become one line on stderr, `Error: ...`, with exit code 1 and no
traceback; that includes usage mistakes such as a missing option.
"""

from __future__ import annotations

from typing import Any

import click

from cli.context import QUERIES, LedgerContext
from cli.groups import HelpGroup
from domain.errors import LedgerError
from domain.store import DEFAULT_STORE


def _storage_error(error: Exception, store: str | None) -> click.ClickException | None:
    """A store that cannot be opened or used: one line, naming the cause.

    Store states the domain knows (busy, damaged, missing) are `LedgerError`s
    and never reach here; this handles what the drivers raise.
    """
    import sqlite3

    from eventsourcing.persistence import PersistenceError

    from domain.store import busy_message, is_postgres, lock_timeout
    from domain.store_guard import error_chain, is_lock_timeout

    kinds: tuple[type[Exception], ...] = (PersistenceError, sqlite3.Error)
    try:
        import psycopg

        kinds += (psycopg.Error,)
    except ImportError:  # the postgres extra is not installed
        pass
    if not isinstance(error, kinds):
        return None
    if is_lock_timeout(error):
        return click.ClickException(busy_message(lock_timeout()))
    # The pool only says "couldn't get a connection after 5.00 sec": one
    # plain connection attempt names the real cause.
    timed_out = any(type(e).__name__ == "PoolTimeout" for e in error_chain(error))
    if store and is_postgres(store) and timed_out:
        from cli.store_errors import postgres_connection_failure

        reason = postgres_connection_failure(store)
        if reason is not None:
            return click.ClickException(reason)
    text = str(error).strip()
    detail = text.splitlines()[0] if text else type(error).__name__
    return click.ClickException(f"cannot use the store: {detail}")


def _one_line(message: str) -> str:
    """Click lists a missing choice's values on lines of their own."""
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def _check_utf8(values: list[str]) -> None:
    """Arguments that are not valid UTF-8 arrive with lone surrogates: refuse them
    here, once, rather than deep inside a payload or a database driver."""
    for value in values:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            try:  # show the undecodable bytes as the user typed them, e.g. \xff
                raw = value.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                raw = value.encode("utf-8", "backslashreplace")
            shown = str(raw)[2:-1]
            raise click.ClickException(f"argument '{shown}' is not valid UTF-8 text") from None


class LedgerGroup(HelpGroup):
    """Turns domain errors and usage mistakes into one-line `Error:` messages."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        _check_utf8(args)
        return super().parse_args(ctx, args)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as error:
            raise click.ClickException(_one_line(error.format_message())) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise click.ClickException(_one_line(error.format_message())) from None
        except LedgerError as error:
            raise click.ClickException(str(error)) from None
        except Exception as error:
            store = ctx.obj.store if isinstance(ctx.obj, LedgerContext) else None
            converted = _storage_error(error, store)
            if converted is None:
                raise
            raise converted from None


@click.group(cls=LedgerGroup)
@click.option(
    "--store",
    envvar="MENTORSHIP_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    help="SQLite file, or postgresql://user:pw@host:port/db. [env: MENTORSHIP_STORE]",
)
@click.option(
    "--actor",
    envvar="MENTORSHIP_ACTOR",
    default=None,
    help="Who is recording (default: $MENTORSHIP_ACTOR, else your OS user name).",
)
@click.version_option(package_name="mentorship-ledger")
@click.pass_context
def cli(ctx: click.Context, store: str, actor: str | None) -> None:
    """Mentorship Ledger: an event-sourced record of mentoring pairings.

    Example: mentorship --store team.db pair --program reverse-2026 --mentor E2001 --mentee E1042
    """
    _check_utf8([store] + ([actor] if actor is not None else []))
    if ctx.obj is None:
        ctx.obj = LedgerContext(store, actor)
    elif actor is not None:
        ctx.obj.actor = actor
    ctx.obj.reading = ctx.invoked_subcommand in QUERIES


def _register() -> None:
    from cli import (
        audit,
        demo,
        engagement,
        entity_history,
        export,
        follow,
        importing,
        pairing,
        person,
        person_show,
        program,
        program_show,
        report,
        reports,
        retention,
        schema,
        verify,
    )

    modules = (
        *(person, program, pairing, audit, retention, engagement, reports, schema, demo),
        *(follow, export, importing, report, verify),
    )
    for module in modules:
        for command in module.COMMANDS:
            cli.add_command(command)
    # Read-only subcommands live in their own modules, apart from those that record.
    person.person.add_command(person_show.show)
    program.program.add_command(program_show.show)
    person.person.add_command(entity_history.person_history)
    program.program.add_command(entity_history.program_history)


_register()


def main() -> None:
    cli(prog_name="mentorship")
