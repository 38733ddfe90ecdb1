"""Import, replay, export and query speed against the bare-driver floors, in one run.

    python benchmarks/bench_replay.py [--size smoke|100k|1m] [--json PATH]
                                      [--postgres URL | --no-postgres]

Generates a deterministic synthetic organisation (seeded; kept under
benchmarks/.data/ and reused by later runs), exports its log, and measures on
the same machine, in one run:
  * export: `mentorship export events` (events/s, peak RSS);
  * import: `mentorship import --events` of that export into an empty store
    (events/s, peak RSS) against the write floor: the same rows inserted by the
    bare driver (benchmarks/floors.py); and, on SQLite, `mentorship import` of
    the same log as CSV files (benchmarks/csv_from_log.py);
  * replay: `mentorship replay` of the imported store (events/s, peak RSS)
    against the read floor: a bare read plus `json.loads` of the same rows;
  * queries: `retention` and `engagement` (median of several runs, process
    start included) on the up-to-date store, and `--help`;
  * report: `mentorship report` (the HTML page; median of three) and its size;
  * the same on PostgreSQL when a server answers (default the tests' server).
Targets (issue 8, at 1,000,000 events on this 2-core machine): import >= 100,000
events/s on SQLite, >= 40,000 on PostgreSQL; replay >= 200,000 on SQLite, >=
100,000 on PostgreSQL; queries < 300 ms; peak RSS < 300 MB for import, export
and replay; the report under 3 s and 6 MB. Absolute figures are noisy here;
compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import csv_from_log
import floors

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
MENTORSHIP = [sys.executable, "-m", "cli"]
SIZES = {"smoke": (400, 500), "100k": (2_000, 2_450), "1m": (20_000, 24_500)}  # people, pairings
POSTGRES = os.environ.get("MENTORSHIP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def build(store: Path, people: int, pairings: int) -> None:
    from domain.application import MentorshipLedger
    from domain.synthetic import BENCHMARK_CHECK_INS, generate_organisation

    store.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    summary = generate_organisation(
        MentorshipLedger(str(store)), people=people, pairings=pairings,
        check_ins_per_cadence=BENCHMARK_CHECK_INS,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    print(f"built {store}: {summary.events:,} events in {seconds:.0f} s", file=sys.stderr)


def run_measured(args: list[str]) -> tuple[str, float, float]:
    """Runs a command: its stdout, wall seconds and peak resident memory in MB
    (of all its processes together: benchmarks/peak_memory.py)."""
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as peak:
        started = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "peak_memory.py"), peak.name, *args],
                       stdout=out, cwd=HERE.parent, check=True)  # fmt: skip
        seconds = time.perf_counter() - started
        code, kib = peak.read().split()
        if code != "0":
            raise SystemExit(f"{' '.join(args)} failed with exit code {code}")
        out.seek(0)
        return out.read().decode(), seconds, int(kib) / 1024  # KiB on Linux


def query_ms(store: str, *args: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*MENTORSHIP, "--store", store, *args], check=True,
                       capture_output=True, cwd=HERE.parent)  # fmt: skip
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure_store(store: str, export: Path, events: int, runs: int) -> dict[str, Any]:
    """Import the export into the empty `store`, replay it, and time the queries."""
    output, _, import_mb = run_measured(
        [*MENTORSHIP, "--store", store, "import", "--events", str(export)]
    )
    imported = re.search(r"Imported (\d+) events .* \(([\d,]+) events/s\)", output)
    if imported is None or int(imported.group(1)) != events:
        raise SystemExit(f"unexpected import output: {output!r}")
    output, _, replay_mb = run_measured([*MENTORSHIP, "--store", store, "replay"])
    match = re.search(r"Replayed (\d+) events in [\d.]+ s \(([\d,]+) events/s\)", output)
    if match is None or int(match.group(1)) != events:
        raise SystemExit(f"unexpected replay output: {output!r}")
    a_year_ago = (date.today() - timedelta(days=365)).isoformat()
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        report_ms = query_ms(store, "report", "--out", str(page), runs=3)
        report_mb = page.stat().st_size / 1e6
    return {
        "report_median_ms": report_ms,
        "report_mb": report_mb,
        "import_events_per_s": float(imported.group(2).replace(",", "")),
        "import_peak_mb": import_mb,
        "replay_events_per_s": float(match.group(2).replace(",", "")),
        "replay_peak_mb": replay_mb,
        "queries_median_ms": {
            "retention": query_ms(store, "retention", runs=runs),
            "engagement": query_ms(store, "engagement", runs=runs),
            "engagement --as-of a year ago": query_ms(
                store, "engagement", "--as-of", a_year_ago, runs=runs
            ),
        },
    }


def sqlite_results(source: Path, export: Path, events: int, runs: int) -> dict[str, Any]:
    rows = floors.sqlite_rows(source)
    seals = floors.seals_of(rows)
    with tempfile.TemporaryDirectory() as scratch:
        write_floor = floors.sqlite_write(rows, Path(scratch) / "floor.db")
        sealed_floor = floors.sqlite_write(rows, Path(scratch) / "floor.db", seals)
        del rows, seals
        store = Path(scratch) / "imported.db"
        results = measure_store(str(store), export, events, runs)
        results["write_floor_events_per_s"] = write_floor
        results["write_floor_with_seals_events_per_s"] = sealed_floor
        results["read_floor_events_per_s"] = floors.sqlite_read(store)
        results.update(csv_import(export, Path(scratch)))
    return results


def csv_import(export: Path, scratch: Path) -> dict[str, Any]:
    """`mentorship import` of the log as CSV files (benchmarks/csv_from_log.py)
    into an empty SQLite store: the same Python work per row on either backend."""
    folder = scratch / "csv"
    folder.mkdir()
    files, rows = csv_from_log.write_csv(export, folder)
    store = scratch / "from-csv.db"
    command = [*MENTORSHIP, "--store", str(store), "import", *map(str, files)]
    output, _, peak_mb = run_measured(command)
    imported = re.search(r"(\d+) rows imported: (\d+) events .* \(([\d,]+) events/s\)", output)
    if imported is None or int(imported.group(1)) != rows:
        raise SystemExit(f"unexpected CSV import output: {output!r}")
    return {
        "import_csv_rows": rows,
        "import_csv_events": int(imported.group(2)),
        "import_csv_events_per_s": float(imported.group(3).replace(",", "")),
        "import_csv_peak_mb": peak_mb,
    }


def postgres_results(admin_url: str, export: Path, source: Path, events: int, runs: int) -> (
    dict[str, Any] | None
):  # fmt: skip
    try:
        import psycopg

        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except Exception as error:  # no server, or no driver: the SQLite figures stand alone
        print(f"PostgreSQL skipped: {str(error).splitlines()[0]}", file=sys.stderr)
        return None
    name = f"mentorship_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{admin_url.rsplit('/', 1)[0]}/{name}"
    try:
        results = measure_store(url, export, events, runs)
        rows = floors.sqlite_rows(source)
        results["write_floor_events_per_s"] = floors.postgres_write(rows, url)
        results["write_floor_with_seals_events_per_s"] = floors.postgres_write(
            rows, url, floors.seals_of(rows)
        )
        results["read_floor_events_per_s"] = floors.postgres_read(url)
        return results
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def report(backend: str, r: dict[str, Any]) -> None:
    imp, replay = r["import_events_per_s"], r["replay_events_per_s"]
    floor, sealed = r["write_floor_events_per_s"], r["write_floor_with_seals_events_per_s"]
    print(
        f"{backend}: import --events {imp:,.0f} events/s "
        f"({imp / floor:.2f} of the bare insert, {floor:,.0f}/s; "
        f"{imp / sealed:.2f} of the bare insert with the seals, {sealed:,.0f}/s), "
        f"peak {r['import_peak_mb']:.0f} MB"
    )
    print(
        f"{backend}: replay         {replay:,.0f} events/s "
        f"({replay / r['read_floor_events_per_s']:.2f} of the bare read, "
        f"{r['read_floor_events_per_s']:,.0f}/s), peak {r['replay_peak_mb']:.0f} MB"
    )
    if "import_csv_events_per_s" in r:
        print(
            f"{backend}: import CSV      {r['import_csv_events_per_s']:,.0f} events/s "
            f"({r['import_csv_rows']:,} rows, {r['import_csv_events']:,} events), "
            f"peak {r['import_csv_peak_mb']:.0f} MB"
        )
    for name, ms in r["queries_median_ms"].items():
        print(f"{backend}: {name:<31} median {ms:.0f} ms")  # fmt: skip
    print(
        f"{backend}: report                          median {r['report_median_ms']:.0f} ms, "
        f"{r['report_mb']:.2f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="1m")
    parser.add_argument("--smoke", action="store_true", help="same as --size smoke")
    parser.add_argument("--json", type=Path, help="also save the results here")
    parser.add_argument("--postgres", default=POSTGRES, help="admin URL of a PostgreSQL server")
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()
    size = "smoke" if options.smoke else options.size
    # Installed packages carry their bytecode; a source tree run with
    # PYTHONDONTWRITEBYTECODE (as here) would recompile every module per command.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "domain", "projections", "cli"],
                   cwd=HERE.parent, check=True)  # fmt: skip
    source = DATA / f"bench-{size}.db"
    if not source.exists():
        build(source, *SIZES[size])
    runs = 3 if size == "smoke" else 7
    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "log.jsonl"
        _, seconds, export_mb = run_measured(
            [*MENTORSHIP, "--store", str(source), "export", "events", "--out", str(export)]
        )
        events = sum(1 for _ in export.open("rb"))
        results: dict[str, Any] = {
            "events": events,
            "export": {"events_per_s": events / seconds, "peak_mb": export_mb},
            "help_median_ms": query_ms(str(source), "--help", runs=runs),
            "sqlite": sqlite_results(source, export, events, runs),
        }
        if not options.no_postgres:
            results["postgres"] = postgres_results(options.postgres, export, source, events, runs)
    print(f"events in store: {events:,}")
    export_rate = results["export"]["events_per_s"]
    print(f"sqlite: export events  {export_rate:,.0f} events/s, peak {export_mb:.0f} MB")
    report("sqlite", results["sqlite"])
    if results.get("postgres"):
        report("postgres", results["postgres"])
    print(f"mentorship --help: median {results['help_median_ms']:.0f} ms")
    if options.json is not None:
        options.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
