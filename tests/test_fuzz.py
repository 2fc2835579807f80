"""A schema-driven fuzzer (schemathesis) over every dialect's OpenAPI, authenticated, on the demo data:
no server error, and every answer's status, content type and body as the OpenAPI documents them.

Examples are derandomized (the same on every run) and bounded per operation, so the suite stays stable
and quick; `HIREPORT_FUZZ_EXAMPLES` asks for more when hunting.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from hireport import demo
from hireport.app import create_app
from hireport.dialects import DIALECTS
from hireport.kit.runtime import Runtime
from tests import factories

EXAMPLES = int(os.environ.get("HIREPORT_FUZZ_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TENANT = demo.DEMO_TENANT


@dataclass
class Credentials:
    integrator: str  # an access token with every scope a tenant's client may hold
    provider: str    # a partner's access token (background checks)
    api_token: str   # a Gupy-style API token
    operator: str
    parent_app: str  # a partner's parent app (LinkedIn's two-legged token, bound to no tenant)
    customer_app: str  # the demo tenant's app, provisioned by a partner (an integration requested)


@pytest.fixture
def app(runtime: Runtime, operator_headers: dict[str, str]) -> Iterator[tuple[TestClient, Credentials]]:
    loaded = demo.load(runtime)
    clients, api_token = loaded.clients, loaded.api_token
    http = TestClient(create_app(runtime))
    tokens = {bool(c.partner): factories.token_response(http, factories.Credentials(c.client_id, c.client_secret),
                                                        instanceId=str(TENANT)).json()["access_token"]
              for c in clients}
    factories.partner(runtime, "ats")
    parent = factories.client(runtime, "LinkedIn.Provisioning", partner_code="ats")
    parent_token = http.post("/oauth/v2/accessToken", data={
        "grant_type": "client_credentials", "client_id": parent.client_id,
        "client_secret": parent.client_secret}).json()["access_token"]
    customer = loaded.linkedin.app
    customer_token = http.post("/oauth/v2/accessToken", data={
        "grant_type": "client_credentials", "client_id": customer.client_id,
        "client_secret": customer.client_secret}).json()["access_token"]
    yield http, Credentials(tokens[False], tokens[True], api_token.token, operator_headers["Authorization"][7:],
                            parent_token, customer_token)


@pytest.mark.parametrize("docs", [d.docs_at for d in DIALECTS if d.api])
def test_every_operation_answers_as_documented(app: tuple[TestClient, Credentials], docs: str):
    http, creds = app
    schema = schemathesis.openapi.from_asgi(f"{docs}/openapi.json", http.app)
    failures: dict[str, set[str]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"{docs}/openapi.json documents no operation"
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy())
        def fuzz(case: schemathesis.Case) -> None:
            for name in ("tenantId", "tenant_id"):
                if case.path_parameters and name in case.path_parameters:
                    case.path_parameters[name] = TENANT  # the credentials' tenant: reach past the tenant check
            try:
                case.call_and_validate(headers=_headers(case.path, creds), checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # every distinct failure is listed, not the first only
                failures.setdefault(case.operation.label, set()).add(_summary(exc))

        fuzz()
    assert not failures, "\n".join(f"{label}: {'; '.join(sorted(found))}" for label, found in sorted(failures.items()))


def _headers(path: str, creds: Credentials) -> dict[str, str]:
    if path.startswith("/manage"):
        secret = creds.operator
    elif path.startswith("/api"):
        secret = creds.api_token
    elif "/backgroundchecking" in path:
        secret = creds.provider
    elif path.startswith(("/v2/atsIntegrations", "/rest/")):
        secret = creds.customer_app
    elif path.startswith("/v2/"):
        secret = creds.parent_app
    else:
        secret = creds.integrator
    return {"Authorization": f"Bearer {secret}"}


def _summary(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    useful = [line for line in lines if line.startswith(("- ", "[", "`"))]
    return " | ".join(useful[:4])[:400] or type(exc).__name__
