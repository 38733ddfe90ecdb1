"""Runs a command and writes its exit code and peak resident memory (KiB) to a file:

    python benchmarks/peak_memory.py OUT_FILE COMMAND [ARGS...]

The peak is the larger of the kernel's (the largest single process among the
command and its descendants, `RUSAGE_CHILDREN`) and the largest sum over the
command's process tree seen by sampling /proc every 20 ms: `import --events`
runs a worker process beside the importing one, and their memory adds up.

Run as its own small process because a child's `ru_maxrss` includes the memory
of the process that forked it (it survives exec), and the benchmark holds a
whole log in memory for the floors.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path


def tree_kib(pid: int) -> int:
    """Resident memory of a process and its descendants, in KiB (0 once gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:  # exited meanwhile
            continue
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)  # fmt: skip
        todo.extend(int(child) for child in children)
    return total


def main() -> None:
    out, command = sys.argv[1], sys.argv[2:]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    sampled = 0
    while process.poll() is None:
        sampled = max(sampled, tree_kib(process.pid))
        time.sleep(0.02)
    kernel = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    Path(out).write_text(f"{process.returncode} {max(kernel, sampled)}")


if __name__ == "__main__":
    main()
