"""Dates as the domain reads them: ISO `YYYY-MM-DD`, never in the future."""

from __future__ import annotations

import re
from datetime import date

from domain.errors import InvalidInput

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str, what: str = "date") -> date:
    """Reads an ISO `YYYY-MM-DD` date, or fails with a message naming `what`."""
    try:
        # fromisoformat alone also reads week dates (2026-W47-7) and basic forms.
        if not _ISO_DAY.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise InvalidInput(f"invalid {what} {text!r}: expected YYYY-MM-DD") from None


def check_not_future(on: date, today: date, what: str = "date") -> None:
    if on > today:
        raise InvalidInput(f"{what} {on} is in the future (today is {today})")
