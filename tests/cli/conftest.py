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
from typing import Any, ClassVar

import pytest
from cli_helpers import (
    ACTOR,
    CLEAN_ENV,
    PEOPLE,
    POPULATED_EVENTS,
    PROGRAM,
    SETUP_ACTOR,
    TODAY,
    Backend,
    CountFn,
    RefusedFn,
    RunFn,
    World,
    invoke_root,
    one_error_line,
)
from click.testing import CliRunner, Result

from cli.context import LedgerContext
from cli.main import cli
from domain.application import MentorshipLedger

# `ledger_backend` (SQLite and PostgreSQL, or SQLite only for tests marked
# `sqlite_only`) comes from tests/conftest.py.


@pytest.fixture
def store_path(ledger_backend: str, tmp_path: Path) -> Path:
    """The test's SQLite file; only tests marked `sqlite_only` may ask for it."""
    if ledger_backend != "sqlite":
        pytest.fail("store_path is a SQLite file: mark the test sqlite_only or use `store`")
    return tmp_path / "ledger.db"


def _world_of(request: pytest.FixtureRequest) -> str:
    """Which template the test starts from: "populated", "people" or "empty"."""
    for world in ("populated", "people"):
        if world in request.fixturenames:
            return world
    return "empty"


@pytest.fixture
def store(request: pytest.FixtureRequest, ledger_backend: str) -> Iterator[str]:
    """The test's own store (a SQLite file or a PostgreSQL URL), a copy of the
    template the test asks for (`people`, `populated`) or empty; dropped afterwards."""
    world = _world_of(request)
    if ledger_backend == "sqlite":
        path: Path = request.getfixturevalue("store_path")
        if world != "empty":
            template: Template = request.getfixturevalue(f"{world}_template")
            shutil.copyfile(template.path, path)
        yield str(path)
        return
    databases: PostgresTemplates = request.getfixturevalue("postgres_templates")
    name = databases.copy(world)
    try:
        yield databases.url(name)
    finally:
        databases.drop(name)


@pytest.fixture
def ledger(store: str) -> Iterator[MentorshipLedger]:
    """The test's application on its own store (see `store`)."""
    app = MentorshipLedger(store, today=lambda: TODAY)
    yield app
    app.close()


@pytest.fixture
def run(store: str, ledger: MentorshipLedger) -> RunFn:
    """Invokes `mentorship ARGS...` on the test's ledger, as actor "tester"."""

    def _run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        context = LedgerContext(store, ACTOR, ledger=ledger)
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
        slug=PROGRAM,
        name="Spring 2026",
        cadence_days=30,
        on=date(2026, 1, 5),
    )


def _pair_and_meet(ledger: MentorshipLedger) -> World:
    p1 = ledger.pair(SETUP_ACTOR, PROGRAM, "E1", "E2", date(2026, 2, 2))
    for on, minutes in ((date(2026, 2, 10), 60), (date(2026, 3, 10), 45), (date(2026, 10, 30), 30)):
        ledger.log_meeting(SETUP_ACTOR, p1.id, on, minutes)
    p2 = ledger.pair(SETUP_ACTOR, PROGRAM, "E2", "E3", date(2026, 3, 2))
    ledger.log_meeting(SETUP_ACTOR, p2.id, date(2026, 3, 16), 30)
    p3 = ledger.pair(SETUP_ACTOR, PROGRAM, "E3", "E4", date(2026, 4, 1))
    return World(p1=str(p1.id), p2=str(p2.id), p3=str(p3.id))


def _populate(ledger: MentorshipLedger) -> World:
    _register(ledger)
    return _pair_and_meet(ledger)


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
    return _template(tmp_path_factory, "populated", _populate)


@pytest.fixture
def people(ledger: MentorshipLedger) -> MentorshipLedger:
    """E1..E4 registered and spring-2026 launched: 5 events (copied in by `ledger`)."""
    assert ledger.recorder.max_notification_id() == 5
    return ledger


@pytest.fixture
def populated(
    request: pytest.FixtureRequest, ledger_backend: str, ledger: MentorshipLedger
) -> World:
    """Three active pairings, one per direction, and four meetings: 18 events in all."""
    assert ledger.recorder.max_notification_id() == 18
    if ledger_backend == "sqlite":
        world = request.getfixturevalue("populated_template").world
    else:
        world = request.getfixturevalue("postgres_templates").world("populated")
    assert world is not None
    return world


# --- The test's own store on PostgreSQL (`store` with ledger_backend "postgres") ---
#
# Each world ("empty": only the application's tables, "people", "populated") is
# written once per session into a template database, through the application;
# each test gets its own `CREATE DATABASE ... TEMPLATE` copy, dropped afterwards.
# Copying and dropping take about a quarter of a second each, so a background
# thread, on its own admin connection, keeps a few copies of each world ready
# and drops used ones while the next tests run.


class PostgresTemplates:
    BUILDERS: ClassVar[dict[str, Callable[[MentorshipLedger], World | None]]] = {
        "empty": lambda app: None,
        "people": _register,
        "populated": _populate,
    }
    READY = 2  # copies of each world kept ready

    def __init__(self, admin: Any, base: str, worker_admin: Any) -> None:
        import queue
        import threading
        import uuid

        self.admin = admin  # builds the templates (main thread)
        self.base = base  # the server's URL without a database name
        self.prefix = f"mentorship_test_{uuid.uuid4().hex[:12]}"
        self.worlds: dict[str, World | None] = {}  # built templates
        self.ready: dict[str, queue.Queue[str]] = {}
        self.jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self.failure: BaseException | None = None
        self.copies = 0
        self.lock = threading.Lock()
        self.worker_admin = worker_admin
        self.worker = threading.Thread(target=self._work, name="pg-test-copies", daemon=True)
        self.worker.start()

    def url(self, database: str) -> str:
        return f"{self.base}/{database}"

    def template(self, world: str) -> str:
        """The name of the template database of `world`, built on first use."""
        import queue

        name = f"{self.prefix}_template_{world}"
        if world not in self.worlds:
            self.admin.execute(f'CREATE DATABASE "{name}"')
            app = MentorshipLedger(self.url(name), today=lambda: TODAY)
            try:
                self.worlds[world] = self.BUILDERS[world](app)
            finally:
                app.close()  # a template must have no other connection when copied
            self.ready[world] = queue.Queue()
            for _ in range(self.READY):
                self.jobs.put(("copy", world))
        return name

    def world(self, world: str) -> World | None:
        self.template(world)
        return self.worlds[world]

    def _new_copy(self, admin: Any, world: str) -> str:
        with self.lock:
            self.copies += 1
            name = f"{self.prefix}_{self.copies}"
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name(world)}"')
        return name

    def template_name(self, world: str) -> str:
        return f"{self.prefix}_template_{world}"

    def _work(self) -> None:
        while (job := self.jobs.get()) is not None:
            action, name = job
            try:
                if action == "copy":
                    self.ready[name].put(self._new_copy(self.worker_admin, name))
                else:
                    self.worker_admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except BaseException as error:  # reported by the next copy() or drop_all()
                self.failure = error

    def copy(self, world: str) -> str:
        """A new database holding `world`; the caller drops it (with `drop`)."""
        import queue

        self.template(world)
        if self.failure is not None:
            raise self.failure
        try:
            name = self.ready[world].get_nowait()
        except queue.Empty:
            name = self._new_copy(self.admin, world)
        else:
            self.jobs.put(("copy", world))
        return name

    def drop(self, name: str) -> None:
        self.jobs.put(("drop", name))

    def drop_all(self) -> None:
        self.jobs.put(None)
        self.worker.join()
        for ready in self.ready.values():
            while not ready.empty():
                self.admin.execute(f'DROP DATABASE IF EXISTS "{ready.get()}" WITH (FORCE)')
        for world in self.worlds:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{self.template_name(world)}"')
        if self.failure is not None:
            raise self.failure


@pytest.fixture(scope="session")
def postgres_templates() -> Iterator[PostgresTemplates]:
    admin, base = _postgres_admin()
    worker_admin, _ = _postgres_admin()
    with admin, worker_admin:
        databases = PostgresTemplates(admin, base, worker_admin)
        try:
            yield databases
        finally:
            databases.drop_all()


# --- The populated world on SQLite and on PostgreSQL (`backend`) ---
#
# SQLite: each test gets its own copy of the populated template, as above.
# PostgreSQL: the world is written once per session into a template database,
# and tests share one copy of it. A refused command writes nothing, so sharing
# is sound while the event count stays at POPULATED_EVENTS; any test that leaves another
# count (it arranged something, or a command wrongly wrote) marks the copy
# dirty, and the next test gets a fresh copy of the template.


def _postgres_admin() -> tuple[Any, str]:
    """An autocommit connection to the test server and the server's URL without a
    database name; skips, or fails, like `postgres_store` when there is no server."""
    import os

    admin_url = os.environ.get(
        "MENTORSHIP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
    )
    try:
        import psycopg

        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except Exception as error:  # any failure to connect means "no server here"
        reason = f"PostgreSQL not reachable at {admin_url}: {error}".splitlines()[0]
        if os.environ.get("MENTORSHIP_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"MENTORSHIP_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    return admin, admin_url.rsplit("/", 1)[0]


class SharedPostgresWorld:
    """The populated world in a PostgreSQL database shared by tests until one writes."""

    def __init__(self, admin: Any, base: str) -> None:
        import uuid

        self.admin = admin
        self.base = base  # the server's URL without a database name
        self.prefix = f"mentorship_test_{uuid.uuid4().hex[:12]}"
        self.template = f"{self.prefix}_world"
        self.copies = 0
        self.current: str | None = None
        self.ledger: MentorshipLedger | None = None
        self.dirty = True
        self.world: World | None = None

    def url(self, database: str) -> str:
        return f"{self.base}/{database}"

    def build_template(self) -> None:
        self.admin.execute(f'CREATE DATABASE "{self.template}"')
        app = MentorshipLedger(self.url(self.template), today=lambda: TODAY)
        try:
            _register(app)
            self.world = _pair_and_meet(app)
        finally:
            app.close()

    def fresh_if_dirty(self) -> MentorshipLedger:
        if self.dirty or self.ledger is None:
            self._drop_current()
            self.copies += 1
            self.current = f"{self.prefix}_{self.copies}"
            self.admin.execute(f'CREATE DATABASE "{self.current}" TEMPLATE "{self.template}"')
            self.ledger = MentorshipLedger(self.url(self.current), today=lambda: TODAY)
            self.dirty = False
        assert self.ledger.recorder.max_notification_id() == POPULATED_EVENTS
        return self.ledger

    def _drop_current(self) -> None:
        if self.ledger is not None:
            self.ledger.close()
            self.ledger = None
        if self.current is not None:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{self.current}" WITH (FORCE)')
            self.current = None

    def drop_all(self) -> None:
        self._drop_current()
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


@pytest.fixture(scope="session")
def shared_postgres_world() -> Iterator[SharedPostgresWorld]:
    admin, base = _postgres_admin()
    with admin:
        shared = SharedPostgresWorld(admin, base)
        try:
            shared.build_template()
            yield shared
        finally:
            shared.drop_all()


def _backend(name: str, store: str, ledger: MentorshipLedger, world: World) -> Backend:
    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        context = LedgerContext(store, ACTOR, ledger=ledger)
        runner = CliRunner(env={**CLEAN_ENV, **(env or {})})
        return runner.invoke(cli, list(args), obj=context, catch_exceptions=True)

    def run_root(*args: str, env: dict[str, str] | None = None) -> Result:
        base = {**CLEAN_ENV, "MENTORSHIP_STORE": store, "MENTORSHIP_ACTOR": ACTOR}
        runner = CliRunner(env={**base, **(env or {})})
        return runner.invoke(cli, list(args), catch_exceptions=True, prog_name="mentorship")

    def count() -> int:
        return ledger.recorder.max_notification_id() or 0

    return Backend(name, store, world, run, run_root, count)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The populated world (18 events) on SQLite or PostgreSQL, with `run`/`count`."""
    if request.param == "sqlite":
        template: Template = request.getfixturevalue("populated_template")
        assert template.world is not None
        path = tmp_path / "ledger.db"
        shutil.copyfile(template.path, path)
        app = MentorshipLedger(str(path), today=lambda: TODAY)
        try:
            yield _backend("sqlite", str(path), app, template.world)
        finally:
            app.close()
        return
    shared: SharedPostgresWorld = request.getfixturevalue("shared_postgres_world")
    app = shared.fresh_if_dirty()
    assert shared.current is not None and shared.world is not None
    try:
        yield _backend("postgres", shared.url(shared.current), app, shared.world)
    finally:
        if (app.recorder.max_notification_id() or 0) != POPULATED_EVENTS:
            shared.dirty = True


@pytest.fixture(scope="session")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes]:
    """A small demo organisation in an SQLite store, and its export."""
    from domain.synthetic import generate_organisation

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = MentorshipLedger(str(path), today=lambda: TODAY)
    try:
        summary = generate_organisation(app, seed=11, people=40, pairings=25)
    finally:
        app.close()
    result = invoke_root(str(path), "export", "events")
    assert result.exit_code == 0, result.output
    assert len(result.stdout_bytes.splitlines()) == summary.events
    return str(path), result.stdout_bytes
