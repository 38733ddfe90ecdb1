"""The views' own list of ending reasons stays the domain's."""

from __future__ import annotations

from domain.mentorship import EndReason
from projections.profiles import END_REASONS


def test_the_views_know_every_end_reason_in_the_domains_order() -> None:
    assert tuple(reason.value for reason in EndReason) == END_REASONS
