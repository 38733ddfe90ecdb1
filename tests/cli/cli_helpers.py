"""Constants and types shared by the command-line tests (imported by name:
`conftest` is ambiguous when several test folders have one)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from click.testing import Result

TODAY = date(2026, 11, 22)
ACTOR = "tester"
PROGRAM = "spring-2026"
SETUP_ACTOR = "hr.admin"

# employee id -> (name, level, joined_on, department)
PEOPLE: dict[str, tuple[str, int | None, date | None, str | None]] = {
    "E1": ("Ada Lovelace", 7, date(2019, 4, 1), "Engineering"),
    "E2": ("Brian Kernighan", 3, date(2022, 1, 10), None),
    "E3": ("Grace Hopper", 3, None, None),
    "E4": ("Linus Torvalds", 5, None, None),
}

# The developer's own settings must not leak into the tests.
CLEAN_ENV: dict[str, str | None] = {"MENTORSHIP_ACTOR": None, "MENTORSHIP_STORE": None}

RunFn = Callable[..., Result]
"""`run("list", "--format", "json")`: the click Result of `mentorship list --format json`."""

RefusedFn = Callable[..., str]
"""Runs a command that must be refused; returns its one `Error: ...` line."""

CountFn = Callable[[], int]
"""How many events the store holds."""


@dataclass(frozen=True)
class World:
    """Ids of the populated pairings, as canonical UUID strings."""

    p1: str  # E1 -> E2, traditional
    p2: str  # E2 -> E3, peer
    p3: str  # E3 -> E4, reverse


def invoke_root(store: str, *args: str) -> Result:
    """`mentorship --store STORE ARGS...` through the real root group, as "tester"."""
    from click.testing import CliRunner

    from cli.main import cli

    runner = CliRunner(env={**CLEAN_ENV, "MENTORSHIP_ACTOR": "tester"})
    return runner.invoke(cli, ["--store", store, *args], catch_exceptions=True)


def run_killed(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs `script` (Python that kills its own process part-way through an
    import) with `args`, as "importer"; asserts that it was killed."""
    env = {**os.environ, "MENTORSHIP_ACTOR": "importer"}
    killed = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, timeout=60, text=True
    )
    assert killed.returncode == -9, killed.stderr
    return killed


def one_error_line(result: Result) -> str:
    """The single `Error: ...` line of a refused command (exit 1, no traceback)."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    return lines[0]


# --- Bad-input tables on both backends (tests/cli/test_bad_inputs_*.py) ---

POPULATED_EVENTS = 18  # 5 registrations + launch, 3 pairings x 3 events, 4 meetings
"""Events in the populated world (see tests/cli/conftest.py)."""

LONG_TEXT = "x" * 120_000
"""Free text far beyond any sensible limit."""

TOO_LONG = ("longer than", "too long")
"""The wording of length limits is not settled: either fragment will do."""


@dataclass(frozen=True)
class Backend:
    """The populated world on one backend, and two ways to run the CLI on it.

    `run` injects a ledger whose today is 2026-11-22 (as actor "tester");
    `run_root` goes through the real root group, which opens the store named by
    $MENTORSHIP_STORE (this backend's store) unless the arguments say otherwise.
    """

    name: str  # "sqlite" or "postgres"
    store: str  # a file path or a postgresql:// URL
    world: World
    run: RunFn
    run_root: RunFn
    count: CountFn

    def fill(self, text: str, **extra: str) -> str:
        """`{p1}`, `{p2}`, `{p3}`, `{p1_short}` (5 characters) and `extra` filled in."""
        if "{" not in text:
            return text
        w = self.world
        return text.format(p1=w.p1, p2=w.p2, p3=w.p3, p1_short=w.p1[:5], **extra)


def assert_refused(
    result: Result,
    fragments: str | tuple[str, ...],
    before: int,
    after: int,
    also: list[str] | None = None,
) -> str:
    """A user error: exit 1, one `Error: ` line on stderr holding one of `fragments`
    (case-insensitive), no traceback, nothing on stdout, no event written.

    All problems (and any in `also`) are reported together, so a failure says
    what the CLI did instead.
    """
    wanted = (fragments,) if isinstance(fragments, str) else fragments
    lines = result.stderr.splitlines()
    line = lines[0] if lines else ""
    problems = list(also or [])
    if result.exit_code != 1:
        problems.append(f"exit code {result.exit_code}")
    if not isinstance(result.exception, SystemExit | None):
        problems.append(f"raised {result.exception!r}")
    if "Traceback" in result.output:
        problems.append("printed a traceback")
    if result.stdout:
        problems.append(f"stdout {result.stdout[:200]!r}")
    if len(lines) != 1 or not line.startswith("Error: "):
        problems.append(f"stderr {result.stderr[:300]!r}")
    elif not any(f.lower() in line.lower() for f in wanted):
        problems.append(f"message {line[:300]!r} lacks {' or '.join(map(repr, wanted))}")
    if after != before:
        problems.append(f"wrote {after - before} event(s)")
    assert not problems, "; ".join(problems)
    return line
