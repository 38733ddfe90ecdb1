"""What the multi-process tests' workers share: each is a fresh `python -c`
process that opens the ledger, touches `ready-N` and spins until the test
creates `go`, so that the workers' writes really overlap.

A worker script is `START` followed by its own code; it gets `store`, `sync`
(the folder for the ready/go files), `index` and `app` from `START`, and its own
arguments from `sys.argv[4:]`.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from subprocess import PIPE

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60  # seconds for every worker to be ready; only to fail, not hang

START = """
import sys, time
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID
from domain.application import MentorshipLedger
from domain.errors import ConcurrentUpdate, LedgerError

store, sync, index = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
app = MentorshipLedger(store, today=lambda: date(2026, 11, 22))
(sync / f"ready-{index}").touch()
while not (sync / "go").exists():
    time.sleep(0.001)
"""


def run_together(
    store: str, sync: Path, jobs: list[tuple[str, list[str]]], *, prelude: str = START
) -> list[str]:
    """Starts one worker per (script, arguments), each `prelude` + its script, releases
    them at once, and returns their stdout once every one has exited cleanly."""
    workers = []
    for index, (script, args) in enumerate(jobs):
        code = textwrap.dedent(prelude) + textwrap.dedent(script)
        command = [sys.executable, "-c", code, store, str(sync), str(index), *args]
        workers.append(subprocess.Popen(command, cwd=ROOT, stdout=PIPE, stderr=PIPE, text=True))
    deadline = time.monotonic() + START_TIMEOUT
    while len(list(sync.glob("ready-*"))) < len(workers):
        assert time.monotonic() < deadline, "workers did not start in time"
        assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
        time.sleep(0.01)
    (sync / "go").touch()
    outputs = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        outputs.append(out)
    return outputs
