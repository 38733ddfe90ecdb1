"""Shared world for the command-line tests.

Every test gets a fresh SQLite store in `tmp_path` and a `MentorshipLedger` on
it whose "today" is fixed at 2026-11-22. `run(...)` invokes the real root group
`cli` with that ledger injected through `obj=`, as user "tester", and returns
the click `Result` (stdout and stderr are captured separately).

`people` and `populated` are written once per session through the application
(not through the CLI under test) and copied into each test's store before its
ledger opens, which keeps the suite fast:

    people    E1 Ada Lovelace     level 7  joined 2019-04-01  Engineering
              E2 Brian Kernighan  level 3  joined 2022-01-10
              E3 Grace Hopper     level 3
              E4 Linus Torvalds   level 5
    program   spring-2026 "Spring 2026", cadence 30 days, launched 2026-01-05
    pairings  P1 E1 mentors E2, traditional, paired 2026-02-02,
                 met 2026-02-10 (60), 2026-03-10 (45), 2026-10-30 (30)
              P2 E2 mentors E3, peer, paired 2026-03-02, met 2026-03-16 (30)
              P3 E3 mentors E4, reverse, paired 2026-04-01, never met

`people` stops after the program launch (5 events); `populated` has 18 events
(each pairing is recorded on the pairing and on both people: 3 events).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import (
    ACTOR,
    CLEAN_ENV,
    PEOPLE,
    PROGRAM,
    SETUP_ACTOR,
    TODAY,
    CountFn,
    RefusedFn,
    RunFn,
    World,
    one_error_line,
)
from click.testing import CliRunner, Result

from cli.context import LedgerContext
from cli.main import cli
from domain.application import MentorshipLedger


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def ledger(request: pytest.FixtureRequest, store_path: Path) -> Iterator[MentorshipLedger]:
    """The test's application; starts from a template store when the test asks for one."""
    for world in ("populated", "people"):
        if world in request.fixturenames:
            template: Template = request.getfixturevalue(f"{world}_template")
            shutil.copyfile(template.path, store_path)
            break
    app = MentorshipLedger(str(store_path), today=lambda: TODAY)
    yield app
    app.close()


@pytest.fixture
def run(store_path: Path, ledger: MentorshipLedger) -> RunFn:
    """Invokes `mentorship ARGS...` on the test's ledger, as actor "tester"."""

    def _run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        context = LedgerContext(str(store_path), ACTOR, ledger=ledger)
        runner = CliRunner(env={**CLEAN_ENV, **(env or {})})
        return runner.invoke(cli, list(args), input=input, obj=context, catch_exceptions=True)

    return _run


@pytest.fixture
def written(ledger: MentorshipLedger) -> CountFn:
    """How many events the store holds (the last notification id)."""
    return lambda: ledger.recorder.max_notification_id() or 0


@pytest.fixture
def ok(run: RunFn) -> RunFn:
    """Like `run`, but fails the test unless the command succeeded."""

    def _ok(*args: str, **kwargs: Any) -> Result:
        result = run(*args, **kwargs)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.output,
            result.exception,
        )
        assert result.exit_code == 0, result.output
        return result

    return _ok


@pytest.fixture
def refused(run: RunFn, written: CountFn) -> RefusedFn:
    """Runs a command that must fail as a user error and returns its message.

    Checks exit code 1, a single `Error: ` line on stderr, nothing on stdout,
    no traceback, and that no event was written.
    """

    def _refused(*args: str, **kwargs: Any) -> str:
        before = written()
        line = one_error_line(run(*args, **kwargs))
        assert written() == before, "a refused command wrote events"
        return line

    return _refused


def _register(ledger: MentorshipLedger) -> None:
    for employee_id, (name, level, joined_on, department) in PEOPLE.items():
        ledger.register_person(
            SETUP_ACTOR,

                employee_id=employee_id,
                name=name,
                email=f"{employee_id.lower()}@example.com",
                level=level,
                department=department,
                joined_on=joined_on,
        )
    ledger.launch_program(
        SETUP_ACTOR,
        slug=PROGRAM, name="Spring 2026", cadence_days=30, on=date(2026, 1, 5),
    )


def _pair_and_meet(ledger: MentorshipLedger) -> World:
    p1 = ledger.pair(SETUP_ACTOR, PROGRAM, "E1", "E2", date(2026, 2, 2))
    for on, minutes in ((date(2026, 2, 10), 60), (date(2026, 3, 10), 45), (date(2026, 10, 30), 30)):
        ledger.log_meeting(SETUP_ACTOR, p1.id, on, minutes)
    p2 = ledger.pair(SETUP_ACTOR, PROGRAM, "E2", "E3", date(2026, 3, 2))
    ledger.log_meeting(SETUP_ACTOR, p2.id, date(2026, 3, 16), 30)
    p3 = ledger.pair(SETUP_ACTOR, PROGRAM, "E3", "E4", date(2026, 4, 1))
    return World(p1=str(p1.id), p2=str(p2.id), p3=str(p3.id))


@dataclass(frozen=True)
class Template:
    path: Path
    world: World | None


def _template(
    factory: pytest.TempPathFactory, name: str, build: Callable[[MentorshipLedger], World | None]
) -> Template:
    path = factory.mktemp(name) / "template.db"
    app = MentorshipLedger(str(path), today=lambda: TODAY)
    try:
        world = build(app)
    finally:
        app.close()  # checkpoints the write-ahead log into the file
    assert not path.with_name("template.db-wal").exists()
    return Template(path, world)


@pytest.fixture(scope="session")
def people_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return _template(tmp_path_factory, "people", _register)


@pytest.fixture(scope="session")
def populated_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    def build(app: MentorshipLedger) -> World:
        _register(app)
        return _pair_and_meet(app)

    return _template(tmp_path_factory, "populated", build)


@pytest.fixture
def people(ledger: MentorshipLedger) -> MentorshipLedger:
    """E1..E4 registered and spring-2026 launched: 5 events (copied in by `ledger`)."""
    assert ledger.recorder.max_notification_id() == 5
    return ledger


@pytest.fixture
def populated(populated_template: Template, ledger: MentorshipLedger) -> World:
    """Three active pairings, one per direction, and four meetings: 18 events in all."""
    assert ledger.recorder.max_notification_id() == 18
    assert populated_template.world is not None
    return populated_template.world
