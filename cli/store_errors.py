"""Why a PostgreSQL store could not be reached, as the server or network said it.

Imported only after a connection failed: it loads psycopg.
"""

from __future__ import annotations

from domain.store import store_environment


def postgres_connection_failure(store: str) -> str | None:
    """One line naming why `store` refuses connections, or None if it now accepts one.

    psycopg's pool retries in the background and then reports only that it
    timed out; a single plain connection with the same settings fails with the
    server's own message (unknown database, role or host, refused, bad password).
    """
    import psycopg

    env = store_environment(store)
    host, port = env["POSTGRES_HOST"], env["POSTGRES_PORT"]
    dbname, user = env["POSTGRES_DBNAME"], env["POSTGRES_USER"]
    try:
        psycopg.connect(
            dbname=dbname,
            host=host,
            port=port,
            user=user,
            password=env["POSTGRES_PASSWORD"],
            connect_timeout=int(env["POSTGRES_CONNECT_TIMEOUT"]),
        ).close()
    except psycopg.Error as error:
        return f"cannot connect to PostgreSQL at {host}:{port}/{dbname} as {user}: {_reason(error)}"
    return None


def _reason(error: Exception) -> str:
    """The first line of the message, without libpq's framing: 'connection failed:
    connection to server at "h", port p failed: FATAL:  database "x" does not exist'."""
    text = (str(error).strip().splitlines() or [type(error).__name__])[0]
    if " failed: " in text:
        text = text.rpartition(" failed: ")[2]
    return text.removeprefix("FATAL:").strip()
