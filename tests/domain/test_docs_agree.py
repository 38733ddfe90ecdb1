"""The documentation states the same numbers as the code it describes."""

from __future__ import annotations

from pathlib import Path

from domain import vocabulary as v
from domain.retry import MAX_ATTEMPTS

EVENTS_DOC = (Path(__file__).parents[2] / "docs" / "events.md").read_text()


def test_the_events_doc_gives_the_retry_count_the_code_uses() -> None:
    assert f"up to {MAX_ATTEMPTS} attempts" in EVENTS_DOC
    assert f"after {MAX_ATTEMPTS} attempts" in EVENTS_DOC


def test_the_events_doc_gives_the_text_limits_the_payloads_enforce() -> None:
    rows = {
        "actor": v.MAX_ACTOR_LENGTH,
        "person name, program name": v.MAX_NAME_LENGTH,
        "email (`x@y`)": v.MAX_EMAIL_LENGTH,
        "department": v.MAX_DEPARTMENT_LENGTH,
        "leaving, retraction and reopening reasons": v.MAX_REASON_LENGTH,
        "notes on meetings, reversals and endings": v.MAX_NOTE_LENGTH,
        "employee id, program slug": v.MAX_ID_LENGTH,
    }
    for text, limit in rows.items():
        assert f"| {text} | {limit} |" in EVENTS_DOC, text
