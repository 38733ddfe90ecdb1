"""Replay and query speed on a synthetic store of about 1,000,000 events.

    python benchmarks/bench_replay.py [--store PATH] [--people N --pairings N]
                                      [--smoke] [--json PATH]

`--smoke` builds a fresh store of about 20,000 events in a temporary directory
(CI runs it so that the benchmark keeps working); `--json` saves the results.

Builds the store once (seeded, reused on later runs), then measures in one run:
  * bare: a plain sqlite3 read of every stored event plus its JSON decode;
  * replay: `mentorship replay` (rebuilds every view), events/s as it reports;
  * queries: wall time of `mentorship retention` and `mentorship engagement`
    on the up-to-date store, process start included;
  * peak memory (maximum resident set size) of the replay process;
  * report: wall time of `mentorship report` (the HTML page) and its size.
Targets (issue 3): replay >= 150,000 events/s, about half the bare rate; each
query under 300 ms; the report under 3 s and 6 MB.
Absolute figures are noisy here; compare ratios within a run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
DEFAULT_STORE = HERE / ".data" / "bench-1m.db"
MENTORSHIP = [sys.executable, "-m", "cli"]


def build(store: Path, people: int, pairings: int) -> None:
    from cli.synthetic import BENCHMARK_CHECK_INS, generate_organisation
    from domain.application import MentorshipLedger

    store.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    summary = generate_organisation(
        MentorshipLedger(str(store)), people=people, pairings=pairings,
        check_ins_per_cadence=BENCHMARK_CHECK_INS,
    )
    seconds = time.perf_counter() - started
    print(f"built {store}: {summary.events:,} events in {seconds:.0f} s", file=sys.stderr)


def bare_read(store: Path) -> float:
    """Events per second of a plain sqlite3 read plus JSON decode, best of three."""
    best = 0.0
    for _ in range(3):
        connection = sqlite3.connect(store)
        started = time.perf_counter()
        count = 0
        rows = connection.execute(
            "SELECT rowid, originator_id, topic, state FROM stored_events ORDER BY rowid"
        )
        for row in rows:
            orjson.loads(row[3])
            count += 1
        best = max(best, count / (time.perf_counter() - started))
        connection.close()
    return best


def run_measured(args: list[str]) -> tuple[str, float]:
    """Runs a command; its stdout and its peak resident memory in MB (from wait4)."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL, cwd=HERE.parent)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed with exit code {process.returncode}")
        out.seek(0)
        return out.read().decode(), usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def replay(store: Path) -> tuple[int, float, float]:
    output, peak_mb = run_measured([*MENTORSHIP, "--store", str(store), "replay"])
    match = re.search(r"Replayed (\d+) events in [\d.]+ s \(([\d,]+) events/s\)", output)
    if match is None:
        raise SystemExit(f"unexpected replay output: {output!r}")
    return int(match.group(1)), float(match.group(2).replace(",", "")), peak_mb


def query_ms(store: Path, *args: str, runs: int = 7) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*MENTORSHIP, "--store", str(store), *args], check=True,
                       capture_output=True, cwd=HERE.parent)
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(store: Path, runs: int) -> tuple[list[float], int]:
    """Wall times in ms of `mentorship report` (process start included), and the
    size in bytes of the page it writes."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.html"
        times = query_ms(store, "report", "--out", str(out), runs=runs)
        return times, out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--pairings", type=int, default=24_500)
    parser.add_argument("--smoke", action="store_true", help="about 20,000 events, fresh store")
    parser.add_argument("--json", type=Path, help="also save the results here")
    options = parser.parse_args()
    if options.smoke:
        scratch = tempfile.TemporaryDirectory()
        options.store = Path(scratch.name) / "smoke.db"
        options.people, options.pairings = 400, 500
    if not options.store.exists():
        build(options.store, options.people, options.pairings)
    runs = 3 if options.smoke else 7
    bare = bare_read(options.store)
    events, replay_rate, replay_mb = replay(options.store)
    timings = {
        "retention": query_ms(options.store, "retention", runs=runs),
        "engagement": query_ms(options.store, "engagement", runs=runs),
        # A past date cannot use the running totals: meetings are recounted up to D.
        "engagement --as-of a year ago": query_ms(
            options.store, "engagement", "--as-of",
            (date.today() - timedelta(days=365)).isoformat(), runs=3,
        ),
        "--help (start-up only)": query_ms(options.store, "--help", runs=runs),
    }  # fmt: skip
    report_times, report_bytes = report(options.store, runs)
    print(f"events in store            {events:,}")
    print(f"bare read + JSON decode    {bare:,.0f} events/s")
    print(f"mentorship replay          {replay_rate:,.0f} events/s "
          f"(ratio to bare {replay_rate / bare:.2f}; target >= 200,000); "
          f"peak memory {replay_mb:.0f} MB (target < 300 MB)")  # fmt: skip
    for name, times in timings.items():
        print(f"mentorship {name:<30} median {statistics.median(times):.0f} ms, "
              f"min {min(times):.0f} ms over {len(times)} runs (target < 300 ms)")
    print(f"mentorship report                         median "
          f"{statistics.median(report_times):.0f} ms, min {min(report_times):.0f} ms over "
          f"{len(report_times)} runs (target < 3000 ms); "
          f"{report_bytes / 1e6:.2f} MB (target < 6 MB)")  # fmt: skip
    if options.json is not None:
        results = {
            "events": events,
            "bare_read_events_per_s": bare,
            "replay_events_per_s": replay_rate,
            "replay_ratio_to_bare": replay_rate / bare,
            "replay_peak_mb": replay_mb,
            "queries_median_ms": {name: statistics.median(t) for name, t in timings.items()},
            "report_median_ms": statistics.median(report_times),
            "report_bytes": report_bytes,
        }
        options.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
