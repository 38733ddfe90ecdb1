"""The one place where pydantic's `ValidationError` becomes the domain's `InvalidInput`.

Payload fields name themselves for users through their `title` ("meeting date");
the message reads well on its own and names the offending value.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from domain.errors import InvalidInput
from domain.events import Actor, EmployeeId, Slug

M = TypeVar("M", bound=BaseModel)


def build(model: type[M], **fields: Any) -> M:
    """A payload from plain values, or `InvalidInput` naming the first bad field."""
    try:
        return model(**fields)
    except ValidationError as error:
        raise invalid_input(error, model) from None


@cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def _checked(kind: Any, value: object, label: str) -> str:
    try:
        return str(_adapter(kind).validate_python(value, strict=True))
    except ValidationError as error:
        raise invalid_input(error, None, label) from None


def actor(value: str) -> str:
    return _checked(Actor, value, "actor")


def employee_id(value: str) -> str:
    return _checked(EmployeeId, value, "person id")


def slug(value: str) -> str:
    return _checked(Slug, value, "program id")


def invalid_input(
    error: ValidationError, model: type[BaseModel] | None, label: str | None = None
) -> InvalidInput:
    detail = error.errors()[0]
    field = str(detail["loc"][0]) if detail["loc"] else ""
    info = model.model_fields.get(field) if model is not None else None
    name = label or (info.title if info is not None and info.title else field.replace("_", " "))
    hint = info.description if info is not None else None
    if hint is None and model is None:
        hint = {"person id": _hint(EmployeeId), "program id": _hint(Slug)}.get(name)
    bounds = _schema_bounds(model, field) if model is not None else None
    return InvalidInput(_message(detail, name, hint, bounds))


@cache
def _property_schemas(model: type[BaseModel]) -> dict[str, Any]:
    return dict(model.model_json_schema().get("properties", {}))


def _schema_bounds(model: type[BaseModel], field: str) -> tuple[Any, Any] | None:
    schema = _property_schemas(model).get(field, {})
    for branch in [schema, *schema.get("anyOf", [])]:
        if "minimum" in branch or "maximum" in branch:
            return branch.get("minimum"), branch.get("maximum")
    return None


def _hint(kind: Any) -> str | None:
    schema = _adapter(kind).json_schema()
    description = schema.get("description")
    return str(description) if description else None


def _message(
    detail: ErrorDetails, name: str, hint: str | None, bounds: tuple[Any, Any] | None
) -> str:
    kind, value, context = detail["type"], detail.get("input"), detail.get("ctx") or {}
    if kind == "blank" or (kind == "string_too_short" and value == ""):
        return f"{name} must not be empty"
    if kind == "string_too_long":
        return f"{name} is longer than {context['max_length']} characters"
    if kind == "control_character":
        return f"{name} must be one line of printable text, without control characters"
    if kind == "string_pattern_mismatch":
        return f"invalid {name} {value!r}" + (f": use {hint}" if hint else "")
    if kind in ("greater_than_equal", "less_than_equal") or (
        bounds is not None and kind in ("int_type", "int_from_float")
    ):
        low, high = bounds or (context.get("ge"), context.get("le"))
        return f"{name} must be a whole number from {low} to {high}, not {value!r}"
    if kind == "enum":
        expected = str(context.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"unknown {name} {value!r}: expected one of {expected}"
    if kind == "string_unicode":
        return f"{name} is not valid UTF-8 text"
    return f"invalid {name} {value!r}: {detail['msg']}"
