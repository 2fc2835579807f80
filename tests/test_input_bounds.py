"""Every value a client sends has a stated domain, so the domains cannot drift back.

Walks the inputs (parameters and request bodies, `$ref`s followed) of every dialect's OpenAPI and lists
every integer without a minimum and a maximum (or with one beyond 64 bits), every string without a
`maxLength` (enums, dates, datetimes and uploaded files excepted: their parser or the edge bounds them),
every array without `maxItems` and every free-form object without `maxProperties`. The domains
themselves are stated once, in `hireport.kit.bounds`.
"""

from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Query
from pydantic import BaseModel
from starlette.testclient import TestClient

from hireport.dialects import DIALECTS

INT64 = 2**63
FORMATS = frozenset({"date", "date-time", "binary"})


def offenders(spec: dict[str, Any]) -> list[str]:
    """Every unbounded input of `spec`, one line each: operation, where, and what is missing."""
    found: list[str] = []
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                _walk(spec, parameter["schema"], f"{label} {parameter['in']} {parameter['name']}", found, set())
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                _walk(spec, content["schema"], f"{label} body ({media})", found, set())
    return found


def _walk(spec: dict[str, Any], schema: dict[str, Any], where: str, found: list[str], seen: set[str]) -> None:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name not in seen:  # a model that contains itself is walked once
            _walk(spec, spec["components"]["schemas"][name], where, found, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            _walk(spec, option, where, found, seen)
    kind = schema.get("type")
    if kind == "integer":
        found.extend(f"{where}: {problem}" for problem in _integer(schema))
    elif kind == "string" and "maxLength" not in schema and not _parsed_elsewhere(schema):
        found.append(f"{where}: a string without maxLength")
    elif kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}: an array without maxItems")
        _walk(spec, schema.get("items", {}), f"{where}[]", found, seen)
    for name, prop in schema.get("properties", {}).items():
        _walk(spec, prop, f"{where}.{name}", found, seen)
    extra = schema.get("additionalProperties")
    if extra is True or isinstance(extra, dict):
        if "maxProperties" not in schema:
            found.append(f"{where}: an object of any keys without maxProperties")
        if isinstance(extra, dict):
            _walk(spec, extra, f"{where}{{}}", found, seen)
        _walk(spec, schema.get("propertyNames", {}), f"{where} key", found, seen)


def _integer(schema: dict[str, Any]) -> list[str]:
    problems = []
    if "minimum" not in schema and "exclusiveMinimum" not in schema:
        problems.append("an integer without a minimum")
    if "maximum" not in schema and "exclusiveMaximum" not in schema:
        problems.append("an integer without a maximum")
    if schema.get("maximum", 0) >= INT64 or schema.get("exclusiveMaximum", 0) > INT64 or \
            schema.get("minimum", 0) < -INT64 or schema.get("exclusiveMinimum", 0) < -INT64 - 1:
        problems.append("an integer bound beyond 64 bits (as the OpenAPI's float rounds it)")
    return problems


def _parsed_elsewhere(schema: dict[str, Any]) -> bool:
    return ("enum" in schema or "const" in schema or schema.get("format") in FORMATS
            or "contentMediaType" in schema)


@pytest.mark.parametrize("backend", ["sqlite"])  # the OpenAPI does not depend on the database
@pytest.mark.parametrize("docs", [d.docs_at for d in DIALECTS if d.api])
def test_every_input_of_every_dialect_has_a_bounded_domain(client: TestClient, docs: str):
    spec = client.get(f"{docs}/openapi.json").json()
    assert spec.get("paths"), f"{docs}/openapi.json documents no operation"
    unbounded = offenders(spec)
    assert not unbounded, f"{len(unbounded)} inputs of {docs} without bounds:\n" + "\n".join(unbounded)


class _Loose(BaseModel):
    ids: list[int]
    note: str
    extra: dict[str, Any]


def test_the_walk_finds_every_kind_of_unbounded_input():
    app = FastAPI()

    @app.post("/loose/{item}")
    def loose(item: int, body: _Loose, name: Annotated[str, Query()] = "",
              huge: Annotated[int, Query(ge=0, le=INT64)] = 0) -> None: ...

    found = offenders(app.openapi())
    assert found == [
        "POST /loose/{item} path item: an integer without a minimum",
        "POST /loose/{item} path item: an integer without a maximum",
        "POST /loose/{item} query name: a string without maxLength",
        "POST /loose/{item} query huge: an integer bound beyond 64 bits (as the OpenAPI's float rounds it)",
        "POST /loose/{item} body (application/json).ids: an array without maxItems",
        "POST /loose/{item} body (application/json).ids[]: an integer without a minimum",
        "POST /loose/{item} body (application/json).ids[]: an integer without a maximum",
        "POST /loose/{item} body (application/json).note: a string without maxLength",
        "POST /loose/{item} body (application/json).extra: an object of any keys without maxProperties",
    ], found
