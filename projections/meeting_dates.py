"""Each pairing's counted meetings in date order, for reports as of a past day.

A report as of a past day D needs, per pairing, the meetings dated on or before
D: how many, their minutes, the last one. Grouping every meeting up to D took
150-280 ms of SQL at 1M events. `view_meeting_dates` has one row per pairing
with counted meetings: their dates in ascending order (ties in log order) and,
in the same order, their minutes. Up to D is then a binary search in one row
per pairing. On PostgreSQL the lists are arrays (dates, and minutes as running
totals) and SQL does it all (`width_bucket`). On SQLite the dates are text,
joined by spaces (fixed width: a binary search slices them), and the minutes
packed 32-bit little-endian integers, which `sum` adds up in C (`totals_as_of`).

The projector keeps it in each batch's transaction (`record_dates`): a batch's
meetings are appended to their pairings' lists. That keeps the order unless the
batch holds a meeting dated before a pairing's last listed one; the append then
leaves that pairing alone and it is rebuilt from its meetings. A meeting
retracted in its own batch is simply left out; one an earlier batch listed is
taken out of its list (meeting_dates_repair.py).

Lists per pairing rather than totals per pairing and month: at 1M events a
batch touches ~10,000 pairings but ~23,000 pairing-months, and the rows written
and the Python work per batch follow that count (replay cost).
"""

from __future__ import annotations

from array import array
from itertools import groupby
from operator import itemgetter, le
from typing import TYPE_CHECKING, Any

from projections.db import Cursor
from projections.meeting_dates_repair import (
    BIG_ENDIAN,
    CHUNK,
    listed_rows,
    rebuild_lists,
    stored_minutes,
    take_out,
)

if TYPE_CHECKING:
    from projections.projector import Batch

Meeting = tuple[int, int, str, int]  # pairing seq, number, on, minutes

# `||` gives text even of two blobs; cast back, the bytes are the same.
_APPEND_SQLITE = (
    "INSERT INTO view_meeting_dates (pairing_seq, dates, minutes) VALUES (?, ?, ?) "
    "ON CONFLICT (pairing_seq) DO UPDATE SET dates = dates || ' ' || excluded.dates, "
    "minutes = CAST(minutes || excluded.minutes AS BLOB) "
    "WHERE substr(view_meeting_dates.dates, -10) <= substr(excluded.dates, 1, 10)"
)
# The batch's running totals of minutes start from the row's last one.
_APPEND_POSTGRES = (
    "INSERT INTO view_meeting_dates (pairing_seq, dates, minutes) "
    "SELECT t.seq, string_to_array(t.dates, ' ')::date[], "
    "string_to_array(t.minutes, ' ')::integer[] "
    "FROM unnest(?::bigint[], ?::text[], ?::text[]) AS t(seq, dates, minutes) "
    "ON CONFLICT (pairing_seq) DO UPDATE SET dates = view_meeting_dates.dates || excluded.dates, "
    "minutes = view_meeting_dates.minutes || ARRAY(SELECT x + view_meeting_dates.minutes["
    "cardinality(view_meeting_dates.minutes)] FROM unnest(excluded.minutes) "
    "WITH ORDINALITY AS u(x, n) ORDER BY n) "
    "WHERE view_meeting_dates.dates[cardinality(view_meeting_dates.dates)] <= excluded.dates[1]"
)
# On PostgreSQL, the pairings the append left alone (SQLite's are read in Python):
# asked only when it wrote fewer rows.
_EARLIER_POSTGRES = (
    "SELECT d.pairing_seq FROM unnest(?::bigint[], ?::date[]) AS t(seq, first) "
    "JOIN view_meeting_dates d ON d.pairing_seq = t.seq "
    "WHERE d.dates[cardinality(d.dates)] > t.first"
)
_ON, _MINUTES = itemgetter(2), itemgetter(3)


def record_dates(
    batch: Batch, cursor: Cursor, seq: dict[str, int], meetings: list[Meeting]
) -> None:
    """Lists the batch's `meetings` (see the module's docstring), after its
    retractions are applied. `meetings` keep the log's order within a pairing;
    on SQLite they come sorted by pairing already."""
    if not cursor.is_sqlite:
        meetings = sorted(meetings, key=itemgetter(0))
    retracted = {(seq[pid], number) for pid, number in batch.retractions}
    rows, left_out = _appended(meetings, retracted, cursor.is_sqlite)
    rebuild: set[int] = set()
    if rows:
        if cursor.is_sqlite:
            cursor.executemany(_APPEND_SQLITE, rows)
        else:
            cursor.execute(_APPEND_POSTGRES, [list(column) for column in zip(*rows, strict=True)])
        if cursor.rowcount < len(rows):
            rebuild = _earlier(cursor, rows)
    earlier = sorted((key, n) for key, n in retracted - left_out if key not in rebuild)
    rebuild |= take_out(cursor, earlier)
    rebuild_lists(cursor, sorted(rebuild))


def _appended(
    meetings: list[Meeting], retracted: set[tuple[int, int]], sqlite: bool
) -> tuple[list[tuple[int, Any, Any]], set[tuple[int, int]]]:
    """Per pairing, its batch's dates and minutes in date order, as the append
    takes them; and the meetings retracted in the batch, left out."""
    touched = {key for key, _ in retracted}
    left_out: set[tuple[int, int]] = set()
    rows = []
    # Built-ins do the per-meeting work: this runs for every meeting replayed.
    for key, group in groupby(meetings, itemgetter(0)):
        items = list(group)
        if key in touched:
            left_out.update((key, m[1]) for m in items if (key, m[1]) in retracted)
            items = [m for m in items if (key, m[1]) not in retracted]
            if not items:
                continue
        dates, minutes = list(map(_ON, items)), list(map(_MINUTES, items))
        if not all(map(le, dates, dates[1:])):  # recorded out of date order
            order = sorted(range(len(dates)), key=dates.__getitem__)
            dates, minutes = [dates[i] for i in order], [minutes[i] for i in order]
        rows.append((key, " ".join(dates), stored_minutes(minutes, sqlite)))
    return rows, left_out


def _earlier(cursor: Cursor, rows: list[tuple[int, Any, Any]]) -> set[int]:
    """The pairings whose listed last date is after their batch's first."""
    if not cursor.is_sqlite:
        seqs, dates = [row[0] for row in rows], [row[1][:10] for row in rows]
        cursor.execute(_EARLIER_POSTGRES, (seqs, dates))
        return {int(row[0]) for row in cursor.fetchall()}
    firsts = {row[0]: row[1][:10] for row in rows}
    keys = list(firsts)
    found: set[int] = set()
    for start in range(0, len(keys), CHUNK):
        listed = listed_rows(cursor, "substr(dates, -10)", keys[start : start + CHUNK])
        found.update(key for key, last in listed if last > firsts[key])
    return found


# What the as-of read joins and selects for each pairing `p` (parameter: D):
# on PostgreSQL the count, minutes and last date up to D; on SQLite the lists,
# for `totals_as_of`.
AS_OF_JOIN = "LEFT JOIN view_meeting_dates d ON d.pairing_seq = p.seq"
AS_OF_POSTGRES = (
    "coalesce(w.k, 0), coalesce(d.minutes[w.k], 0), d.dates[w.k]::text",
    f"{AS_OF_JOIN} LEFT JOIN LATERAL (SELECT width_bucket(?::date, d.dates) AS k) w ON true",
)
AS_OF_SQLITE = ("d.dates, d.minutes", AS_OF_JOIN)


_STRIDE = 11  # "YYYY-MM-DD" and a space


def totals_as_of(dates: str | None, minutes: bytes | None, day: str) -> tuple[int, int, str | None]:
    """Meetings, minutes and last date on or before `day` from an SQLite row's
    lists (both None when the pairing has no row)."""
    if dates is None or minutes is None:
        return 0, 0, None
    each = array("i")
    each.frombytes(minutes)
    if BIG_ENDIAN:
        each.byteswap()
    if dates[-10:] <= day:
        return len(each), sum(each), dates[-10:]
    low, high = 0, len(each)  # the first position whose date is after `day`
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
    return low, sum(each[:low]), dates[end - 10 : end]
