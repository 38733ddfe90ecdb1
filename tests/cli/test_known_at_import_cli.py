"""`--known-at` against stores whose recorded times are chosen: an exported log is
re-stamped and loaded with `import --events` (which keeps each event's time).

The property: every query with `--known-at T` prints what the same query prints,
without it, on a copy of the store holding only the events recorded by T: the
log up to the first event stamped after T (projections/known_at.py says why a
prefix), stamped in order or not. Both on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import orjson
import pytest
from cli_helpers import ACTOR, CLEAN_ENV, TODAY
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.context import LedgerContext
from cli.main import cli
from domain.application import MentorshipLedger
from domain.event_lines import export_lines
from domain.vocabulary import EndReason

Line = dict[str, Any]
Run = Callable[..., Result]


def _scenario(ledger: MentorshipLedger) -> dict[str, str]:
    """People, a program, three pairings; a reversal, a retraction, an ending taken
    back and another made, a profile change and a back-dated meeting: 26 events."""
    a = "hr.admin"
    for employee_id, level in (("E1", 7), ("E2", 3), ("E3", 3), ("E4", 5)):
        ledger.register_person(a, employee_id=employee_id, name=f"N{employee_id}", level=level)
    ledger.launch_program(
        a, slug="spring-2026", name="Spring", cadence_days=30, on=date(2026, 1, 5)
    )
    p1 = ledger.pair(a, "spring-2026", "E1", "E2", date(2026, 2, 2)).id
    ledger.log_meeting(a, p1, date(2026, 2, 10), 60)
    ledger.log_meeting(a, p1, date(2026, 3, 10), 45)
    p2 = ledger.pair(a, "spring-2026", "E2", "E3", date(2026, 3, 2)).id
    ledger.log_meeting(a, p2, date(2026, 3, 16), 30)
    p3 = ledger.pair(a, "spring-2026", "E3", "E4", date(2026, 4, 1)).id
    ledger.reverse_roles(a, p1, date(2026, 6, 1))
    ledger.retract_meeting(a, p1, 2, "logged twice")
    ledger.end_pairing(a, p2, date(2026, 5, 1), EndReason.MISMATCH)
    ledger.reopen_pairing(a, p2, "wrong pairing")
    ledger.end_pairing(a, p2, date(2026, 9, 30), EndReason.COMPLETED)
    ledger.update_profile(a, "E2", level=4)
    ledger.log_meeting(a, p3, date(2026, 5, 1), 20)
    return {"p1": str(p1), "p2": str(p2), "p3": str(p3)}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Line], dict[str, str]]:
    """The scenario's exported lines and its pairing ids."""
    app = MentorshipLedger(str(tmp_path_factory.mktemp("source") / "s.db"), today=lambda: TODAY)
    try:
        ids = _scenario(app)
        text = b"".join(export_lines(app.recorder, app.mapper))
    finally:
        app.close()
    lines = [orjson.loads(line) for line in text.splitlines()]
    assert len(lines) == 26
    return lines, ids


@pytest.fixture
def new_store(
    ledger_backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[[list[Line]], Any]:
    """`with new_store(lines) as run:` a fresh store holding `lines`, and a way
    to run commands on it; dropped afterwards."""

    @contextmanager
    def make(lines: list[Line]) -> Iterator[Run]:
        if ledger_backend == "sqlite":
            url, drop = str(tmp_path / f"{uuid4().hex}.db"), None
        else:
            databases = request.getfixturevalue("postgres_templates")
            name = databases.copy("empty")
            url, drop = databases.url(name), (lambda: databases.drop(name))
        app = MentorshipLedger(url, today=lambda: TODAY)

        def run(*args: str) -> Result:
            context = LedgerContext(url, ACTOR, ledger=app)
            runner = CliRunner(env=CLEAN_ENV)
            return runner.invoke(cli, list(args), obj=context, catch_exceptions=True)

        try:
            if lines:
                log = tmp_path / f"{uuid4().hex}.jsonl"
                log.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
                imported = run("import", "--events", str(log))
                assert imported.exit_code == 0, imported.output
            yield run
        finally:
            app.close()
            if drop is not None:
                drop()

    return make


def _stamped(lines: list[Line], stamps: list[datetime]) -> list[Line]:
    return [
        {**line, "recorded_at": stamp.isoformat()}
        for line, stamp in zip(lines, stamps, strict=True)
    ]


def _meetings(run: Run, *args: str) -> dict[str, int]:
    result = run("list", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["id"]: row["meetings"] for row in orjson.loads(result.stdout)}


# What a date and a date-time mean.

DAY = datetime(2026, 3, 1, 12, tzinfo=UTC)
LAST = datetime(2026, 3, 2, tzinfo=UTC)  # the scenario's last event: p3's back-dated meeting


def test_a_date_means_the_end_of_that_utc_day(new_store: Any, source: Any) -> None:
    lines, ids = source
    stamps = [DAY] * (len(lines) - 1) + [LAST]
    with new_store(_stamped(lines, stamps)) as run:
        assert _meetings(run, "--known-at", "2026-03-01")[ids["p3"]] == 0
        assert _meetings(run, "--known-at", "2026-03-02")[ids["p3"]] == 1


def test_a_date_time_is_that_instant_included_utc_unless_it_says(
    new_store: Any, source: Any
) -> None:
    lines, ids = source
    stamps = [DAY] * (len(lines) - 1) + [LAST]
    with new_store(_stamped(lines, stamps)) as run:
        assert _meetings(run, "--known-at", "2026-03-01T23:59:59.999999")[ids["p3"]] == 0
        assert _meetings(run, "--known-at", "2026-03-02T00:00")[ids["p3"]] == 1
        assert _meetings(run, "--known-at", "2026-03-02T00:00:00Z")[ids["p3"]] == 1
        assert _meetings(run, "--known-at", "2026-03-02T00:59:59+01:00")[ids["p3"]] == 0
        assert _meetings(run, "--known-at", "2026-03-02 01:00+01:00")[ids["p3"]] == 1
        assert _meetings(run, "--known-at", "2026-03-01T11:59:59") == {}


def test_events_after_one_stamped_later_are_not_known_before_it(
    new_store: Any, source: Any
) -> None:
    """p2's pairing (events 12-14) stamped 12:00, everything after it 11:00: at
    11:30 the log is known up to p2's pairing, not the meetings stamped earlier."""
    lines, ids = source
    paired = next(i for i, line in enumerate(lines) if line["id"] == ids["p2"])
    stamps = (
        [DAY.replace(hour=10)] * paired + [DAY] + [DAY.replace(hour=11)] * (len(lines) - paired - 1)
    )
    with new_store(_stamped(lines, stamps)) as run:
        assert _meetings(run, "--known-at", "2026-03-01T11:30") == {ids["p1"]: 2}
        assert _meetings(run, "--known-at", "2026-03-01T12:00") == {
            ids["p1"]: 1,
            ids["p2"]: 1,
            ids["p3"]: 1,
        }


# The property.

QUERIES: list[tuple[str, ...]] = [
    ("list",),
    ("people",),
    ("programs",),
    ("retention", "--as-of", "2026-11-22"),
    ("retention", "--by", "program", "--causes", "--as-of", "2026-07-31"),
    ("retention", "--people", "--as-of", "2026-11-22"),
    ("engagement", "--as-of", "2026-06-30"),
    ("engagement", "--at-risk", "--as-of", "2026-11-22"),
    ("engagement", "--monthly", "--as-of", "2026-11-22"),
    ("person", "show", "E2"),
    ("person", "history", "E2"),
    ("program", "history", "spring-2026"),
    ("show", "{p1}"),
    ("history", "{p1}"),
    ("history", "{p2}"),
]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    offsets=st.lists(st.integers(1, 40), min_size=26, max_size=26),
    in_order=st.booleans(),
    cut=st.integers(0, 41),
)
def test_known_at_t_answers_as_a_store_of_the_events_recorded_by_t(
    new_store: Any, source: Any, offsets: list[int], in_order: bool, cut: int
) -> None:
    lines, ids = source
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    stamps = [base + timedelta(seconds=s) for s in (sorted(offsets) if in_order else offsets)]
    known_at = base + timedelta(seconds=cut)
    after = next((i for i, s in enumerate(stamps) if s > known_at), len(stamps))
    stamped = _stamped(lines, stamps)
    with new_store(stamped) as whole, new_store(stamped[:after]) as recorded:
        for query in QUERIES:
            args = [part.format(**ids) for part in query]
            then = whole(*args, "--known-at", known_at.isoformat(), "--format", "json")
            copy = recorded(*args, "--format", "json")
            assert (then.exit_code, then.stdout) == (copy.exit_code, copy.stdout), (query, after)
