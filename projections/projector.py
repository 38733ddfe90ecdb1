"""Turns a page of stored events into one batch of writes to the view tables.

Events are decoded straight from their JSON state (no pydantic models) because
replay speed matters. Writes are grouped by kind and applied in an order that
gives the same result as applying them one event at a time: rows are created
before they are updated, meetings are inserted before their retractions, and
pairings touched by a retraction have their meeting totals recounted last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from projections.db import Cursor

PERSON = "domain.person:Person."
PROGRAM = "domain.program:Program."
MENTORSHIP = "domain.mentorship:Mentorship."


@dataclass
class Batch:
    people: list[tuple[Any, ...]] = field(default_factory=list)
    profile_changes: list[tuple[Any, ...]] = field(default_factory=list)
    departures: list[tuple[Any, ...]] = field(default_factory=list)
    programs: list[tuple[Any, ...]] = field(default_factory=list)
    closures: list[tuple[Any, ...]] = field(default_factory=list)
    pairings: list[tuple[Any, ...]] = field(default_factory=list)
    meetings: list[tuple[Any, ...]] = field(default_factory=list)
    meeting_totals: dict[str, list[Any]] = field(default_factory=dict)
    reversals: list[tuple[str, str]] = field(default_factory=list)
    endings: list[tuple[Any, ...]] = field(default_factory=list)
    retractions: list[tuple[str, int]] = field(default_factory=list)
    latest_on: str = ""

    def add(self, topic: str, state: dict[str, Any], originator: str) -> None:
        payload = state["payload"]
        on = payload.get("on")
        if on is not None and on > self.latest_on:
            self.latest_on = on
        handler = _HANDLERS.get(topic)
        if handler is not None:
            handler(self, payload, state, originator)

    def apply(self, cursor: Cursor) -> None:
        cursor.executemany(
            "INSERT INTO view_people (employee_id, aggregate_id, name, email, level, "
            "department, joined_on, registered_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            self.people,
        )
        cursor.executemany(
            "UPDATE view_people SET name = coalesce(?, name), email = coalesce(?, email), "
            "level = coalesce(?, level), department = coalesce(?, department), "
            "joined_on = coalesce(?, joined_on) WHERE aggregate_id = ?",
            self.profile_changes,
        )
        cursor.executemany(
            "UPDATE view_people SET left_on = ?, left_reason = ? WHERE aggregate_id = ?",
            self.departures,
        )
        cursor.executemany(
            "INSERT INTO view_programs (slug, aggregate_id, name, cadence_days, launched_on) "
            "VALUES (?, ?, ?, ?, ?)",
            self.programs,
        )
        cursor.executemany(
            "UPDATE view_programs SET closed_on = ? WHERE aggregate_id = ?", self.closures
        )
        cursor.executemany(
            "INSERT INTO view_pairings (id, program, mentor, mentee, direction, paired_on) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            self.pairings,
        )
        cursor.executemany(
            "INSERT INTO view_meetings (pairing_id, number, met_on, minutes) VALUES (?, ?, ?, ?)",
            self.meetings,
        )
        cursor.executemany(
            "UPDATE view_pairings SET meetings = meetings + ?, minutes = minutes + ?, "
            "last_met_on = CASE WHEN last_met_on IS NULL OR last_met_on < ? "
            "THEN ? ELSE last_met_on END WHERE id = ?",
            [(n, m, last, last, pid) for pid, (n, m, last) in self.meeting_totals.items()],
        )
        cursor.executemany(
            "INSERT INTO view_reversals (pairing_id, reversed_on) VALUES (?, ?)", self.reversals
        )
        cursor.executemany(
            "UPDATE view_pairings SET reversals = reversals + 1 WHERE id = ?",
            [(pid,) for pid, _ in self.reversals],
        )
        cursor.executemany(
            "UPDATE view_pairings SET ended_on = ?, end_reason = ? WHERE id = ?", self.endings
        )
        self._apply_retractions(cursor)

    def _apply_retractions(self, cursor: Cursor) -> None:
        cursor.executemany(
            "UPDATE view_meetings SET retracted = 1 WHERE pairing_id = ? AND number = ?",
            self.retractions,
        )
        recount = sorted({pid for pid, _ in self.retractions})
        cursor.executemany(
            "UPDATE view_pairings SET "
            "meetings = (SELECT count(*) FROM view_meetings m "
            "  WHERE m.pairing_id = view_pairings.id AND m.retracted = 0), "
            "minutes = (SELECT coalesce(sum(m.minutes), 0) FROM view_meetings m "
            "  WHERE m.pairing_id = view_pairings.id AND m.retracted = 0), "
            "last_met_on = (SELECT max(m.met_on) FROM view_meetings m "
            "  WHERE m.pairing_id = view_pairings.id AND m.retracted = 0) "
            "WHERE id = ?",
            [(pid,) for pid in recount],
        )


Handler = Callable[[Batch, dict[str, Any], dict[str, Any], str], None]


def _registered(b: Batch, p: dict[str, Any], state: dict[str, Any], person: str) -> None:
    b.people.append(
        (
            p["employee_id"],
            person,
            p["name"],
            p.get("email"),
            p.get("level"),
            p.get("department"),
            p.get("joined_on"),
            state["timestamp"][:10],
        )
    )


def _profile(b: Batch, p: dict[str, Any], _: dict[str, Any], person: str) -> None:
    # The payload holds only what changed: coalesce() keeps the other fields.
    b.profile_changes.append(
        (
            p.get("name"),
            p.get("email"),
            p.get("level"),
            p.get("department"),
            p.get("joined_on"),
            person,
        )
    )


def _left(b: Batch, p: dict[str, Any], _: dict[str, Any], person: str) -> None:
    b.departures.append((p["on"], p.get("reason"), person))


def _launched(b: Batch, p: dict[str, Any], _: dict[str, Any], program: str) -> None:
    b.programs.append((p["slug"], program, p["name"], p["cadence_days"], p["on"]))


def _closed(b: Batch, p: dict[str, Any], _: dict[str, Any], program: str) -> None:
    b.closures.append((p["on"], program))


def _paired(b: Batch, p: dict[str, Any], _: dict[str, Any], pairing: str) -> None:
    b.pairings.append((pairing, p["program"], p["mentor"], p["mentee"], p["direction"], p["on"]))


def _met(b: Batch, p: dict[str, Any], _: dict[str, Any], pairing: str) -> None:
    pid = pairing
    on = p["on"]
    b.meetings.append((pid, p["number"], on, p["minutes"]))
    totals = b.meeting_totals.get(pid)
    if totals is None:
        b.meeting_totals[pid] = [1, p["minutes"], on]
    else:
        totals[0] += 1
        totals[1] += p["minutes"]
        if on > totals[2]:
            totals[2] = on


def _reversed(b: Batch, p: dict[str, Any], _: dict[str, Any], pairing: str) -> None:
    b.reversals.append((pairing, p["on"]))


def _ended(b: Batch, p: dict[str, Any], _: dict[str, Any], pairing: str) -> None:
    b.endings.append((p["on"], p["reason"], pairing))


def _retracted(b: Batch, p: dict[str, Any], _: dict[str, Any], pairing: str) -> None:
    b.retractions.append((pairing, p["meeting"]))


_HANDLERS: dict[str, Handler] = {
    PERSON + "Registered": _registered,
    PERSON + "ProfileUpdated": _profile,
    PERSON + "LeftOrganisation": _left,
    PROGRAM + "Launched": _launched,
    PROGRAM + "Closed": _closed,
    MENTORSHIP + "Paired": _paired,
    MENTORSHIP + "Met": _met,
    MENTORSHIP + "RolesReversed": _reversed,
    MENTORSHIP + "Ended": _ended,
    MENTORSHIP + "MeetingRetracted": _retracted,
}


def build_batch(rows: Iterable[tuple[int, str, str, bytes]]) -> Batch:
    """`rows` are (notification id, originator id as 32 hex digits, topic, state)."""
    batch = Batch()
    add = batch.add
    for _, originator, topic, state in rows:
        add(topic, orjson.loads(state), originator)
    return batch
