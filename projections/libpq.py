"""A small read-only PostgreSQL client on libpq itself, for the report queries.

`import psycopg` took ~125 ms here (it brings asyncio, ssl, importlib.metadata
and more), the pool and eventsourcing's recorder ~50 ms more: a report query on
PostgreSQL spent more time importing than reading. libpq, the C library that
psycopg drives, loads through ctypes in ~8 ms. This client does only what the
report reads need: connect, run statements with text parameters, and return
rows. Each SELECT's rows come back as one JSON document built by the server
(`json_agg`) and parsed by orjson: a ctypes call per value would cost more than
the query. JSON keeps the types the reports use: text, whole numbers, NULL.

Anything unexpected raises `LibpqError`; callers then take the usual path
(psycopg), which reports errors as the rest of the application does.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from collections.abc import Sequence
from functools import cache
from typing import Any

import orjson

CONNECTION_OK = 0
COMMAND_OK, TUPLES_OK = 1, 2
SQLSTATE_FIELD = ord("C")
_PLACEHOLDER = re.compile(r"%s")


class LibpqError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _candidates() -> list[str]:
    """psycopg-binary's own libpq first (it is there whenever the postgres extra
    is), then the system's. Found with os alone: importlib's and pathlib's
    searches cost ~15 ms, more than loading the library."""
    found = []
    for entry in sys.path:
        for folder in ("psycopg_binary.libs", os.path.join("psycopg_binary", ".dylibs")):
            libs = os.path.join(entry or ".", folder)
            if os.path.isdir(libs):
                names = sorted(n for n in os.listdir(libs) if n.startswith("libpq"))
                found += [os.path.join(libs, n) for n in names]
    return [*found, "libpq.so.5", "libpq.5.dylib", "libpq.dylib"]


@cache
def _library() -> Any:
    for name in _candidates():
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        _declare(lib)
        return lib
    raise LibpqError("libpq not found")


def _declare(lib: Any) -> None:
    p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    strings = ctypes.POINTER(s)
    signatures = {
        "PQconnectdbParams": (p, [strings, strings, i]),
        "PQstatus": (i, [p]),
        "PQerrorMessage": (s, [p]),
        "PQfinish": (None, [p]),
        "PQexec": (p, [p, s]),
        "PQexecParams": (p, [p, s, i, p, strings, p, p, i]),
        "PQprepare": (p, [p, s, s, i, p]),
        "PQdescribePrepared": (p, [p, s]),
        "PQresultStatus": (i, [p]),
        "PQresultErrorMessage": (s, [p]),
        "PQresultErrorField": (s, [p, i]),
        "PQnfields": (i, [p]),
        "PQntuples": (i, [p]),
        "PQgetvalue": (p, [p, i, i]),
        "PQgetlength": (i, [p, i, i]),
        "PQgetisnull": (i, [p, i, i]),
        "PQclear": (None, [p]),
    }
    for name, (result, arguments) in signatures.items():
        function = getattr(lib, name)
        function.restype, function.argtypes = result, arguments


def _strings(values: Sequence[str | None]) -> Any:
    return (ctypes.c_char_p * (len(values) + 1))(
        *[None if v is None else v.encode() for v in values], None
    )


class Connection:
    """One libpq connection; `cursor()` runs statements on it."""

    def __init__(self, parameters: dict[str, str]) -> None:
        self._lib = _library()
        settings = {**parameters, "client_encoding": "UTF8"}
        keywords = _strings(list(settings))
        values = _strings(list(settings.values()))
        self._conn = self._lib.PQconnectdbParams(keywords, values, 0)
        if not self._conn or self._lib.PQstatus(self._conn) != CONNECTION_OK:
            message = self._lib.PQerrorMessage(self._conn) if self._conn else b""
            self.close()
            raise LibpqError((message or b"cannot connect").decode(errors="replace"))

    def close(self) -> None:
        if self._conn:
            self._lib.PQfinish(self._conn)
            self._conn = None

    def command(self, statement: str) -> None:
        """A statement without rows (BEGIN, SET, ROLLBACK)."""
        self._check(self._lib.PQexec(self._conn, statement.encode()), COMMAND_OK, clear=True)

    def rows(self, statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The rows of a statement written with `%s` placeholders (none for a
        statement that returns no rows, such as SET)."""
        numbered = iter(range(1, len(params) + 1))
        sql = _PLACEHOLDER.sub(lambda _: f"${next(numbered)}", statement).encode()
        values = _strings([None if v is None else str(v) for v in params])
        lib, conn, count = self._lib, self._conn, len(params)
        # The number of columns names the fields of each row's JSON array.
        self._check(lib.PQprepare(conn, b"", sql, count, None), COMMAND_OK, clear=True)
        described = self._check(lib.PQdescribePrepared(conn, b""), COMMAND_OK)
        fields = lib.PQnfields(described)
        lib.PQclear(described)
        if fields == 0:
            done = lib.PQexecParams(conn, sql, count, None, values, None, None, 0)
            self._check(done, COMMAND_OK, clear=True)
            return []
        names = ", ".join(f"c{n}" for n in range(fields)).encode()
        wrapped = (
            b"SELECT coalesce(json_agg(json_build_array(%s)), '[]')::text FROM (%s) AS t(%s)"
            % (names, sql, names)
        )
        result = self._check(
            lib.PQexecParams(conn, wrapped, count, None, values, None, None, 0), TUPLES_OK
        )
        try:
            text = ctypes.string_at(lib.PQgetvalue(result, 0, 0), lib.PQgetlength(result, 0, 0))
        finally:
            lib.PQclear(result)
        return [tuple(row) for row in orjson.loads(text)]

    def _check(self, result: Any, expected: int, *, clear: bool = False) -> Any:
        lib = self._lib
        if not result:
            raise LibpqError(lib.PQerrorMessage(self._conn).decode(errors="replace"))
        if lib.PQresultStatus(result) != expected:
            message = lib.PQresultErrorMessage(result).decode(errors="replace")
            state = lib.PQresultErrorField(result, SQLSTATE_FIELD)
            lib.PQclear(result)
            raise LibpqError(message, state.decode() if state else None)
        if clear:
            lib.PQclear(result)
        return result


class RowCursor:
    """The part of a DB-API cursor that `projections.db.Cursor` uses for reads."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._rows: list[tuple[Any, ...]] = []
        self._next = 0

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        self._rows, self._next = self._connection.rows(statement, params), 0

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows[self._next :], []
        return rows

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    @property
    def rowcount(self) -> int:
        return len(self._rows)
