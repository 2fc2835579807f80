"""Vendor-only fields a dialect keeps in a record's `attributes` (the core holds them as sent), read back for the
dialect's answers. An operator may write `attributes` through the management API with any JSON: a kept field whose
value the dialect's shape does not take reads as absent, so an answer never fails on it."""

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError


def kept_fields(attributes: Mapping[str, Any], shape: type[BaseModel], keys: Iterable[str]) -> dict[str, Any]:
    """`keys` of `attributes`, each as `shape`'s field of that name takes it, or None."""
    found = {}
    for key in keys:
        try:
            found[key] = _adapter(shape, key).validate_python(attributes.get(key))
        except ValidationError:
            found[key] = None
    return found


@cache
def _adapter(shape: type[BaseModel], key: str) -> TypeAdapter[Any]:
    annotation = shape.model_fields[key].annotation
    return TypeAdapter(Any if annotation is None else annotation)
