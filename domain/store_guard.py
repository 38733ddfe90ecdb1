"""Opening a store with `domain.store`'s settings, and guarding its use.

Imports no SQL driver: driver errors are recognised by their SQLite error name
or their PostgreSQL SQLSTATE, so this module loads without the postgres extra.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from domain.errors import StoreBusy, StoreUnavailable
from domain.store import busy_message, is_postgres, lock_timeout, no_store_message

if TYPE_CHECKING:
    from eventsourcing.persistence import InfrastructureFactory
    from eventsourcing.utils import Environment

PRIVATE_FILE_MODE = 0o600
POSTGRES_EXTRA = (
    'PostgreSQL stores need the postgres extra: pip install "mentorship-ledger[postgres]"'
)
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout expires
UNDEFINED_TABLE = "42P01"


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


@contextmanager
def closed_on_failure(factory: InfrastructureFactory) -> Iterator[None]:
    """Closes the connections of a store that failed to open. Left to the garbage
    collector, psycopg's pool may be closed from one of its own threads, which
    cannot join itself ("Exception ignored in: PostgresDatastore.__del__")."""
    try:
        yield
    except BaseException:
        factory.close()
        raise


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
