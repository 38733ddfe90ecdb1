"""`mentorship report`: one self-contained HTML page with the curves, for leadership."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from cli.context import LedgerContext, pass_ledger
from cli.reports import as_of_date
from domain.errors import InvalidInput, NotFound

DEFAULT_OUT = "mentorship-report.html"


def shown_store(store: str) -> str:
    """The store as the footer names it: never a PostgreSQL password."""
    from domain.store import is_postgres

    if not is_postgres(store):
        return store
    from urllib.parse import urlsplit

    url = urlsplit(store)
    userinfo, _, host = url.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return url._replace(netloc=f"{user}@{host}" if user else host).geturl()


def write_report(
    ctx: LedgerContext,
    out: str,
    as_of_text: str | None = None,
    programs: tuple[str, ...] = (),
    pseudonymise: bool = False,
) -> str:
    """Writes the report to `out` (`-`: stdout) and returns where it went."""
    from importlib.metadata import version

    from cli.report_page import pseudonyms, render
    from projections.report_data import gather

    as_of = as_of_date(ctx, as_of_text)
    views = ctx.views
    if programs:
        known = {p["id"] for p in views.programs()}
        for slug in programs:
            if slug not in known:
                raise NotFound(f"unknown program {slug!r}")
    figures = gather(views, as_of, list(programs), names=not pseudonymise)
    recorder = views.runner.recorder
    codes = None
    if pseudonymise:
        first = recorder.select_notifications(start=1, limit=1)
        key = bytes(first[0].state) if first else b""
        listed = [r[role] for r in figures.at_risk for role in ("mentor", "mentee")]
        codes = pseudonyms(listed, key)
    meta: dict[str, Any] = {
        "store": shown_store(ctx.store),
        "as_of": as_of,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "events": recorder.max_notification_id() or 0,
        "version": version("mentorship-ledger"),
        "programs": figures.programs,
        "pseudonymised": pseudonymise,
    }
    page = render(figures, meta, codes)
    if out == "-":
        sys.stdout.write(page)
        return "-"
    target = Path(out)
    if target.is_dir():
        raise InvalidInput(f"--out {out} is a directory; give a file name")
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"cannot write {out}: {error.strerror or error}") from None
    return str(target)


@click.command("report")
@click.option(
    "--out", default=DEFAULT_OUT, show_default=True, help="HTML file to write; - for stdout."
)
@click.option("--as-of", "as_of_text", help="Date D, YYYY-MM-DD (default: today).")
@click.option("--program", "programs", multiple=True, help="Only this program (slug); repeatable.")
@click.option(
    "--pseudonymise", is_flag=True, help="People as stable codes: no name, email or note."
)
@pass_ledger
def report(
    ctx: LedgerContext,
    out: str,
    as_of_text: str | None,
    programs: tuple[str, ...],
    pseudonymise: bool,
) -> None:
    """Write one self-contained HTML page (charts and tables) to open in any browser.

    Example: mentorship report --out q3.html --as-of 2026-09-30 --pseudonymise
    """
    written = write_report(ctx, out, as_of_text, programs, pseudonymise)
    click.echo(written if written != "-" else "(stdout)", err=True)


COMMANDS = [report]
