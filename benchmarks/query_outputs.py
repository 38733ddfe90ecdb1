"""Captures what every report variant prints, to prove a change leaves it byte-identical.

    python benchmarks/query_outputs.py STORE OUT_DIR [--quick]
    python benchmarks/query_outputs.py --compare BEFORE_DIR AFTER_DIR

Runs `retention` and `engagement` (every grouping and flag), with no `--as-of`
and with several dates (month ends, mid-month days, a year ago, before the
first pairing), in each `--format`, plus `report` for a few dates and programs;
one file per command with its exit code, stdout and stderr. Run it from the
checkout whose code is measured (`python -m cli` is the one in the current
directory). `--compare` holds exit codes, stdout and stderr byte-identical,
except that of a traceback (an unexpected error) only its last line counts:
its frames name files and lines that a refactoring moves.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RETENTION = [
    [],
    ["--by", "cohort"],
    ["--by", "program"],
    ["--compare"],
    ["--causes"],
    ["--compare", "--causes", "--by", "program"],
    ["--people"],
]
ENGAGEMENT = [[], ["--by", "program"], ["--at-risk"], ["--monthly"]]
DATES = [
    None,
    "2026-12-06",  # the day before the latest: a partial month, nearly current
    "2026-11-30",  # a month end
    "2026-06-15",  # mid-month
    "2025-12-07",  # a year ago (the benchmark's)
    "2025-12-31",
    "2025-03-01",  # a month's first day
    "2024-12-31",
    "2024-12-07",  # the first pairings' day
    "2024-12-06",  # before the first pairing
]
FORMATS = ["table", "json", "csv"]
REPORTS = [
    [],
    ["--as-of", "2025-12-07"],
    ["--as-of", "2026-06-15", "--program", "reverse-2024"],
    ["--as-of", "2026-11-30", "--program", "buddy-2024", "--program", "traditional-2024"],
]


def commands(quick: bool) -> list[list[str]]:
    found = []
    for name, variants in (("retention", RETENTION), ("engagement", ENGAGEMENT)):
        for variant in variants:
            for day in DATES[:4] if quick else DATES:
                for fmt in FORMATS:
                    as_of = [] if day is None else ["--as-of", day]
                    found.append([name, *variant, *as_of, "--format", fmt])
    found += [["report", *r, "--out", "-"] for r in REPORTS]
    return found


def capture(store: str, args: list[str], out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli", "--store", store, *args], capture_output=True, check=False
    )
    name = "_".join(a.lstrip("-") for a in args)[:80]
    digest = hashlib.sha1(" ".join(args).encode()).hexdigest()[:8]
    # The report says when it was made and from which store, and a traceback
    # names the checkout: the only bytes allowed to differ.
    stdout = re.sub(rb"generated [0-9-]+ [0-9:]+ UTC", b"generated (time)", done.stdout)
    stdout = re.sub(rb'"generated_at": "[^"]*"', b'"generated_at": "(time)"', stdout)
    stdout = stdout.replace(store.encode(), b"(store)")
    stderr = done.stderr.replace(str(Path.cwd()).encode(), b"(checkout)")
    text = b"args: %s\nexit: %d\n--- stdout\n%s\n--- stderr\n%s" % (
        " ".join(args).encode(), done.returncode, stdout, stderr,
    )  # fmt: skip
    (out / f"{name}.{digest}.txt").write_bytes(text)


def _sections(text: bytes) -> tuple[bytes, bytes]:
    head, _, stderr = text.partition(b"\n--- stderr\n")
    if b"Traceback (most recent call last)" in stderr:
        stderr = stderr.strip().splitlines()[-1]
    return head, stderr


def compare(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differing = [
        name
        for name in names
        if not (before / name).exists()
        or not (after / name).exists()
        or _sections((before / name).read_bytes()) != _sections((after / name).read_bytes())
    ]
    for name in differing:
        print(f"differs: {name}")
    print(f"{len(names) - len(differing)} of {len(names)} outputs identical")
    return 1 if differing else 0


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        raise SystemExit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("out", type=Path)
    parser.add_argument("--quick", action="store_true", help="four dates only")
    parser.add_argument("--jobs", type=int, default=2)
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    todo = commands(options.quick)
    with ThreadPoolExecutor(options.jobs) as pool:
        list(pool.map(lambda args: capture(options.store, args, options.out), todo))
    print(f"{len(todo)} outputs in {options.out}")


if __name__ == "__main__":
    main()
