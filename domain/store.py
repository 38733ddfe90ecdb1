"""Which store holds the events: an SQLite file (default) or PostgreSQL.

Kept free of heavy imports: read-only commands open the store through this
module without loading the pydantic event models. It imports no SQL driver
either: driver errors are recognised by their SQLite error name or their
PostgreSQL SQLSTATE, so this module loads without the postgres extra.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, unquote, urlsplit

from domain.errors import InvalidInput, StoreBusy, StoreUnavailable

if TYPE_CHECKING:
    from eventsourcing.persistence import InfrastructureFactory
    from eventsourcing.utils import Environment

DEFAULT_STORE = "mentorship.db"
TRANSCODER_TOPIC = "domain.mapper:OrjsonTranscoder"
MAPPER_TOPIC = "domain.mapper:PayloadMapper"
STARTUP_ATTEMPTS = 6
LOCK_TIMEOUT_VARIABLE = "MENTORSHIP_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 30  # seconds, on both stores
PRIVATE_FILE_MODE = 0o600
POSTGRES_EXTRA = (
    'PostgreSQL stores need the postgres extra: pip install "mentorship-ledger[postgres]"'
)
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout expires
UNDEFINED_TABLE = "42P01"


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
    return env


def _postgres_environment(store: str) -> dict[str, str]:
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
        "POSTGRES_DBNAME": unquote(dbname),
        "POSTGRES_HOST": url.hostname,
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        # eventsourcing sets it for the table lock taken while inserting events
        # (otherwise 0: wait forever); every other statement gets it per session
        # from `guard_datastore`.
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
    uri = "file:" + quote(str(path.absolute()))
    # A write-ahead-log database needs a -shm file beside it. Where none exists
    # and none can be made (a read-only directory), no process is writing the
    # store now, and SQLite reads it only as "immutable" (without locks).
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists():
        return uri + "?mode=ro&immutable=1"
    return uri + "?mode=rw"


def construct_factory(store: str, env: Environment, *, create: bool) -> InfrastructureFactory:
    """The eventsourcing factory for `store`, guarded by `guard_datastore`."""
    from eventsourcing.persistence import InfrastructureFactory

    if create and not is_postgres(store):
        _create_private_file(store)
    try:
        factory = InfrastructureFactory.construct(env)
    except Exception as error:
        if any(
            isinstance(e, ImportError) and (e.name or "").startswith("psycopg")
            for e in error_chain(error)
        ):
            raise StoreUnavailable(POSTGRES_EXTRA) from None
        raise
    guard_datastore(getattr(factory, "datastore"))  # noqa: B009
    return factory


def check_events_table(recorder: Any, store: str) -> None:
    """A store opened without creating anything must already hold the events table."""
    try:
        recorder.max_notification_id()
    except Exception as error:
        if any(
            getattr(e, "sqlstate", None) == UNDEFINED_TABLE or "no such table" in str(e)
            for e in error_chain(error)
        ):
            raise StoreUnavailable(no_store_message(store)) from None
        raise


def _create_private_file(store: str) -> None:
    """A new store is readable by its owner only: SQLite would create it 0644,
    and it gives the -wal and -shm files the database file's mode."""
    # If it exists already, or cannot be created, SQLite opens it or says why.
    with contextlib.suppress(OSError):
        os.close(os.open(store, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))


def guard_datastore(datastore: Any) -> None:
    """Bounds every lock wait and reports an expired one as `StoreBusy`.

    PostgreSQL otherwise waits forever for a lock; the same statement is then
    retried ten times by eventsourcing for an OperationalError, which
    `StoreBusy` is not. The views take their connections from here too.
    """
    seconds = lock_timeout()
    settings = getattr(datastore.pool, "kwargs", None)
    if isinstance(settings, dict):  # psycopg's pool: applies to each new session
        settings["options"] = f"-c lock_timeout={seconds}s"
    opened = datastore.get_connection

    @contextmanager
    def get_connection(*args: Any, **kwargs: Any) -> Iterator[Any]:
        try:
            with opened(*args, **kwargs) as connection:
                yield connection
        except Exception as error:
            if is_lock_timeout(error):
                raise StoreBusy(busy_message(seconds)) from error
            raise

    datastore.get_connection = get_connection


def is_lock_timeout(error: BaseException) -> bool:
    return any(
        getattr(e, "sqlite_errorname", "").startswith("SQLITE_BUSY")
        or getattr(e, "sqlstate", None) == LOCK_NOT_AVAILABLE
        for e in error_chain(error)
    )


def error_chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


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
            time.sleep(random.uniform(0.05, 0.2) * attempt)
    raise AssertionError("unreachable")
