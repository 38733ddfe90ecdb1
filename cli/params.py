"""Parameter types shared by the commands: dates, whole numbers and the domain's choices.

They parse text into values; the rules on those values (ranges, lengths, date
order) live in the domain, which says what is wrong in its own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

import click

from domain.vocabulary import (
    DIRECTIONS,
    END_REASONS,
    MAX_CADENCE_DAYS,
    MAX_LEVEL,
    MAX_MINUTES,
    MIN_CADENCE_DAYS,
    MIN_LEVEL,
    MIN_MINUTES,
)

FC = TypeVar("FC", bound=Callable[..., Any])


class DateParam(click.ParamType[date, str | date]):
    """An ISO date, YYYY-MM-DD. An empty value is refused, never taken as today."""

    name = "date"

    def __init__(self, what: str) -> None:
        self.what = what

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        from domain.dates import parse_date

        # The domain's own message names the date: "invalid meeting date ''".
        return parse_date(value, self.what)


# A day, or a day and a time to the minute, second or microsecond, with an
# optional offset (Z, +HH:MM); the stricter pattern keeps out what fromisoformat
# would also read (week dates, basic forms such as 20260301T1015).
_ISO_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_ISO_INSTANT = re.compile(
    _ISO_DAY + r"[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
)
TIMESTAMP_FORMS = "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+HH:MM]"


def parse_timestamp(text: str, what: str, now: datetime | None = None) -> datetime:
    """The last instant (UTC) that `text` covers, never in the future.

    A date covers its whole UTC day: "2026-03-01" is 2026-03-01T23:59:59.999999Z,
    so that it includes everything recorded that day. A date-time is that instant;
    without an offset it is UTC, like every recorded time.
    """
    from domain.errors import InvalidInput

    now = now or datetime.now(UTC)
    try:
        if re.fullmatch(_ISO_DAY, text):
            day = date.fromisoformat(text)
            if day > now.date():
                raise InvalidInput(f"{what} {text} is in the future (today is {now.date()}, UTC)")
            return datetime.combine(day, time.max, UTC)
        if not _ISO_INSTANT.fullmatch(text):
            raise ValueError
        instant = datetime.fromisoformat(text)
    except ValueError:
        expected = f"expected {TIMESTAMP_FORMS}"
        raise InvalidInput(f"invalid {what} timestamp {text!r}: {expected}") from None
    instant = instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
    if instant > now:
        shown = instant.isoformat().replace("+00:00", "Z")
        raise InvalidInput(f"{what} {shown} is in the future (now is {now:%Y-%m-%dT%H:%M:%S}Z)")
    return instant


class TimestampParam(click.ParamType[datetime, str | datetime]):
    """A recorded-time bound: an ISO date (its whole UTC day) or date-time (UTC)."""

    name = "timestamp"

    def __init__(self, what: str) -> None:
        self.what = what

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "TIMESTAMP"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        return parse_timestamp(value, self.what)


class WholeNumber(click.IntRange):
    """Digits only: int() would also take "4_5", "+45", " 45" and non-ASCII digits.

    The range is shown in --help; the payload model enforces it, with the same words.
    """

    def __init__(self, what: str, low: int, high: int | None) -> None:
        super().__init__(low, high)
        self.what = what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,9}", value):
            return int(value)
        from domain.errors import InvalidInput

        limits = f" from {self.min} to {self.max}" if self.max is not None else ""
        raise InvalidInput(f"{self.what} must be a whole number{limits}, not {value!r}")


MINUTES = WholeNumber("minutes", MIN_MINUTES, MAX_MINUTES)
LEVEL = WholeNumber("level", MIN_LEVEL, MAX_LEVEL)
CADENCE = WholeNumber("cadence", MIN_CADENCE_DAYS, MAX_CADENCE_DAYS)
# Which numbers exist is the pairing's business: it names the ones it has.
MEETING_NUMBER = WholeNumber("meeting number", 0, None)
DIRECTION = click.Choice(DIRECTIONS)
END_REASON = click.Choice(END_REASONS)


def date_option(what: str, default_today: bool = True) -> Callable[[FC], FC]:
    """`--on DATE`: when something happened (today when not given)."""
    suffix = " (default: today)" if default_today else ""
    return click.option("--on", "on", type=DateParam(what), help=f"The {what}{suffix}.")


def known_at_option(command: FC) -> FC:
    """`--known-at TIMESTAMP`, shared by every query: answer from only the events
    recorded by then (see projections/known_at.py). The command gets `known_at`."""
    return click.option(
        "--known-at",
        "known_at",
        type=TimestampParam("--known-at"),
        help="Answer as the ledger stood then: only events recorded by this UTC time "
        "(a date means the end of that day). Independent of --as-of.",
    )(command)
