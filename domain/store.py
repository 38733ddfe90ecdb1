"""Which store holds the events: an SQLite file (default) or PostgreSQL.

Kept free of heavy imports: read-only commands open the store through this
module without loading the pydantic event models. `domain.store_guard` opens
it with these settings.

The command line imports it at start-up (for DEFAULT_STORE), so modules that
only some commands need are imported where they are used.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from domain.errors import InvalidInput, StoreUnavailable

DEFAULT_STORE = "mentorship.db"
TRANSCODER_TOPIC = "domain.mapper:OrjsonTranscoder"
MAPPER_TOPIC = "domain.mapper:PayloadMapper"
POSTGRES_RECORDER_TOPIC = "domain.store_postgres:BulkSafePostgresApplicationRecorder"
SQLITE_RECORDER_TOPIC = "domain.store_sqlite:SealingSQLiteApplicationRecorder"
STARTUP_ATTEMPTS = 6
LOCK_TIMEOUT_VARIABLE = "MENTORSHIP_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 30  # seconds, on both stores


def is_postgres(store: str) -> bool:
    return store.startswith(("postgresql://", "postgres://"))


def lock_timeout() -> int:
    """How long, in seconds, a command waits for another process's lock."""
    text = os.environ.get(LOCK_TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_LOCK_TIMEOUT
    if not text.isdigit() or int(text) < 1:
        raise InvalidInput(
            f"{LOCK_TIMEOUT_VARIABLE} must be a whole number of seconds, 1 or more: {text!r}"
        )
    return int(text)


def busy_message(seconds: int) -> str:
    return f"the store is busy: another process held a lock for {seconds} s; try again"


def no_store_message(store: str) -> str:
    if is_postgres(store):  # never echo a password
        from urllib.parse import urlsplit

        url = urlsplit(store)
        userinfo, _, host = url.netloc.rpartition("@")
        user = userinfo.partition(":")[0]
        store = url._replace(netloc=f"{user}@{host}" if user else host).geturl()
    return (
        f"no store at {store}: create one by recording something "
        "(e.g. mentorship person add ...) or run mentorship demo"
    )


def store_environment(store: str, *, create: bool = True) -> dict[str, str]:
    """The eventsourcing settings that open `store` (a path or a postgresql:// URL).

    With `create=False` (queries) nothing is created: not the SQLite file, not a table.
    """
    env = {"TRANSCODER_TOPIC": TRANSCODER_TOPIC, "MAPPER_TOPIC": MAPPER_TOPIC}
    if is_postgres(store):
        env.update(_postgres_environment(store))
    else:
        env.update(_sqlite_environment(store, create))
    if not create:
        env["CREATE_TABLE"] = "n"
        if is_postgres(store):
            # A read opens one connection at a time. eventsourcing's pool opens
            # five at start (in threads, while the query runs): ~15 ms of a
            # query here. It still grows on demand, up to its overflow.
            env["POSTGRES_POOL_SIZE"] = "1"
    return env


def _postgres_environment(store: str) -> dict[str, str]:
    from urllib.parse import unquote, urlsplit

    url = urlsplit(store)
    dbname = url.path.lstrip("/")
    if not url.hostname or not dbname:
        raise InvalidInput(
            f"invalid store URL {store!r}: expected postgresql://user:pw@host:port/db"
        )
    try:
        port = url.port or 5432
    except ValueError:
        raise InvalidInput(f"invalid port in store URL {store!r}") from None
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "APPLICATION_RECORDER_TOPIC": POSTGRES_RECORDER_TOPIC,
        "POSTGRES_DBNAME": unquote(dbname),
        "POSTGRES_HOST": url.hostname,
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        # eventsourcing sets it for the table lock taken while inserting events
        # (otherwise 0: wait forever); every other statement gets it per session
        # from `store_guard.guard_datastore`.
        "POSTGRES_LOCK_TIMEOUT": str(lock_timeout()),
    }


def _sqlite_environment(store: str, create: bool) -> dict[str, str]:
    if "://" in store:
        raise InvalidInput(f"unsupported store {store!r}: give a file path or a postgresql:// URL")
    # SQLite would accept these, print success and keep nothing (or, for a URI,
    # whatever its options say): a store must be a plain file.
    if ":memory:" in store or "mode=memory" in store:
        raise InvalidInput(
            f"store {store!r} is an in-memory database, which keeps nothing: "
            "give a file path or a postgresql:// URL"
        )
    if store.startswith("file:"):
        raise InvalidInput(
            f"store {store!r} is an SQLite URI, which may keep nothing: "
            "give a plain file path or a postgresql:// URL"
        )
    path = Path(store)
    if path.is_dir():
        raise InvalidInput(f"store {store!r} is a directory, not a database file")
    if not path.parent.exists():
        raise InvalidInput(f"store {store!r}: directory {path.parent} does not exist")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "APPLICATION_RECORDER_TOPIC": SQLITE_RECORDER_TOPIC,
        "SQLITE_DBNAME": str(path),
        "SQLITE_LOCK_TIMEOUT": str(lock_timeout()),
    }
    if not create:
        if not path.is_file():
            raise StoreUnavailable(no_store_message(store))
        env["SQLITE_DBNAME"] = _existing_file_uri(path)
    return env


def _existing_file_uri(path: Path) -> str:
    """A URI that opens the file only if it exists (a plain path would create it)."""
    from urllib.parse import quote

    uri = "file:" + quote(str(path.absolute()))
    # A write-ahead-log database needs a -shm file beside it. Where none exists
    # and none can be made (a read-only directory), no process is writing the
    # store now, and SQLite reads it only as "immutable" (without locks).
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists():
        return uri + "?mode=ro&immutable=1"
    return uri + "?mode=rw"


T = TypeVar("T")


def retry_startup(open_store: Callable[[], T], races: tuple[type[BaseException], ...]) -> T:
    """Opens a store, retrying when several processes create its tables at once.

    PostgreSQL reports such races as errors ("tuple concurrently updated",
    duplicate types) although the tables are fine once any process has won.
    """
    for attempt in range(1, STARTUP_ATTEMPTS + 1):
        try:
            return open_store()
        except races:
            if attempt == STARTUP_ATTEMPTS:
                raise
            import random

            time.sleep(random.uniform(0.05, 0.2) * attempt)
    raise AssertionError("unreachable")
