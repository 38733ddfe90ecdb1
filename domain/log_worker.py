"""Reading a large log in a second process, while this one writes.

An import spends about half its time turning lines into rows (parsing,
validating, sealing personal values) and half writing them. Both are Python
holding the interpreter's lock, so a thread would not overlap them (measured
slower); a second process does, on a second core. The worker reads the file
itself and sends each chunk of rows, with the keys it made, through a pipe; the
transaction stays in this process, so a crash of either side leaves the store
as it was: the worker only ever sends, and this side commits only after the
worker said the log ended.

The worker is a fresh interpreter (nothing of this process, such as open
database connections, is inherited) started with `subprocess`, not
`multiprocessing`, whose `spawn` would run the calling program's main module
again. It costs a few tenths of a second, so small logs are read in this
process instead.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import traceback
from collections.abc import Generator
from pathlib import Path
from typing import IO, Any

from domain.errors import LedgerError
from domain.key_table import Row as KeyRow

_END = "end"
# The worker's first message, on its standard input, is (sys.path, arguments):
# it imports this module as the parent does.
_BOOT = (
    "import pickle, sys; path, args = pickle.load(sys.stdin.buffer); sys.path[:] = path; "
    "from domain.log_worker import work; work(*args)"
)


class WorkerFailed(LedgerError):
    """The worker process stopped before the end of the log."""


def chunks_from_worker(
    path: Path, keys: list[KeyRow], size: int
) -> Generator[Any, None, None]:
    """The chunks of `size` rows of `domain.log_import.chunks`, made by a worker
    process that knows the store's `keys`; the same error for a bad line as
    there. Closing the generator stops the worker."""
    try:
        worker = subprocess.Popen(
            [sys.executable, "-c", _BOOT], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
    except OSError as error:
        raise WorkerFailed(f"could not start a process to read {path}: {error}") from None
    assert worker.stdin is not None and worker.stdout is not None
    try:
        with worker.stdin:
            pickle.dump((sys.path, (str(path), keys, size)), worker.stdin)
        while True:
            try:
                message = pickle.load(worker.stdout)
            except (EOFError, pickle.UnpicklingError):
                raise WorkerFailed(
                    f"the process reading {path} stopped before the end of the log "
                    f"({_ended(worker)}); nothing was written"
                ) from None
            if message == _END:
                return
            if isinstance(message, LedgerError):  # a bad line, named
                raise message
            if isinstance(message, str):  # a bug in the worker: its traceback
                raise RuntimeError(f"the process reading {path} failed:\n{message}")
            yield message
    finally:
        worker.stdout.close()
        if worker.poll() is None:
            worker.kill()
        worker.wait()


def _ended(worker: subprocess.Popen[bytes]) -> str:
    """How a worker whose stream broke ended: its exit code, or, if it goes on
    (it sent something that is not a chunk), that it was stopped."""
    try:
        return f"exit code {worker.wait(5)}"
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
        return "it sent what is not a chunk and was stopped"


def work(path: str, keys: list[KeyRow], size: int) -> None:
    """The worker: every chunk of the log on standard output, then `_END`, or
    what went wrong."""
    from domain.keys import KeyRing
    from domain.log_import import chunks
    from domain.log_restore import LogRestorer
    from domain.mapper import OrjsonTranscoder, PayloadMapper

    out: IO[bytes] = sys.stdout.buffer
    sys.stdout = sys.stderr  # whatever else prints must not break the stream of chunks
    ring = KeyRing.offline(keys)
    mapper = PayloadMapper(transcoder=OrjsonTranscoder())
    mapper.keys = ring
    try:
        try:
            for chunk in chunks(LogRestorer(mapper, ring), Path(path), size):
                pickle.dump(chunk, out, pickle.HIGHEST_PROTOCOL)
            message: Any = _END
        except LedgerError as error:
            message = error
        except Exception:
            message = traceback.format_exc()
        pickle.dump(message, out, pickle.HIGHEST_PROTOCOL)
        out.flush()
    except BrokenPipeError:  # the importing process stopped: nobody to tell
        pass
