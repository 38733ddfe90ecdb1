"""Parameter types shared by the commands: dates, whole numbers and the domain's choices.

They parse text into values; the rules on those values (ranges, lengths, date
order) live in the domain, which says what is wrong in its own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
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
