"""Every Hire endpoint, called with no token, an expired token, a token without its scope, and a token of
another tenant: each refused with the right status, in PageUp's error shape, and nothing changed."""

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hireport.kit.clock import FrozenClock
from hireport.kit.runtime import Runtime
from hireport.models import Base
from tests import factories
from tests.factories import token_response
from tests.pageup.conftest import HIRE_SCOPES, Hire, assert_error

J, A, OF = "Public.Job", "Public.Application", "Public.Offer"
# (method, path) -> (the scopes that grant it, a valid body). The test fails if a route is missing here.
ENDPOINTS: dict[tuple[str, str], tuple[tuple[str, ...], object]] = {
    ("GET", "/{tenantId}/recruitment/hire/jobs"): ((f"{J}.Read",), None),
    ("GET", "/{tenantId}/recruitment/hire/jobs/{jobId}"): ((f"{J}.Read",), None),
    ("POST", "/{tenantId}/recruitment/hire/jobs"): ((f"{J}.Write",), {"Title": "x"}),
    ("PUT", "/{tenantId}/recruitment/hire/jobs/{jobId}"): ((f"{J}.Write",), {"Title": "y"}),
    ("GET", "/{tenantId}/recruitment/hire/jobs/{jobId}/applications"): ((f"{A}.Read",), None),
    ("GET", "/{tenantId}/recruitment/hire/applicants/{applicantId}"): (
        ("Public.Applicant.Read", f"{A}.Read"), None),
    ("GET", "/{tenantId}/recruitment/hire/applications/{applicationId}/applicationForm"): ((f"{A}.Read",), None),
    ("GET", "/{tenantId}/recruitment/hire/applications/{applicationId}/offer"): ((f"{OF}.Read",), None),
    ("POST", "/{tenantId}/recruitment/hire/applications/{applicationId}/changeapplicationstatusbycode"): (
        (f"{A}.Write",), {"applicationStatusCode": "X"}),
    ("POST", "/{tenantId}/recruitment/hire/applications/changeorderofmerit"): (
        (f"{A}.Write",), "merit"),
    ("POST", "/{tenantId}/recruitment/hire/applications/{applicationId}/offer"): ((f"{OF}.Write",), {}),
    ("POST", "/{tenantId}/recruitment/hire/applications/{applicationId}/offers/status"): (
        (f"{OF}.Write",), {"OfferStatus": "Hired"}),
    ("GET", "/{tenantId}/recruitment/hire/offers"): ((f"{OF}.Read",), None),
    ("GET", "/{tenantId}/recruitment/hire/offers/{offerId}"): ((f"{OF}.Read",), None),
    ("GET", "/{tenantId}/recruitment/hire/offers/{offerId}/onboardingform"): ((f"{OF}.Read",), None),
    ("POST", "/{tenantId}/recruitment/hire/offers/{offerId}/process"): ((f"{OF}.Write",), None),
    ("GET", "/{tenantId}/recruitment/document/prepareTempDirectUpload"): (("Public.Document.Write",), None),
    ("POST", "/{tenantId}/recruitment/document"): (("Public.Document.Write",), "upload"),
    ("GET", "/{tenantId}/recruitment/document/{documentId}"): (("Public.Document.Read",), None),
}
# Authorised by their signature instead of a token (tested in test_documents.py).
SIGNED = {("PUT", "/{tenantId}/recruitment/document/upload/{uploadId}"),
          ("GET", "/{tenantId}/recruitment/document/{documentId}/content")}
# The providers' Background Checking API: partner tokens, tested in test_checks.py.
PROVIDER = {("GET", "/{tenantId}/backgroundchecking"), ("PUT", "/{tenantId}/backgroundchecking/{checkId}")}
CASES = ["no token", "expired token", "token without the scope", "token of another tenant"]


def test_the_matrix_covers_every_route(client: TestClient):
    paths = client.get("/v3/openapi.json").json()["paths"]
    served = {(m.upper(), path.removeprefix("/v3")) for path, ops in paths.items() for m in ops}
    assert served == set(ENDPOINTS) | SIGNED | PROVIDER


def _dump(runtime: Runtime) -> str:
    with runtime.db.transaction(write=False) as session:
        return repr([session.execute(select(t)).all() for t in Base.metadata.sorted_tables if t.name != "signing_keys"])


def _request(hire: Hire, endpoint: tuple[str, str]) -> tuple[str, str, dict | None, object]:
    method, template = endpoint
    _, body = ENDPOINTS[endpoint]
    ids = {"jobId": hire.records["job"], "applicantId": hire.records["applicant"],
           "applicationId": hire.records["application"], "offerId": hire.records["offer"],
           "documentId": hire.records["document"], "tenantId": 218}
    url = "/v3" + template.format(**ids)
    params = {"filename": "a.txt"} if url.endswith("prepareTempDirectUpload") else None
    if body == "merit":
        body = [{"applicationId": hire.records["application"], "orderOfMerit": 1}]
    elif body == "upload":
        body = {"UploadId": "0" * 32, "FileName": "a.txt", "EntityType": "Job", "EntityID": hire.records["job"]}
    return method, url, params, body


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS), ids=lambda e: f"{e[0]} {e[1].split('/', 2)[2]}")
def test_the_right_token_gets_through(hire: Hire, client: TestClient, endpoint):
    """The control: with a token holding the scope, the same request passes authentication."""
    method, url, params, body = _request(hire, endpoint)
    scope = " ".join(ENDPOINTS[endpoint][0][:1])
    response = client.request(method, url, params=params, json=body, headers=hire.headers(scope))
    assert response.status_code not in (401, 403), response.text


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS), ids=lambda e: f"{e[0]} {e[1].split('/', 2)[2]}")
def test_refused_and_nothing_changed(hire: Hire, runtime: Runtime, clock: FrozenClock, client: TestClient,
                                     endpoint, case):
    method, url, params, body = _request(hire, endpoint)
    granting = ENDPOINTS[endpoint][0]
    if case == "no token":
        headers, status = {"Authorization": ""}, 401
    elif case == "expired token":
        headers = hire.headers()
        clock.advance(300)
        status = 401
    elif case == "token without the scope":
        headers, status = hire.headers(" ".join(s for s in HIRE_SCOPES if s not in granting)), 403
    else:
        factories.tenant(runtime, 219)
        other = factories.client(runtime, " ".join(HIRE_SCOPES), tenant_id=219)
        headers = {"Authorization": f"Bearer {token_response(client, other).json()['access_token']}"}
        status = 403
    before = _dump(runtime)
    response = client.request(method, url, params=params, json=body, headers=headers)
    assert_error(response, status)
    assert _dump(runtime) == before
