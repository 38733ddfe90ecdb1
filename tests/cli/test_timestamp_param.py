"""What `--known-at` reads: `parse_timestamp`, with "now" fixed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cli.params import parse_timestamp
from domain.errors import InvalidInput

NOW = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)


def _read(text: str) -> datetime:
    return parse_timestamp(text, "--known-at", now=NOW)


def test_a_date_means_the_last_instant_of_that_utc_day() -> None:
    assert _read("2026-03-01") == datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=UTC)


def test_today_as_a_date_is_allowed_though_its_end_is_later_than_now() -> None:
    assert _read("2026-11-22") == datetime(2026, 11, 22, 23, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-03-01T10:15", datetime(2026, 3, 1, 10, 15, tzinfo=UTC)),
        ("2026-03-01 10:15:30", datetime(2026, 3, 1, 10, 15, 30, tzinfo=UTC)),
        ("2026-03-01T10:15:30.25", datetime(2026, 3, 1, 10, 15, 30, 250000, tzinfo=UTC)),
        ("2026-03-01T10:15Z", datetime(2026, 3, 1, 10, 15, tzinfo=UTC)),
        ("2026-03-01T10:15+02:00", datetime(2026, 3, 1, 8, 15, tzinfo=UTC)),
        ("2026-03-01T00:30-01:00", datetime(2026, 3, 1, 1, 30, tzinfo=UTC)),
    ],
)
def test_a_date_time_is_that_instant_in_utc_unless_it_gives_an_offset(
    text: str, instant: datetime
) -> None:
    found = _read(text)

    assert found == instant
    assert found.utcoffset() == timedelta(0)


def test_now_itself_is_allowed() -> None:
    assert _read("2026-11-22T15:30:00Z") == NOW


@pytest.mark.parametrize(
    "text", ["2026-11-23", "2026-11-22T15:30:00.000001", "2026-11-22T17:00+01:00"]
)
def test_a_future_timestamp_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="is in the future"):
        _read(text)


def test_an_offset_that_is_ahead_of_utc_but_not_in_the_future_is_allowed() -> None:
    local = datetime(2026, 11, 22, 16, 0, tzinfo=timezone(timedelta(hours=1)))

    assert _read("2026-11-22T16:00+01:00") == local


@pytest.mark.parametrize(
    "text",
    [
        "",
        " 2026-03-01",
        "2026-3-1",
        "20260301",
        "2026-W09-1",
        "2026-02-30",
        "2026-03-01T24:00",
        "2026-03-01T10",
        "2026-03-01T10:15+2",
        "2026-03-01T10:15:30.1234567",
        "yesterday",
    ],
)
def test_anything_else_is_refused_naming_the_forms(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        _read(text)

    assert str(refused.value) == (
        f"invalid --known-at timestamp {text!r}: expected "
        "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|+HH:MM]"
    )
