"""A pairing's meetings as its rules need them: each one's date, and which were retracted.

A unit of work keeps every pairing it touches until it ends, so what a pairing
holds per meeting is what a large import holds per meeting: as one object each
(number, date, minutes, note, flag) it came to about 95 bytes, 82 of the 332 MB
peak of the 1M-row CSV import (measured against the same import with a tenth of
the meetings). Here a meeting is the 4 bytes of its date's ordinal.
What was said (minutes, notes) is not needed by any rule and stays in the
`Mentorship.Met` events, where `mentorship show` reads it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import overload


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    """One meeting, as `MeetingLog` hands it out (made when asked for)."""

    number: int
    on: date
    retracted: bool = False


class MeetingLog(Sequence[MeetingRecord]):
    """Meetings 1, 2, 3... in the order recorded; a retracted one stays, marked."""

    __slots__ = ("_days", "_retracted")

    def __init__(self) -> None:
        self._days = array("i")  # meeting n's date as an ordinal, at n - 1
        # Retractions are rare: a tuple (the empty one is shared) costs nothing until one.
        self._retracted: tuple[int, ...] = ()

    def add(self, on: date) -> int:
        """Records the next meeting; its number."""
        self._days.append(on.toordinal())
        return len(self._days)

    def retract(self, number: int) -> None:
        if not 1 <= number <= len(self._days):
            raise IndexError(f"no meeting {number} (there are {len(self._days)})")
        self._retracted += (number,)

    def is_retracted(self, number: int) -> bool:
        return number in self._retracted

    def last_counted_on(self) -> date | None:
        """The latest date of a meeting that was not retracted."""
        if not self._retracted:
            return date.fromordinal(max(self._days)) if self._days else None
        counted = (d for n, d in enumerate(self._days, 1) if n not in self._retracted)
        last = max(counted, default=None)
        return None if last is None else date.fromordinal(last)

    def counted(self) -> list[MeetingRecord]:
        return [m for m in self if not m.retracted]

    def __len__(self) -> int:
        return len(self._days)

    @overload
    def __getitem__(self, index: int) -> MeetingRecord: ...
    @overload
    def __getitem__(self, index: slice) -> list[MeetingRecord]: ...
    def __getitem__(self, index: int | slice) -> MeetingRecord | list[MeetingRecord]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        number = range(1, len(self._days) + 1)[index]  # IndexError, negative indexes
        return MeetingRecord(number, date.fromordinal(self._days[number - 1]),
                             number in self._retracted)  # fmt: skip

    def __iter__(self) -> Iterator[MeetingRecord]:
        for number, day in enumerate(self._days, 1):
            yield MeetingRecord(number, date.fromordinal(day), number in self._retracted)

    def __repr__(self) -> str:
        return f"MeetingLog({list(self)!r})"
