"""A tenant with Hire API credentials, and a client that speaks to `/v3/218/...` with a fresh token."""

from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from hireport.dialects.pageup.scopes import PROVIDER_SCOPES, Scope
from hireport.kit.runtime import Runtime
from tests import factories
from tests.factories import Credentials, token_response

HIRE_SCOPES = tuple(s.value for s in Scope if s not in PROVIDER_SCOPES)

HIRE = "/v3/218/recruitment/hire"
DOCS = "/v3/218/recruitment/document"


@dataclass
class Hire:
    http: TestClient
    creds: Credentials
    records: dict[str, int]

    def token(self, scope: str | None = None) -> str:
        fields = {"instanceId": "218", **({"scope": scope} if scope else {})}
        return str(token_response(self.http, self.creds, **fields).json()["access_token"])

    def headers(self, scope: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(scope)}"}


@pytest.fixture
def hire(client: TestClient, runtime: Runtime) -> Hire:
    factories.tenant(runtime, 218)
    records = factories.recruitment(runtime, 218)
    creds = factories.client(runtime, " ".join(HIRE_SCOPES), tenant_id=218)
    hire = Hire(client, creds, records)
    client.headers.update(hire.headers())
    return hire


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"Message", "Errors", "TraceId"}
    assert body["Message"] and body["TraceId"] == response.headers["x-request-id"]
    return body
