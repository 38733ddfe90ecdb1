"""Repairs of `view_meeting_dates` that an append cannot make (see meeting_dates.py):
a meeting an earlier batch listed and now retracted is taken out of its list; a
pairing whose order an append would break is rebuilt from its meetings."""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from itertools import accumulate, groupby
from operator import itemgetter
from typing import Any

from projections.db import Cursor

BIG_ENDIAN = sys.byteorder == "big"
CHUNK = 500
ON, MINUTES = itemgetter(2), itemgetter(3)

_REBUILT_SQLITE = "INSERT INTO view_meeting_dates (pairing_seq, dates, minutes) VALUES (?, ?, ?)"
_REBUILT_POSTGRES = (  # one statement: an executemany costs a round trip a row
    "INSERT INTO view_meeting_dates (pairing_seq, dates, minutes) "
    "SELECT t.seq, string_to_array(t.dates, ' ')::date[], "
    "string_to_array(t.minutes, ' ')::integer[] "
    "FROM unnest(?::bigint[], ?::text[], ?::text[]) AS t(seq, dates, minutes)"
)


def take_out(cursor: Cursor, retracted: list[tuple[int, int]]) -> set[int]:
    """Takes meetings an earlier batch listed, now retracted, out of their lists
    (cheaper than a rebuild, which reads all the pairing's meetings); gives the
    pairings where one was not found, to rebuild."""
    missing: set[int] = set()
    for start in range(0, len(retracted), CHUNK):
        chunk = retracted[start : start + CHUNK]
        pairs = ", ".join("(?, ?)" for _ in chunk)
        # Joined from the list, each meeting is one primary-key lookup.
        gone = cursor.execute(
            f"SELECT m.pairing_seq, m.met_on, m.minutes FROM (VALUES {pairs}) AS v "
            "JOIN view_meetings m ON m.pairing_seq = v.column1 AND m.number = v.column2",
            [value for pair in chunk for value in pair],
        ).fetchall()
        listed = listed_rows(cursor, "dates, minutes", sorted({int(key) for key, _ in chunk}))
        lists = {int(key): _listed(dates, minutes) for key, dates, minutes in listed}
        for key, on, minutes in gone:
            dates, each = lists.get(int(key), ([], []))
            found = [i for i, day in enumerate(dates) if day == on and each[i] == minutes]
            if not found:
                missing.add(int(key))
                continue
            del dates[found[-1]], each[found[-1]]
        kept = [(key, d, m) for key, (d, m) in lists.items() if d and key not in missing]
        emptied = [key for key, (d, _) in lists.items() if not d and key not in missing]
        _rewrite(cursor, kept, emptied)
    return missing


def listed_rows(cursor: Cursor, columns: str, keys: Sequence[int]) -> list[Any]:
    """`pairing_seq` and `columns` of the rows of pairings `keys` (at most CHUNK)."""
    marks = ", ".join("?" for _ in keys)
    return cursor.execute(
        f"SELECT pairing_seq, {columns} FROM view_meeting_dates WHERE pairing_seq IN ({marks})",
        list(keys),
    ).fetchall()


def _listed(dates: Any, minutes: Any) -> tuple[list[str], list[int]]:
    """A row's lists as ISO dates and each meeting's minutes, from either dialect."""
    if isinstance(dates, str):
        packed = array("i")
        packed.frombytes(minutes)
        if BIG_ENDIAN:
            packed.byteswap()
        return dates.split(" "), list(packed)
    each = [after - before for before, after in zip([0, *minutes], minutes, strict=False)]
    return [day.isoformat() for day in dates], each


def _rewrite(
    cursor: Cursor, kept: list[tuple[int, list[str], list[int]]], emptied: list[int]
) -> None:
    if emptied:
        marks = ", ".join("?" for _ in emptied)
        cursor.execute(f"DELETE FROM view_meeting_dates WHERE pairing_seq IN ({marks})", emptied)
    rows = [(key, " ".join(d), stored_minutes(m, cursor.is_sqlite)) for key, d, m in kept]
    if cursor.is_sqlite:
        cursor.executemany(
            "UPDATE view_meeting_dates SET dates = ?2, minutes = ?3 WHERE pairing_seq = ?1", rows
        )
    elif rows:
        cursor.execute(
            "UPDATE view_meeting_dates d SET dates = string_to_array(t.dates, ' ')::date[], "
            "minutes = string_to_array(t.minutes, ' ')::integer[] "
            "FROM unnest(?::bigint[], ?::text[], ?::text[]) AS t(seq, dates, minutes) "
            "WHERE d.pairing_seq = t.seq",
            [list(column) for column in zip(*rows, strict=True)],
        )


def rebuild_lists(cursor: Cursor, keys: list[int]) -> None:
    """The rows of pairings `keys`, from their counted meetings."""
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        marks = ", ".join("?" for _ in chunk)
        cursor.execute(f"DELETE FROM view_meeting_dates WHERE pairing_seq IN ({marks})", chunk)
        found = cursor.execute(
            "SELECT pairing_seq, number, met_on, minutes FROM view_meetings "
            f"WHERE pairing_seq IN ({marks}) AND retracted = 0 "
            "ORDER BY pairing_seq, met_on, number",
            chunk,
        ).fetchall()
        rows = []
        for key, group in groupby(found, itemgetter(0)):
            items = list(group)
            minutes = stored_minutes(list(map(MINUTES, items)), cursor.is_sqlite)
            rows.append((int(key), " ".join(map(ON, items)), minutes))
        if cursor.is_sqlite:
            cursor.executemany(_REBUILT_SQLITE, rows)
        elif rows:
            cursor.execute(_REBUILT_POSTGRES, [list(column) for column in zip(*rows, strict=True)])


def stored_minutes(minutes: Sequence[int], sqlite: bool) -> Any:
    """Minutes as the append takes them: each meeting's packed little-endian on
    SQLite, running totals joined by spaces for PostgreSQL."""
    if not sqlite:
        return " ".join(map(str, accumulate(minutes)))
    packed = array("i", minutes)
    if BIG_ENDIAN:
        packed.byteswap()
    return packed.tobytes()
