"""Commands that read pairings: show, history, list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import click

from cli.context import LedgerContext, pass_ledger
from cli.history_rows import emit_history, event_records
from cli.known_at import KnownAggregates, views_known_at
from cli.output import emit, emit_records, format_option, table, wrap_text
from cli.params import DIRECTION, known_at_option
from domain.vocabulary import Status

if TYPE_CHECKING:
    from domain.mentorship import Mentorship

LIST_COLUMNS = [
    "id",
    "program",
    "mentor",
    "mentee",
    "direction",
    "status",
    "paired_on",
    "ended_on",
    "end_reason",
    "reversals",
    "meetings",
    "minutes",
    "last_met_on",
]
# The table is for reading: a short id (any 6+ characters resolve) and fewer columns;
# on a narrow terminal the ending's details and the last meeting give way first
# (the status still says "ended"; `show` has the rest).
LIST_TABLE = ["short_id", *[c for c in LIST_COLUMNS[1:] if c not in ("reversals", "minutes")]]
LIST_OPTIONAL = ["ended_on", "end_reason", "last_met_on"]


def _people_and_program(known: KnownAggregates, pairing_id: UUID) -> dict[str, Any]:
    mentorship = known.pairing(pairing_id)
    program = known.program(mentorship.program)
    mentor = known.person(mentorship.mentor)
    mentee = known.person(mentorship.mentee)
    return {
        "pairing": mentorship,
        "program": {"id": program.slug, "name": program.name, "cadence_days": program.cadence_days},
        "mentor": {"id": mentor.employee_id, "name": mentor.name},
        "mentee": {"id": mentee.employee_id, "name": mentee.name},
    }


def _pairing_known_at(
    ctx: LedgerContext, pairing: str, known_at: datetime | None
) -> tuple[UUID, KnownAggregates]:
    """The pairing a reference names, and the aggregates as known at `known_at`:
    a pairing recorded later is unknown then."""
    if known_at is None:
        pairing_id = ctx.resolve_pairing(pairing, active_only=False)
        return pairing_id, KnownAggregates(ctx.ledger, ctx.views)
    views = views_known_at(ctx, known_at)
    return views.resolve(pairing, active_only=False), KnownAggregates(ctx.ledger, views)


@click.command("show")
@click.argument("pairing")
@known_at_option
@format_option
@pass_ledger
def show(ctx: LedgerContext, pairing: str, known_at: datetime | None, fmt: str) -> None:
    """Show a pairing: its people, program, status and meetings.

    Example: mentorship show E2001/E1042 --known-at 2026-03-31
    """
    pairing_id, known = _pairing_known_at(ctx, pairing, known_at)
    found = _people_and_program(known, pairing_id)
    m = found.pop("pairing")
    log = _meeting_log(m, known.events(pairing_id))
    summary: dict[str, Any] = {
        "id": str(m.id),
        **found,
        "direction": m.direction.value,
        "direction_at_pairing": m.direction_at_pairing.value,
        "status": Status.ACTIVE if m.is_active else Status.ENDED,
        "paired_on": m.paired_on,
        "ended_on": m.ended_on,
        "end_reason": m.end_reason.value if m.end_reason else None,
        "reversals": len(m.reversals),
        "reversal_dates": m.reversals,
        "meetings": sum(not x["retracted"] for x in log),
        "minutes": sum(x["minutes"] for x in log if not x["retracted"]),
        "last_met_on": m.last_met_on,
        "meeting_log": log,
    }
    emit(
        fmt,
        json=lambda: summary,
        csv=lambda: (SHOW_PAIRING + SHOW_MEETING, _show_rows(summary)),
        table=lambda width: _show_text(summary, width),
    )


def _meeting_log(pairing: Mentorship, events: Iterable[object]) -> list[dict[str, Any]]:
    """Each meeting: its number, date and whether it was retracted, as the pairing
    keeps them, with what was said (minutes, note) from its `Met` event, since a
    pairing keeps only what its rules need."""
    from domain.mentorship import Mentorship

    said = {e.payload.number: e.payload for e in events if isinstance(e, Mentorship.Met)}
    return [
        {
            "number": x.number,
            "on": x.on,
            "minutes": said[x.number].minutes,
            "note": said[x.number].note,
            "retracted": x.retracted,
        }
        for x in pairing.meetings
    ]


# show's CSV is tidy: one row per meeting, each carrying the pairing's fields
# (those `list` starts with, in its order).
SHOW_PAIRING = LIST_COLUMNS[: LIST_COLUMNS.index("end_reason") + 1]
SHOW_MEETING = ["number", "on", "minutes", "note", "retracted"]


def _show_rows(s: dict[str, Any]) -> list[list[Any]]:
    people = {
        "program": s["program"]["id"],
        "mentor": s["mentor"]["id"],
        "mentee": s["mentee"]["id"],
    }
    pairing = [people.get(c, s.get(c)) for c in SHOW_PAIRING]
    meetings = [[x[c] for c in SHOW_MEETING] for x in s["meeting_log"]]
    # A pairing that never met still gets its row, with empty meeting columns.
    return [pairing + meeting for meeting in meetings or [[None] * len(SHOW_MEETING)]]


def _show_text(s: dict[str, Any], width: int | None) -> str:
    lines = [
        f"Pairing    {s['id']}",
        f"Program    {s['program']['id']} ({s['program']['name']}, meets every "
        f"{s['program']['cadence_days']} days)",
        f"Mentor     {s['mentor']['id']} ({s['mentor']['name']})",
        f"Mentee     {s['mentee']['id']} ({s['mentee']['name']})",
        f"Direction  {s['direction']} (paired as {s['direction_at_pairing']}; "
        f"{s['reversals']} reversal(s))",
        f"Status     {s['status']}, paired {s['paired_on']}"
        + (f", ended {s['ended_on']} ({s['end_reason']})" if s["ended_on"] else ""),
        f"Meetings   {s['meetings']} ({s['minutes']} min), last met {s['last_met_on'] or '-'}",
    ]
    # Long names continue under the values, past the 11-character labels.
    text = wrap_text("\n".join(lines), width, indent=11)
    log = s["meeting_log"]
    if not log:
        return text
    # The note column appears only when there is a note to show.
    noted = any(x["note"] for x in log)
    headers = ["no.", "on", "minutes", *(["note"] if noted else []), ""]
    rows = [
        [
            x["number"],
            x["on"],
            x["minutes"],
            *([x["note"] or ""] if noted else []),
            "retracted" if x["retracted"] else "",
        ]
        for x in log
    ]
    return f"{text}\n\n{table(headers, rows, width=width, shrink=['note'])}"


@click.command("history")
@click.argument("pairing")
@known_at_option
@format_option
@pass_ledger
def history(ctx: LedgerContext, pairing: str, known_at: datetime | None, fmt: str) -> None:
    """Every event of a pairing, for audit: no., type, on, recorded at (UTC), actor, details.

    With --known-at, only the events recorded by then, and only the retractions
    known by then marked.

    Example: mentorship history 3f2a9c --format json
    """
    pairing_id, known = _pairing_known_at(ctx, pairing, known_at)
    found = _people_and_program(known, pairing_id)
    found.pop("pairing")
    title = (
        f"Pairing {pairing_id} in {found['program']['id']} ({found['program']['name']}): "
        f"{found['mentor']['id']} ({found['mentor']['name']}) mentoring "
        f"{found['mentee']['id']} ({found['mentee']['name']})"
    )
    events = event_records(known.events(pairing_id))
    emit_history(fmt, title, {"pairing": str(pairing_id), **found}, events)


@click.command("list")
@click.option("--program", help="Only this program.")
@click.option(
    "--direction",
    type=DIRECTION,
    help="Only pairings whose current direction is this.",
)
@click.option("--status", type=click.Choice([s.value for s in Status]))
@click.option("--person", help="Only pairings this employee id is part of.")
@known_at_option
@format_option
@pass_ledger
def list_pairings(
    ctx: LedgerContext,
    program: str | None,
    direction: str | None,
    status: str | None,
    person: str | None,
    known_at: datetime | None,
    fmt: str,
) -> None:
    """List pairings (current roles and direction, after any reversals).

    Example: mentorship list --program reverse-2026 --status active --format json
    """
    views = views_known_at(ctx, known_at)
    records = views.pairings(program, direction, status, person)
    for record in records:
        record["short_id"] = record["id"][:8]
    emit_records(
        records,
        LIST_COLUMNS,
        fmt,
        table_columns=LIST_TABLE,
        shrink=["program"],
        optional=LIST_OPTIONAL,
    )


COMMANDS = [show, history, list_pairings]
