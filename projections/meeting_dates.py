"""Each pairing's counted meetings as a date-sorted list, for reports as of a past day.

A report as of a past day D needs, per pairing, the meetings dated on or before
D: how many, their minutes, the last one. Grouping every meeting up to D took
150-280 ms of SQL at 1M events. `view_meeting_dates` holds one row per pairing
with counted meetings: their dates in ascending order and, in the same order,
their minutes. Up to D is then a binary search in one row per pairing: in SQL
on PostgreSQL, whose lists are arrays (`width_bucket`), and in Python on
SQLite, whose lists are text (`totals_as_of`).

Kept by the projector in each batch's transaction (`record_dates` before the
pairings' totals move, `DateLists.finish` after the retractions). A batch's
meetings are appended to their pairing's lists; that keeps them in order unless
the batch holds a meeting dated before the pairing's last counted one, and for
those pairings the statement writes nothing: they are rebuilt from their
meetings, as are pairings with a meeting retracted that an earlier batch wrote.
Ties keep the log's order (the rebuild's: meeting numbers, given in log order).

Why lists per pairing rather than totals per pairing and month: at 1M events a
batch touches ~10,000 pairings in ~23,000 pairing-months, and grouping by month
in Python cost about as much as decoding the batch's events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from operator import le
from typing import TYPE_CHECKING, Any

from projections.db import Cursor

if TYPE_CHECKING:
    from projections.projector import Batch

# Parameters: dates and minutes, each joined by spaces; the pairing's seq; its
# batch's first date. Appends only after the pairing's last counted date.
_APPEND_SQLITE = (
    "INSERT INTO view_meeting_dates (pairing_seq, dates, minutes) "
    "SELECT p.seq, ?, ? FROM view_pairings p "
    "WHERE p.seq = ? AND (p.last_met_on IS NULL OR p.last_met_on <= ?) "
    "ON CONFLICT (pairing_seq) DO UPDATE SET dates = dates || ' ' || excluded.dates, "
    "minutes = minutes || ' ' || excluded.minutes"
)
_APPEND_POSTGRES = (
    "INSERT INTO view_meeting_dates (pairing_seq, dates, minutes) "
    "SELECT p.seq, string_to_array(t.dates, ' '), string_to_array(t.minutes, ' ')::integer[] "
    "FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[]) AS t(dates, minutes, seq, first) "
    "JOIN view_pairings p ON p.seq = t.seq "
    "WHERE p.last_met_on IS NULL OR p.last_met_on <= t.first "
    "ON CONFLICT (pairing_seq) DO UPDATE SET dates = view_meeting_dates.dates || excluded.dates, "
    "minutes = view_meeting_dates.minutes || excluded.minutes"
)
# The pairings the append left out: asked only when it wrote fewer rows.
_EARLIER_SQLITE = (
    "SELECT p.seq FROM json_each(?) AS t JOIN view_pairings p "
    "ON p.seq = json_extract(t.value, '$[0]') "
    "WHERE p.last_met_on > json_extract(t.value, '$[1]')"
)
_EARLIER_POSTGRES = (
    "SELECT p.seq FROM unnest(?::bigint[], ?::text[]) AS t(seq, first) "
    "JOIN view_pairings p ON p.seq = t.seq WHERE p.last_met_on > t.first"
)
_REBUILT_SQLITE = "INSERT INTO view_meeting_dates (pairing_seq, dates, minutes) VALUES (?, ?, ?)"
_REBUILT_POSTGRES = (
    "INSERT INTO view_meeting_dates (pairing_seq, dates, minutes) "
    "VALUES (?, string_to_array(?, ' '), string_to_array(?, ' ')::integer[])"
)
_CHUNK = 500


class DateLists:
    """What `record_dates` leaves for `finish`: the pairings to rebuild."""

    def __init__(self, rebuild: set[int]) -> None:
        self.rebuild = rebuild

    def finish(self, cursor: Cursor) -> None:
        """Rebuilds the lists of the pairings that need it, after the retractions."""
        keys = sorted(self.rebuild)
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            cursor.execute(f"DELETE FROM view_meeting_dates WHERE pairing_seq IN ({marks})", chunk)
            found = cursor.execute(
                "SELECT pairing_seq, met_on, minutes FROM view_meetings "
                f"WHERE pairing_seq IN ({marks}) AND retracted = 0 "
                "ORDER BY pairing_seq, met_on, number",
                chunk,
            ).fetchall()
            lists: dict[int, tuple[list[str], list[str]]] = {}
            for key, on, minutes in found:
                dates, durations = lists.setdefault(int(key), ([], []))
                dates.append(on)
                durations.append(str(minutes))
            cursor.executemany(
                _REBUILT_SQLITE if cursor.is_sqlite else _REBUILT_POSTGRES,
                [(key, " ".join(d), " ".join(m)) for key, (d, m) in lists.items()],
            )


def record_dates(batch: Batch, cursor: Cursor, seq: dict[str, int]) -> DateLists:
    """Appends the batch's meetings to their pairings' lists (see the module's
    docstring). A meeting retracted in the same batch is left out here; a
    retraction of an earlier batch's meeting has its pairing rebuilt."""
    retracted = set(batch.retractions)
    rows, left_out = _appended(batch.meetings, seq, retracted)
    rebuild = {seq[pid] for pid, _ in retracted - left_out}
    if rows:
        if cursor.is_sqlite:
            cursor.executemany(_APPEND_SQLITE, rows)
        else:
            cursor.execute(_APPEND_POSTGRES, [list(column) for column in zip(*rows, strict=True)])
        if cursor.rowcount < len(rows):
            rebuild |= _earlier(cursor, rows)
    return DateLists(rebuild)


def _appended(
    meetings: Sequence[tuple[str, int, str, int]],
    seq: dict[str, int],
    retracted: set[tuple[str, int]],
) -> tuple[list[tuple[str, str, int, str]], set[tuple[str, int]]]:
    """Per pairing, its batch's dates and minutes in date order (ties in log
    order) as `_APPEND_SQLITE` takes them; and the retracted meetings left out."""
    # One pass over the meetings (about a third of a microsecond each), then
    # one over the pairings, where the work is done by builtins.
    groups: dict[str, list[Any]] = {}
    get = groups.get
    touched = {pid for pid, _ in retracted}
    left_out = set()
    for pid, number, on, minutes in meetings:
        if pid in touched and (pid, number) in retracted:
            left_out.add((pid, number))
            continue
        group = get(pid)
        if group is None:
            groups[pid] = [on, minutes]
        else:
            group += (on, minutes)
    rows = []
    join = " ".join
    for pid, group in groups.items():
        dates, durations = group[0::2], group[1::2]
        if not all(map(le, dates, dates[1:])):  # recorded out of date order
            order = sorted(range(len(dates)), key=dates.__getitem__)
            dates, durations = [dates[i] for i in order], [durations[i] for i in order]
        rows.append((join(dates), join(map(str, durations)), seq[pid], dates[0]))
    return rows, left_out


def _earlier(cursor: Cursor, rows: list[tuple[str, str, int, str]]) -> set[int]:
    if cursor.is_sqlite:
        cursor.execute(_EARLIER_SQLITE, (json.dumps([[row[2], row[3]] for row in rows]),))
    else:
        cursor.execute(_EARLIER_POSTGRES, ([row[2] for row in rows], [row[3] for row in rows]))
    return {int(row[0]) for row in cursor.fetchall()}


# What the as-of read selects for each pairing (`d` is its row, if any): on
# PostgreSQL the count, minutes and last date up to D, each parameter D; on
# SQLite the lists, for `totals_as_of`.
AS_OF_POSTGRES = (
    "coalesce(width_bucket(?::text, d.dates), 0), "
    "coalesce((SELECT sum(x) FROM unnest(d.minutes[1:width_bucket(?::text, d.dates)]) AS x), 0), "
    "d.dates[width_bucket(?::text, d.dates)]"
)
AS_OF_SQLITE = "d.dates, d.minutes"
_STRIDE = 11  # "YYYY-MM-DD" and a space


def totals_as_of(dates: str | None, minutes: str | None, day: str) -> tuple[int, int, str | None]:
    """Meetings, minutes and last date on or before `day` from an SQLite row's
    lists (both None when the pairing has none)."""
    if dates is None or minutes is None:
        return 0, 0, None
    count = (len(dates) + 1) // _STRIDE
    if dates[-10:] <= day:
        return count, sum(map(int, minutes.split())), dates[-10:]
    low, high = 0, count  # the first position whose date is after `day`
    while low < high:
        middle = (low + high) // 2
        start = middle * _STRIDE
        if dates[start : start + 10] <= day:
            low = middle + 1
        else:
            high = middle
    if low == 0:
        return 0, 0, None
    end = low * _STRIDE - 1
    return low, sum(map(int, minutes.split(" ", low)[:low])), dates[end - 10 : end]
