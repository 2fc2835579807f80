"""The hostile inputs a tester found, and their kin, over every dialect: each is refused (4xx) in the
dialect's own error shape, never a 500, and changes nothing."""

import base64
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hireport.dialects.gupy.scopes import Scope as GupyScope
from hireport.kit.auth import Caller
from hireport.kit.runtime import Runtime
from hireport.models import Base
from hireport.services import api_tokens
from tests import factories
from tests.factories import token_response
from tests.pageup.conftest import HIRE_SCOPES

HIRE = "/v3/218/recruitment/hire"
BIG = 2**63
SHAPES: dict[str, Callable[[Any], bool]] = {
    "pageup": lambda b: set(b) == {"Message", "Errors", "TraceId"},
    "gupy": lambda b: set(b) == {"title", "detail", "status"},
    "manage": lambda b: set(b) == {"error"},
    "oauth": lambda b: set(b) == {"error", "error_description"},
}
EDGE_DATES = ["9999-12-31T23:30:00-05:00", "0001-01-01T00:10:00+01:00", "10000-01-01T00:00:00Z", "2024-13-01"]
NESTED: dict[str, Any] = {"a": None}
for _ in range(400):
    NESTED = {"a": NESTED}

# (dialect, method, path, keyword arguments for the request)
CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("pageup", "GET", f"{HIRE}/jobs/{BIG}", {}),
    ("pageup", "GET", f"{HIRE}/jobs/{2**31}", {}),
    ("pageup", "GET", f"{HIRE}/jobs", {"params": {"page": "1e20"}}),
    ("pageup", "GET", f"{HIRE}/jobs", {"params": {"page": str(10**20)}}),
    ("pageup", "GET", f"{HIRE}/jobs", {"params": {"page": str(2**62), "pageSize": "500"}}),
    ("pageup", "GET", f"{HIRE}/applicants/{BIG}", {}),
    ("pageup", "GET", f"{HIRE}/offers", {"params": {"offerActionTypeId": str(BIG)}}),
    ("pageup", "POST", f"{HIRE}/jobs", {"json": {"Title": "x", "NewPositions": 2**40}}),
    ("pageup", "POST", f"{HIRE}/jobs", {"json": {"Title": "x" * 60_000}}),
    ("pageup", "POST", f"{HIRE}/jobs", {"json": {"Title": ""}}),
    ("pageup", "POST", f"{HIRE}/jobs", {"json": {"Title": "x\u0000y"}}),
    ("pageup", "POST", f"{HIRE}/jobs", {"json": NESTED}),
    ("pageup", "POST", f"{HIRE}/jobs", {"content": b'{"Title": "x", "Salary": Infinity}',
                                        "headers": {"Content-Type": "application/json"}}),
    ("pageup", "POST", f"{HIRE}/jobs", {"content": b'{"Title": "x", "Salary": 1e400}',
                                        "headers": {"Content-Type": "application/json"}}),
    ("pageup", "POST", f"{HIRE}/applications/changeorderofmerit",
     {"json": [{"applicationId": i, "orderOfMerit": i} for i in range(1, 1500)]}),
    ("pageup", "POST", f"{HIRE}/applications/changeorderofmerit",
     {"json": [{"applicationId": BIG, "orderOfMerit": 1}]}),
    *[("pageup", "POST", f"{HIRE}/jobs", {"json": {"Title": "x", "NeededDate": d}}) for d in EDGE_DATES],
    ("pageup", "GET", f"{HIRE}/jobs%00", {}),
    ("gupy", "GET", "/api/v1/jobs", {"params": {"name": "n" * 60_000}}),
    ("gupy", "GET", "/api/v1/jobs", {"params": {"code": "c\u0000"}}),
    ("gupy", "GET", f"/api/v1/jobs/{BIG}", {}),
    ("gupy", "GET", "/api/v1/jobs", {"params": {"perPage": "1000"}}),
    ("gupy", "POST", "/api/v1/jobs", {"json": {"name": "x", "code": "", "type": "vacancy_type_effective",
                                               "publicationType": "external", "numVacancies": 1, "departmentId": 1,
                                               "roleId": 1}}),
    ("gupy", "POST", "/api/v1/jobs", {"json": {"name": "x", "type": "vacancy_type_effective", "roleId": BIG,
                                               "publicationType": "external", "numVacancies": 1,
                                               "departmentId": 1}}),
    ("gupy", "PATCH", "/api/v1/jobs/1", {"json": {"customFields": None, "status": "published"}}),
    ("gupy", "PATCH", "/api/v1/jobs/1", {"json": {"hiringDeadline": "99999-01-01"}}),
    ("manage", "GET", f"/manage/v1/tenants/{BIG}/jobs", {}),
    ("manage", "GET", f"/manage/v1/tenants/{2**31}/jobs", {}),
    ("manage", "POST", "/manage/v1/tenants/218/offers", {"json": {"application_id": 1,
                                                                  "start_date": "2024-01-01T00:00:00"}}),
    *[("manage", "POST", "/manage/v1/tenants/218/offers", {"json": {"application_id": 1, "start_date": d}})
      for d in EDGE_DATES],
    ("manage", "POST", "/manage/v1/tenants", {"json": {"id": 2**40, "name": "x"}}),
    ("manage", "POST", "/manage/v1/tenants/218/applicants", {"json": {"first_name": "a\u0000", "last_name": "b",
                                                                      "email": "a@example.com"}}),
    ("oauth", "POST", "/connect/token", {"data": {"grant_type": "client_credentials", "client_id": "a\u0000b",
                                                  "client_secret": "x"}}),
    ("oauth", "POST", "/connect/token", {"data": {"grant_type": "client_credentials"}, "headers": {
        "Authorization": "Basic " + base64.b64encode(b"a\x00b:c\x00d").decode()}}),
    ("oauth", "POST", "/connect/token", {"data": {"grant_type": "client_credentials", "client_id": "x" * 60_000,
                                                  "client_secret": "y"}}),
]


@pytest.fixture
def http(runtime: Runtime, client: TestClient, operator_headers: dict[str, str]) -> dict[str, TestClient]:
    factories.tenant(runtime, 218)
    factories.recruitment(runtime, 218)
    creds = factories.client(runtime, " ".join(HIRE_SCOPES), tenant_id=218)
    hire = token_response(client, creds).json()["access_token"]
    with runtime.db.transaction() as session:
        _, gupy = api_tokens.create(session, Caller.operator(218), name="all", scopes=[s.value for s in GupyScope],
                                    clock=runtime.clock)
    return {"pageup": {"Authorization": f"Bearer {hire}"}, "gupy": {"Authorization": f"Bearer {gupy}"},
            "manage": operator_headers, "oauth": {}}  # type: ignore[dict-item]


def _dump(runtime: Runtime) -> str:
    with runtime.db.transaction(write=False) as session:
        return repr([session.execute(select(t)).all() for t in Base.metadata.sorted_tables])


def test_hostile_input_is_refused_in_the_dialects_shape_and_changes_nothing(runtime: Runtime, client: TestClient,
                                                                            http: dict[str, dict[str, str]]):
    failures = []
    for dialect, method, path, kwargs in CASES:
        before = _dump(runtime)
        headers = {**http[dialect], **kwargs.pop("headers", {})} if "headers" in kwargs else http[dialect]
        answer = client.request(method, path, headers=headers, **kwargs)
        ok = 400 <= answer.status_code < 500 and SHAPES[dialect](answer.json())
        if not ok or _dump(runtime) != before:
            failures.append(f"{method} {path[:80]} {str(kwargs)[:120]} -> {answer.status_code} {answer.text[:200]}")
    assert not failures, "\n".join(failures)
