"""What every recorded event carries, and the types of the values in payloads.

Each event is an `eventsourcing` aggregate event (originator id, version and the
UTC `timestamp` it was recorded at) with two fields of ours: the `actor` who
recorded it and a `payload`, a frozen pydantic model whose JSON schema is the
auditor's contract for that event type.

Every constraint on a value lives here or on its payload field, once: the
application builds payloads from plain values and `domain.validation` turns a
pydantic `ValidationError` into the domain's `InvalidInput`.

Fields holding personal data (names, emails, free-text notes) are marked with
`x-personal-data` so that `personal_fields()` can find them: the mapper seals
them under per-person keys (`domain.keys`) so they can be erased on request.
Once erased they read back as `vocabulary.ERASED`, which these types accept
only from the store (validation context `STORED`), never from a user.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from domain import vocabulary as v

PERSONAL_DATA = "x-personal-data"
_PERSONAL: dict[str, Any] = {PERSONAL_DATA: True}
STORED = "stored"
"""Validation context key: the payload is read back from the store (or an export)."""
STORED_CONTEXT: dict[str, bool] = {STORED: True}


def _erasable(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
    """A personal value: the erased marker passes when read back from the store,
    and is reserved otherwise (a name "[erased]" would read as erased data)."""
    if value == v.ERASED:
        if info.context and info.context.get(STORED):
            return value
        raise PydanticCustomError("reserved", "{erased} is reserved for erased data",
                                  {"erased": v.ERASED})
    return handler(value)


_ERASABLE = WrapValidator(_erasable)


def _not_blank(text: str) -> str:
    if not text.strip():
        raise PydanticCustomError("blank", "must not be empty")
    return text


def _one_line(text: str) -> str:
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise PydanticCustomError("control_character", "must be one line of printable text")
    return text


def _text(max_length: int, *, one_line: bool = True) -> Any:
    checks = [AfterValidator(_not_blank)]
    if one_line:
        checks.append(AfterValidator(_one_line))
    return (StringConstraints(max_length=max_length), *checks)


Name = Annotated[
    str, *_text(v.MAX_NAME_LENGTH), Field(json_schema_extra=_PERSONAL), _ERASABLE
]
Email = Annotated[
    str,
    StringConstraints(max_length=v.MAX_EMAIL_LENGTH, pattern=r"^[^@\s]+@[^@\s]+$"),
    Field(description="an address such as ada@example.com", json_schema_extra=_PERSONAL),
    _ERASABLE,
]
Note = Annotated[
    str, *_text(v.MAX_NOTE_LENGTH, one_line=False), Field(json_schema_extra=_PERSONAL), _ERASABLE
]
"""Free text about a person or a meeting: personal data, marked for erasure."""
PersonalReason = Annotated[
    str, *_text(v.MAX_REASON_LENGTH, one_line=False), Field(json_schema_extra=_PERSONAL), _ERASABLE
]
Reason = Annotated[str, *_text(v.MAX_REASON_LENGTH, one_line=False)]
Department = Annotated[str, *_text(v.MAX_DEPARTMENT_LENGTH)]
ProgramName = Annotated[str, *_text(v.MAX_NAME_LENGTH)]
Actor = Annotated[str, *_text(v.MAX_ACTOR_LENGTH)]

# Anchored patterns: pydantic's regex engine does not let `$` match before a
# trailing newline, so "E9\n" is refused.
EmployeeId = Annotated[
    str,
    StringConstraints(pattern=rf"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{v.MAX_ID_LENGTH - 1}}}$"),
    Field(description="letters, digits, '.', '_' or '-'"),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=rf"^[a-z0-9][a-z0-9-]{{0,{v.MAX_ID_LENGTH - 1}}}$"),
    Field(description="lower-case letters, digits and '-'"),
]
Level = Annotated[
    int,
    Field(ge=v.MIN_LEVEL, le=v.MAX_LEVEL, description="Seniority grade; higher is more senior."),
]
Cadence = Annotated[
    int,
    Field(
        ge=v.MIN_CADENCE_DAYS,
        le=v.MAX_CADENCE_DAYS,
        description="How often pairs are expected to meet, in days.",
    ),
]
Minutes = Annotated[int, Field(ge=v.MIN_MINUTES, le=v.MAX_MINUTES)]


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


class RecordedEvent(Protocol):
    """What every recorded event of this domain offers to readers."""

    originator_version: int
    timestamp: datetime
    actor: str
    payload: Payload
