"""`--known-at T`: every query as it would have answered at T, on both backends.

The populated world (see conftest.py) was recorded before each test starts;
a test takes T = now, records more, and asks what was known at T. `--as-of`
(what had happened in the world by a day) is the other, independent axis.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from cli_helpers import RefusedFn, RunFn, World


def _now() -> str:
    """A recorded-time bound between what is recorded before and after the call."""
    return datetime.now(UTC).isoformat()


def _json(ok: RunFn, *args: str) -> Any:
    return json.loads(ok(*args, "--format", "json").stdout)


def _group(report: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(g for g in report["groups"] if g["key"] == key)
    return found


# Recorded time alone.


def test_list_known_before_a_retraction_still_counts_the_meeting(
    populated: World, ok: RunFn
) -> None:
    before = _now()
    ok("retract", populated.p1, "2", "--reason", "never happened")

    then = {r["id"]: r for r in _json(ok, "list", "--known-at", before)}
    now = {r["id"]: r for r in _json(ok, "list")}

    assert (then[populated.p1]["meetings"], then[populated.p1]["minutes"]) == (3, 135)
    assert (now[populated.p1]["meetings"], now[populated.p1]["minutes"]) == (2, 90)


def test_pairing_history_known_at_shows_only_events_recorded_by_then_unmarked(
    populated: World, ok: RunFn
) -> None:
    before = _now()
    ok("retract", populated.p2, "1", "--reason", "never happened")

    then = _json(ok, "history", populated.p2, "--known-at", before)
    now = _json(ok, "history", populated.p2)

    assert [(e["number"], e["type"], e["retracted_by"]) for e in then["events"]] == [
        (1, "Paired", None),
        (2, "Met", None),
    ]
    assert [(e["number"], e["type"], e["retracted_by"]) for e in now["events"]] == [
        (1, "Paired", None),
        (2, "Met", 3),
        (3, "MeetingRetracted", None),
    ]


def test_history_table_known_at_has_no_retraction_mark(populated: World, ok: RunFn) -> None:
    before = _now()
    ok("retract", populated.p2, "1", "--reason", "never happened")

    lines = ok("history", populated.p2, "--known-at", before).stdout.splitlines()

    assert len(lines) == 6  # title, blank, header, rule, two events
    assert "retracted" not in "\n".join(lines)
    assert lines[-1].split()[:3] == ["2", "Met", "2026-03-16"]


def test_show_known_at_before_a_reversal_and_an_ending(populated: World, ok: RunFn) -> None:
    before = _now()
    ok("reverse", populated.p1, "--on", "2026-06-01")
    ok("end", populated.p1, "--reason", "completed", "--on", "2026-11-20")

    then = _json(ok, "show", populated.p1, "--known-at", before)
    now = _json(ok, "show", populated.p1)

    assert (then["direction"], then["status"], then["mentor"]["id"]) == (
        "traditional",
        "active",
        "E1",
    )
    assert (now["direction"], now["status"], now["mentor"]["id"]) == ("reverse", "ended", "E2")


def test_a_pairing_recorded_after_known_at_is_unknown_then(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    before = _now()
    pairing = ok("pair", "--program", "spring-2026", "--mentor", "E4", "--mentee", "E1")
    pairing_id = pairing.stdout.split()[0]

    assert [r["id"] for r in _json(ok, "list", "--known-at", before)] == [
        populated.p1,
        populated.p2,
        populated.p3,
    ]
    assert "unknown pairing" in refused("history", pairing_id, "--known-at", before)
    assert "no pairing of E4 and E1" in refused("show", "E4/E1", "--known-at", before)


def test_people_and_person_show_known_at_before_a_registration_and_an_update(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    before = _now()
    ok("person", "add", "E9", "--name", "Nine")
    ok("person", "update", "E2", "--level", "4")

    assert [p["id"] for p in _json(ok, "people", "--known-at", before)] == ["E1", "E2", "E3", "E4"]
    assert _json(ok, "person", "show", "E2", "--known-at", before)["level"] == 3
    assert _json(ok, "person", "show", "E2")["level"] == 4
    assert refused("person", "show", "E9", "--known-at", before) == "Error: unknown person 'E9'"


def test_programs_and_program_show_known_at_before_a_launch_and_a_closure(
    populated: World, ok: RunFn, refused: RefusedFn
) -> None:
    before = _now()
    ok("program", "launch", "autumn", "--name", "Autumn", "--on", "2026-09-01")
    ok("program", "close", "spring-2026", "--on", "2026-11-21", "--yes")

    programs = _json(ok, "programs", "--known-at", before)
    shown = _json(ok, "program", "show", "spring-2026", "--known-at", before)

    assert [(p["id"], p["closed_on"], p["active"]) for p in programs] == [("spring-2026", None, 3)]
    assert (shown["closed_on"], shown["active"], shown["ended"]) == (None, 3, 0)
    assert "unknown program 'autumn'" in refused("program", "show", "autumn", "--known-at", before)


def test_retention_known_at_before_an_ending_counts_the_pairing_active(
    populated: World, ok: RunFn
) -> None:
    before = _now()
    ok("end", populated.p2, "--reason", "mismatch", "--on", "2026-05-01")

    then = _group(_json(ok, "retention", "--known-at", before), "peer")
    now = _group(_json(ok, "retention"), "peer")

    assert (then["active"], then["dropped_out"]) == (1, 0)
    assert (now["active"], now["dropped_out"]) == (0, 1)


# Recorded time and world time, apart and together.


def test_known_at_and_as_of_are_independent_axes(populated: World, ok: RunFn) -> None:
    """A meeting held on 2026-05-01 but logged only now (back-dated)."""
    before = _now()
    ok("meet", populated.p3, "--on", "2026-05-01", "--minutes", "20")

    def reverse(*args: str) -> tuple[int, int, str]:
        group = _group(_json(ok, "engagement", *args), "reverse")
        health = next(state for state, n in group["health"].items() if n)
        return group["meetings"], group["minutes"], health

    # Everything known, as of today (2026-11-22): met 205 days before, cadence 30.
    assert reverse() == (1, 20, "dormant")
    # Known now, as of 2026-05-20: met 19 days before.
    assert reverse("--as-of", "2026-05-20") == (1, 20, "healthy")
    # Before it was logged: never met, whatever the day.
    assert reverse("--known-at", before) == (0, 0, "never_met")
    assert reverse("--known-at", before, "--as-of", "2026-05-20") == (0, 0, "never_met")
    # Known now, as of a day before it happened: not yet met.
    assert reverse("--as-of", "2026-04-30") == (0, 0, "never_met")


def test_known_at_does_not_change_what_the_store_answers_without_it(
    populated: World, ok: RunFn
) -> None:
    before = _now()
    ok("retract", populated.p1, "1", "--reason", "never happened")

    ok("list", "--known-at", before)

    assert {r["id"]: r["meetings"] for r in _json(ok, "list")}[populated.p1] == 2


# What a timestamp means.


def test_today_as_a_date_means_everything_recorded_so_far(populated: World, ok: RunFn) -> None:
    ok("retract", populated.p1, "1", "--reason", "never happened")
    today = datetime.now(UTC).date().isoformat()

    for query in (("list",), ("people",), ("programs",), ("retention",), ("engagement",)):
        assert ok(*query, "--known-at", today).stdout == ok(*query).stdout, query


def test_known_at_before_the_first_event_answers_empty(populated: World, ok: RunFn) -> None:
    assert _json(ok, "list", "--known-at", "2020-01-01") == []
    assert _json(ok, "people", "--known-at", "2020-01-01T00:00:00Z") == []
    assert _json(ok, "programs", "--known-at", "2020-01-01") == []
    assert _json(ok, "retention", "--known-at", "2020-01-01")["groups"] == []
    assert ok("list", "--known-at", "2020-01-01").stdout == "(none)\n"


def test_a_known_at_report_is_as_of_the_day_of_known_at_by_default(
    populated: World, ok: RunFn
) -> None:
    report = _json(ok, "engagement", "--known-at", "2026-03-01")

    assert (report["as_of"], report["groups"]) == ("2026-03-01", [])


def test_known_at_appears_in_every_query_help(populated: World, ok: RunFn) -> None:
    queries = [
        ("show",),
        ("history",),
        ("list",),
        ("people",),
        ("programs",),
        ("retention",),
        ("engagement",),
        ("person", "show"),
        ("program", "show"),
        ("person", "history"),
        ("program", "history"),
    ]
    for query in queries:
        assert "--known-at TIMESTAMP" in ok(*query, "--help").stdout, query
