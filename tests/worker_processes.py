"""What the multi-process tests' workers share: each is a fresh `python -c`
process that opens the ledger, touches `ready-N` and spins until the test
creates `go`, so that the workers' writes really overlap.

A worker script is `START` followed by its own code; it gets `store`, `sync`
(the folder for the ready/go files), `index` and `app` from `START`, and its own
arguments from `sys.argv[4:]`.
"""

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
