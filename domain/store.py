"""Which store holds the events: an SQLite file (default) or PostgreSQL.

Kept free of heavy imports: read-only commands open the store through this
module without loading the pydantic event models.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from domain.errors import InvalidInput

DEFAULT_STORE = "mentorship.db"
TRANSCODER_TOPIC = "domain.mapper:OrjsonTranscoder"
MAPPER_TOPIC = "domain.mapper:PayloadMapper"
STARTUP_ATTEMPTS = 6


def is_postgres(store: str) -> bool:
    return store.startswith(("postgresql://", "postgres://"))


def store_environment(store: str) -> dict[str, str]:
    """The eventsourcing settings that open `store` (a path or a postgresql:// URL)."""
    env = {"TRANSCODER_TOPIC": TRANSCODER_TOPIC, "MAPPER_TOPIC": MAPPER_TOPIC}
    if is_postgres(store):
        env.update(_postgres_environment(store))
    else:
        env.update(_sqlite_environment(store))
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
    }


def _sqlite_environment(store: str) -> dict[str, str]:
    if "://" in store:
        raise InvalidInput(f"unsupported store {store!r}: give a file path or a postgresql:// URL")
    path = Path(store)
    if path.is_dir():
        raise InvalidInput(f"store {store!r} is a directory, not a database file")
    if not path.parent.exists():
        raise InvalidInput(f"store {store!r}: directory {path.parent} does not exist")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(path),
        "SQLITE_LOCK_TIMEOUT": "30",
    }


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
