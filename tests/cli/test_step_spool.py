"""The spool that keeps a CSV import's steps on disk, sorted by when they happened."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from cli_helpers import Backend
from test_import_csv_cli import FILES

import cli.step_spool as step_spool
from cli.step_spool import StepSpool


def test_steps_come_back_by_day_then_rank_then_the_order_they_were_added() -> None:
    with StepSpool() as spool:
        spool.add(738_000, 4, 1, 10, "meet", ("b",))
        spool.add(0, 0, 2, 2, "register", ("E1", None))
        spool.add(738_000, 2, 1, 11, "pair", ("p",))
        spool.add(737_999, 6, 3, 5, "leave", (7,))
        spool.add(738_000, 4, 1, 9, "meet", ("a",))

        steps = list(spool.in_order())

    assert steps == [
        (2, 2, "register", ["E1", None]),
        (3, 5, "leave", [7]),
        (1, 11, "pair", ["p"]),
        (1, 10, "meet", ["b"]),
        (1, 9, "meet", ["a"]),
    ]


def test_steps_written_out_in_several_buffers_keep_their_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(step_spool, "BUFFERED", 3)
    with StepSpool() as spool:
        for line in range(10, 0, -1):
            spool.add(line % 2, 0, 1, line, "meet", (line,))

        assert len(spool) == 10
        lines = [line for _, line, _, _ in spool.in_order()]

    assert lines == [10, 8, 6, 4, 2, 9, 7, 5, 3, 1]


def test_closing_the_spool_deletes_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spool = StepSpool()
    spool.add(0, 0, 1, 1, "register", ())
    assert [p.name for p in tmp_path.glob("mentorship-import-*/*")] == ["steps.db"]

    spool.close()

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_leaves_no_spool_behind(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dry_run: bool
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    result = backend.run("import", *FILES, *(["--dry-run"] if dry_run else []))

    assert result.exit_code == 0, result.output
    assert list(scratch.iterdir()) == []


def test_a_refused_import_leaves_no_spool_behind(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    meetings = tmp_path / "meetings.csv"
    meetings.write_text("pairing,on,minutes\nnot-an-id,2026-01-05,30\n")

    result = backend.run("import", str(meetings))

    assert result.exit_code == 1
    assert result.stderr.endswith("Error: 1 problem found; nothing was written\n")
    assert list(scratch.iterdir()) == []
