"""What every recorded event carries, whatever its aggregate.

Each event is an `eventsourcing` aggregate event (originator id, version and the
UTC `timestamp` it was recorded at) with two fields of ours: the `actor` who
recorded it and a `payload`, a frozen pydantic model whose JSON schema is the
auditor's contract for that event type.

Fields holding personal data (names, emails, free-text notes) are declared with
`PersonalText` so that `personal_fields()` can find them: a later release
encrypts them per person so they can be erased on request.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.dates import check_not_future, parse_date
from domain.errors import InvalidInput

PERSONAL_DATA = "x-personal-data"

PersonalText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000),
    Field(json_schema_extra={PERSONAL_DATA: True}),
]
"""Free text or an identifying detail about a person: marked for erasure."""

EMPLOYEE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
EmployeeId = Annotated[str, StringConstraints(pattern=EMPLOYEE_ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]

_EMPLOYEE_ID = re.compile(EMPLOYEE_ID_PATTERN)
_SLUG = re.compile(SLUG_PATTERN)


class Payload(BaseModel):
    """Base of every event payload: immutable, strictly validated."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


def personal_fields(model: type[BaseModel]) -> list[str]:
    """Names of the payload fields that hold personal data.

    Read from the published JSON schema, where an optional field carries the
    marker on one branch of its `anyOf`.
    """
    properties = model.model_json_schema().get("properties", {})
    return [
        name
        for name, schema in properties.items()
        if any(branch.get(PERSONAL_DATA) for branch in [schema, *schema.get("anyOf", [])])
    ]


def check_employee_id(employee_id: str) -> None:
    if not _EMPLOYEE_ID.match(employee_id):
        raise InvalidInput(
            f"invalid person id {employee_id!r}: use letters, digits, '.', '_' or '-'"
        )


def check_slug(slug: str) -> None:
    if not _SLUG.match(slug):
        raise InvalidInput(f"invalid program id {slug!r}: use lower-case letters, digits and '-'")


def check_text(value: str | None, what: str, *, max_length: int = 2000) -> None:
    if value is None:
        return
    if not value.strip():
        raise InvalidInput(f"{what} must not be empty")
    if len(value) > max_length:
        raise InvalidInput(f"{what} is longer than {max_length} characters")


def check_actor(actor: str) -> None:
    if not actor or not actor.strip():
        raise InvalidInput("actor must not be empty (use --actor or $MENTORSHIP_ACTOR)")


__all__ = ["check_not_future", "parse_date"]


class RecordedEvent(Protocol):
    """What every recorded event of this domain offers to readers."""

    originator_version: int
    timestamp: datetime
    actor: str
    payload: Payload
