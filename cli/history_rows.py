"""History rows, the same for a pairing's, a person's and a program's history:
every event in order, each marked with the later event that took it back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import TYPE_CHECKING, Any

from cli.output import emit, table, wrap_text

if TYPE_CHECKING:
    from domain.events import RecordedEvent


def _details(payload: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in payload.items() if v is not None and k != "on")


def _history_row(event: dict[str, Any], recorded_at: str) -> list[Any]:
    return [
        event["number"],
        event["type"],
        event["on"],
        recorded_at,
        event["actor"],
        _marked(event) + _details(event["details"]),
    ]


def _marked(event: dict[str, Any]) -> str:
    by = event.get("retracted_by")
    return f"[retracted by no. {by}] " if by is not None else ""


def retracted_by(events: list[dict[str, Any]]) -> dict[int, int]:
    """Event number -> number of the later event that took it back: a meeting's
    retraction, or the reopening that cancels the latest ending."""
    taken_back: dict[int, int] = {}
    meetings: dict[int, int] = {}
    last_ending: int | None = None
    for event in events:
        kind, number, details = event["type"], event["number"], event["details"]
        if kind == "Met":
            meetings[details["number"]] = number
        elif kind == "MeetingRetracted" and details["meeting"] in meetings:
            taken_back[meetings[details["meeting"]]] = number
        elif kind == "Ended":
            last_ending = number
        elif kind == "Reopened" and last_ending is not None:
            taken_back[last_ending] = number
            last_ending = None
    return taken_back


def event_records(recorded: Iterable[RecordedEvent]) -> list[dict[str, Any]]:
    """An aggregate's events (all of them, in order) as history rows, each marked
    with the later event that took it back, if one is among them."""
    events: list[dict[str, Any]] = []
    for event in recorded:
        payload = event.payload.model_dump(mode="json")
        events.append(
            {
                "number": event.originator_version,
                "type": type(event).__name__,
                "on": payload.get("on"),
                "recorded_at": event.timestamp.astimezone(UTC).isoformat(),
                "actor": event.actor,
                "details": payload,
                "retracted_by": None,
            }
        )
    for event_number, by in retracted_by(events).items():
        events[event_number - 1]["retracted_by"] = by
    return events


HISTORY_HEADERS = ["no.", "type", "on", "recorded_at_utc", "actor", "details"]


def emit_history(fmt: str, title: str, head: dict[str, Any], events: list[dict[str, Any]]) -> None:
    """A history in the chosen format: `title` over the table, `head` before the
    events in JSON; CSV is the events alone."""

    def text(width: int | None) -> str:
        rows = [_history_row(e, e["recorded_at"][:19].replace("T", " ")) for e in events]
        # Details wrap rather than being cut: they are what an auditor reads.
        fitted = table(HISTORY_HEADERS, rows, width=width, shrink=["actor"], wrap=["details"])
        return f"{wrap_text(title, width, indent=2)}\n\n{fitted}"

    emit(
        fmt,
        json=lambda: {**head, "events": events},
        csv=lambda: (HISTORY_HEADERS, [_history_row(e, e["recorded_at"]) for e in events]),
        table=text,
    )
