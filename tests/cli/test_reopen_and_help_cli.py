"""Two behaviours of the hardening issue: a group run without a command prints
its help, and `mentorship reopen PAIRING --reason TEXT` reopens an ended pairing
(its refusals are rows of test_bad_inputs_pairings_cli.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import CLEAN_ENV, POPULATED_EVENTS, Backend
from click.testing import CliRunner

from cli.main import cli

GROUPS = [pytest.param(g, id=" ".join(g) or "root") for g in [(), ("person",), ("program",)]]


@pytest.mark.parametrize("group", GROUPS)
def test_a_group_without_a_command_prints_its_help_on_stdout(
    group: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = CliRunner(env=CLEAN_ENV).invoke(cli, list(group), prog_name="mentorship")

    assert (result.exit_code, result.stderr) == (0, ""), (result.output, result.exception)
    assert result.stdout.startswith(" ".join(["Usage: mentorship", *group]) + " ")
    assert "Commands:" in result.stdout


def test_reopen_makes_an_ended_pairing_active_and_keeps_its_history(backend: Backend) -> None:
    p1 = backend.world.p1
    ended = backend.run("end", p1, "--reason", "mismatch", "--on", "2026-11-01")
    assert ended.exit_code == 0, ended.output

    reopened = backend.run("reopen", p1, "--reason", "ended by mistake")

    assert reopened.exit_code == 0, (reopened.output, reopened.exception)
    assert backend.count() == POPULATED_EVENTS + 4  # ended; reopened, and resumed on both people
    listed = {row["id"]: row for row in json.loads(backend.run("list", "--format", "json").stdout)}
    assert (listed[p1]["status"], listed[p1]["ended_on"]) == ("active", None)
    history = json.loads(backend.run("history", p1, "--format", "json").stdout)
    assert [event["type"] for event in history["events"]][-2:] == ["Ended", "Reopened"]
