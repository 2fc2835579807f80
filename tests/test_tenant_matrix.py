"""Tenant isolation over every endpoint of every dialect: tenant 219's fully-scoped credentials aimed at
tenant 218's records get a refusal in the dialect's shape, never a byte of 218's data, and change nothing.

The matrix is built from every dialect's OpenAPI and fails when an operation has no entry, so a new
endpoint cannot be added without saying how it keeps tenants apart.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from hireport.dialects import DIALECTS
from hireport.kit.auth import Caller
from hireport.kit.runtime import Runtime
from hireport.models import Base, Role
from hireport.services import accounts, api_tokens, career_pages, checks, identity, messaging, referrals
from tests import factories
from tests.factories import token_response

A, B = 218, 219  # A's records are the target; B's credentials are the attacker's

# How each operation keeps tenants apart:
#   "ids"      B's caller names A's record ids (B's own tenant in the path): 404, A's data absent
#   "path"     B's caller names A's tenant in the path: 403 (PageUp) / the operator is not the attacker
#   "list"     a list: B's caller sees none of A's records
#   "own"      the operation creates or reads only the caller's own records; no id of another tenant
#   "operator" hireport's own operators act across tenants by design; the tenant in the path scopes it
#   "public"   no tenant data (discovery, keys)
#   "signed"   a signed link: another tenant's link, its tenant changed in the path, is refused (403)
#   "token"    the token service: B's client asking for A's tenant is refused (400 invalid_grant)
#   "revocation" a client revokes only refresh tokens it holds: another's is answered 200 and keeps working
#              (test_authorization_code)
MATRIX: dict[tuple[str, str], str] = {
    ("POST", "/connect/token"): "token",
    ("POST", "/connect/revocation"): "revocation",
    ("POST", "/oauth/v2/accessToken"): "own",       # a token for the app's own tenant (or none), never another
    ("POST", "/oauth/v2/introspectToken"): "own",   # an app's own tokens only (tests/linkedin/test_tokens)
    # a partner's own apps only: another partner's are not found (tests/linkedin/test_provisioning); no tenant's data
    ("POST", "/v2/provisionedApplications"): "own",
    ("GET", "/v2/provisionedApplications"): "own",
    ("POST", "/v2/provisionedApplications/{key}"): "own",
    # a customer's app reaches only its own customer's integrations: another's key finds nothing, changes
    # nothing (tests/linkedin/test_integrations: test_another_customers_app_finds_nothing_and_changes_nothing)
    ("GET", "/v2/atsIntegrations"): "own",
    ("POST", "/v2/atsIntegrations"): "own",
    ("GET", "/v2/atsIntegrations/{key}/configurations"): "own",
    ("PUT", "/v2/atsIntegrations/{key}/configurations"): "own",
    ("GET", "/rest/atsIntegrations"): "own",
    ("POST", "/rest/atsIntegrations"): "own",
    ("GET", "/rest/atsIntegrations/{key}/configurations"): "own",
    ("PUT", "/rest/atsIntegrations/{key}/configurations"): "own",
    # Connect: the token's tenant and (in user mode) its person decide; no id of another tenant is taken
    ("POST", "/capi/v1/client/recruitment"): "own",
    ("POST", "/capi/v1/recruitment"): "own",
    ("GET", "/capi/v1/recruitment/{campaign}"): "own",
    ("GET", "/capi/v1/recruitment/premium/{campaign}"): "own",
    ("POST", "/capi/v1/recruitment/premium/{campaign}"): "own",
    ("GET", "/.well-known/openid-configuration"): "public",
    ("GET", "/.well-known/openid-configuration/jwks"): "public",
    ("GET", "/v3/{tenantId}/recruitment/hire/jobs"): "list",
    ("POST", "/v3/{tenantId}/recruitment/hire/jobs"): "path",
    ("GET", "/v3/{tenantId}/recruitment/hire/jobs/{jobId}"): "ids",
    ("PUT", "/v3/{tenantId}/recruitment/hire/jobs/{jobId}"): "ids",
    ("GET", "/v3/{tenantId}/recruitment/hire/jobs/{jobId}/applications"): "ids",
    ("GET", "/v3/{tenantId}/recruitment/hire/applicants/{applicantId}"): "ids",
    ("GET", "/v3/{tenantId}/recruitment/hire/applications/{applicationId}/applicationForm"): "ids",
    ("GET", "/v3/{tenantId}/recruitment/hire/applications/{applicationId}/offer"): "ids",
    ("POST", "/v3/{tenantId}/recruitment/hire/applications/{applicationId}/offer"): "ids",
    ("POST", "/v3/{tenantId}/recruitment/hire/applications/{applicationId}/changeapplicationstatusbycode"): "ids",
    ("POST", "/v3/{tenantId}/recruitment/hire/applications/changeorderofmerit"): "ids",
    ("POST", "/v3/{tenantId}/recruitment/hire/applications/{applicationId}/offers/status"): "ids",
    ("GET", "/v3/{tenantId}/recruitment/hire/offers"): "list",
    ("GET", "/v3/{tenantId}/recruitment/hire/offers/{offerId}"): "ids",
    ("GET", "/v3/{tenantId}/recruitment/hire/offers/{offerId}/onboardingform"): "ids",
    ("POST", "/v3/{tenantId}/recruitment/hire/offers/{offerId}/process"): "ids",
    ("GET", "/v3/{tenantId}/recruitment/document/prepareTempDirectUpload"): "path",
    ("PUT", "/v3/{tenantId}/recruitment/document/upload/{uploadId}"): "signed",
    ("POST", "/v3/{tenantId}/recruitment/document"): "ids",
    ("GET", "/v3/{tenantId}/recruitment/document/{documentId}"): "ids",
    ("GET", "/v3/{tenantId}/recruitment/document/{documentId}/content"): "signed",
    ("GET", "/v3/{tenantId}/backgroundchecking"): "list",
    ("PUT", "/v3/{tenantId}/backgroundchecking/{checkId}"): "ids",
    ("POST", "/api/v1/jobs"): "own",
    ("GET", "/api/v1/jobs"): "list",
    ("GET", "/api/v1/jobs/{jobId}"): "ids",
    ("PATCH", "/api/v1/jobs/{jobId}"): "ids",
    ("GET", "/api/v1/jobs/{jobId}/applications"): "ids",
    ("POST", "/api/v1/jobs/{jobId}/applications/{applicationId}/messages"): "ids",
}
MANAGE_PREFIX = "/manage/v1/tenants/{tenant_id}/"


@dataclass
class World:
    http: TestClient
    a: dict[str, Any]        # tenant A's record ids
    b_hire: dict[str, str]   # tenant B's headers for each credential kind
    b_provider: dict[str, str]
    b_gupy: dict[str, str]
    b_creds: factories.Credentials
    operator: dict[str, str]


@pytest.fixture
def world(runtime: Runtime, client: TestClient, operator_headers: dict[str, str]) -> World:
    for tenant in (A, B):
        factories.tenant(runtime, tenant)
    a = factories.recruitment(runtime, A)
    factories.recruitment(runtime, B)
    with runtime.db.transaction() as session:
        identity.create_partner(session, code="bg", name="BG", kind="background_check", clock=runtime.clock)
        for tenant in (A, B):
            identity.enable_partner(session, tenant_id=tenant, partner_code="bg", clock=runtime.clock)
        a["check"] = checks.order(session, Caller.operator(A), application_id=a["application"], partner_code="bg",
                                  package_code="STD", clock=runtime.clock).id
        template = messaging.create_template(session, Caller.operator(A), name="t", subject="s", body="b",
                                             clock=runtime.clock)
        a["template"] = template.id
        a["message"] = messaging.message_candidate(
            session, Caller.operator(A), job_id=a["job"], application_id=a["application"], template_id=template.id,
            allow_reply=True, reply_address="r@x.example", noreply_address="n@x.example", clock=runtime.clock).id
        member = accounts.create(session, email="a@example.com", display_name="A", password="long password",
                                 clock=runtime.clock)
        accounts.add_member(session, member, tenant_id=A, role=Role.recruiter, clock=runtime.clock)
        a["account"] = member.id
        a["api_token"] = api_tokens.create(session, Caller.operator(A), name="a", scopes=["Gupy.Jobs.Read"],
                                           clock=runtime.clock)[0].id
        a["order"] = _referral(session, runtime)
        a["page"] = career_pages.create(session, Caller.operator(A), name="A careers", url=None,
                                        clock=runtime.clock).id
        _, b_api = api_tokens.create(session, Caller.operator(B), name="b",
                                     scopes=["Gupy.Jobs.Read", "Gupy.Jobs.Write", "Gupy.Applications.Read",
                                             "Gupy.Messages.Write"], clock=runtime.clock)
    hire_scopes = " ".join(s for s in identity_scopes() if not s.startswith("Public.BackgroundCheck"))
    b_creds = factories.client(runtime, hire_scopes, tenant_id=B)
    provider = factories.client(runtime, "Public.BackgroundCheck.Read Public.BackgroundCheck.Write",
                                partner_code="bg")
    bearer = {"Authorization": "Bearer " + token_response(client, b_creds).json()["access_token"]}
    provider_token = token_response(client, provider, instanceId=str(B)).json()["access_token"]
    return World(client, a, bearer, {"Authorization": f"Bearer {provider_token}"},
                 {"Authorization": f"Bearer {b_api}"}, b_creds, operator_headers)


def identity_scopes() -> list[str]:
    from hireport.kit.scopes import Holder, held_by

    return list(held_by(Holder.client))


def _referral(session: Session, runtime: Runtime) -> int:
    """An order of tenant A: one referral under a campaign."""
    caller, clock = Caller.operator(A), runtime.clock
    referrals.create_product(session, caller, code="P1", name="p", subscription=True, clock=clock)
    referrals.create_campaign(session, caller, code="C1", name="c", points_per_referral=5, product_codes=["P1"],
                              premiums=[], clock=clock)
    referrals.create_coupon(session, caller, code="K1", number=1, product_code="P1", price=Decimal(1), clock=clock)
    made = referrals.register(session, caller, referrals.Registration(
        product="P1", campaign="C1", referrer=referrals.Person(first_name="R", email="r@example.com"),
        referred=[referrals.Referred(referrals.Person(first_name="F", email="f@example.com"), "K1", 1, Decimal(1), 1)],
        preferences=None), clock=clock)
    return made[0].id


def _dump(runtime: Runtime) -> str:
    with runtime.db.transaction(write=False) as session:
        return repr([session.execute(select(t)).all() for t in Base.metadata.sorted_tables])


def _operations(http: TestClient) -> set[tuple[str, str]]:
    found = set()
    for dialect in (d for d in DIALECTS if d.api):
        for path, operations in http.get(f"{dialect.docs_at}/openapi.json").json()["paths"].items():
            found |= {(method.upper(), path) for method in operations}
    return found


def test_the_matrix_covers_every_operation_of_every_dialect(client: TestClient):
    unlisted = {op for op in _operations(client) if op not in MATRIX and not op[1].startswith("/manage/")}
    assert not unlisted, f"say how these keep tenants apart: {sorted(unlisted)}"
    assert not set(MATRIX) - _operations(client), "the matrix names operations that are gone"


def _ids(world: World) -> dict[str, Any]:
    a = world.a
    return {"tenantId": B, "tenant_id": B, "jobId": a["job"], "job_id": a["job"], "applicantId": a["applicant"],
            "applicant_id": a["applicant"], "applicationId": a["application"], "application_id": a["application"],
            "offerId": a["offer"], "offer_id": a["offer"], "documentId": a["document"], "document_id": a["document"],
            "checkId": a["check"], "check_id": a["check"], "template_id": a["template"], "token_id": a["api_token"],
            "message_id": a["message"], "account_id": a["account"], "order_id": a["order"],
            "page_id": a["page"]}


BODIES: dict[str, Any] = {
    "/v3/{tenantId}/recruitment/hire/jobs/{jobId}": {"Title": "taken over"},
    "/v3/{tenantId}/recruitment/hire/applications/{applicationId}/offer": {},
    "/v3/{tenantId}/recruitment/hire/applications/{applicationId}/changeapplicationstatusbycode": {
        "applicationStatusCode": "X"},
    "/v3/{tenantId}/recruitment/hire/applications/{applicationId}/offers/status": {"OfferStatus": "Hired"},
    "/v3/{tenantId}/backgroundchecking/{checkId}": {"status": "queued"},
    "/api/v1/jobs/{jobId}": {"name": "taken over"},
    "/api/v1/jobs/{jobId}/applications/{applicationId}/messages": {"templateId": 1},
}


def _headers(world: World, path: str) -> dict[str, str]:
    if path.startswith("/api/"):
        return world.b_gupy
    if "/backgroundchecking" in path:
        return world.b_provider
    if path.startswith("/manage/"):
        return world.operator
    return world.b_hire


def test_another_tenants_ids_are_not_found_in_any_dialect(world: World, runtime: Runtime):
    ids = _ids(world)
    a_strings = [f"EXT-{A}", f"of tenant {A}"]
    for (method, template), how in sorted(MATRIX.items()):
        if how != "ids":
            continue
        url = template.format(**ids)
        body = BODIES.get(template)
        if template.endswith("changeorderofmerit"):
            body = [{"applicationId": world.a["application"], "orderOfMerit": 1}]
        elif template == "/v3/{tenantId}/recruitment/document":
            body = {"UploadId": "a" * 32, "FileName": "x.pdf", "EntityType": "Job", "EntityID": world.a["job"]}
        before = _dump(runtime)
        answer = world.http.request(method, url, json=body, headers=_headers(world, template))
        expected = 400 if template.endswith("changeorderofmerit") else 404  # PageUp names unknown ids in a 400
        assert answer.status_code == expected, (method, url, answer.text)
        assert not any(s in answer.text for s in a_strings), (method, url, answer.text)
        assert _dump(runtime) == before, (method, url, "changed the database")


LISTED_IDS = {  # where each list names its records, and which of A's records it would list
    "/v3/{tenantId}/recruitment/hire/jobs": (lambda body: [i["JobInfo"]["PUReferenceID"] for i in body["Items"]],
                                             "job"),
    "/v3/{tenantId}/recruitment/hire/offers": (lambda body: [i["OfferInfo"]["PUReferenceID"] for i in body["Items"]],
                                               "offer"),
    "/v3/{tenantId}/backgroundchecking": (lambda body: [i["backgroundcheckrequest"]["id"] for i in body], "check"),
    "/api/v1/jobs": (lambda body: [i["id"] for i in body["results"]], "job"),
}


def test_lists_hold_none_of_another_tenants_records(world: World):
    listed = [op for op, how in MATRIX.items() if how == "list"]
    assert {template for _, template in listed} == set(LISTED_IDS)
    for method, template in listed:
        answer = world.http.request(method, template.format(tenantId=B), headers=_headers(world, template))
        assert answer.status_code == 200, (template, answer.text)
        ids_of, record = LISTED_IDS[template]
        assert world.a[record] not in ids_of(answer.json()), (template, answer.text)


def test_another_tenant_in_the_path_is_refused(world: World, runtime: Runtime):
    before = _dump(runtime)
    for (method, template), how in MATRIX.items():
        if not template.startswith("/v3/") or how in ("signed",):
            continue
        url = template.format(**{**_ids(world), "tenantId": A})
        answer = world.http.request(method, url, json=BODIES.get(template, {}), headers=_headers(world, template),
                                    params={"filename": "x.txt"} if "prepareTempDirectUpload" in url else None)
        assert answer.status_code == 403, (method, url, answer.text)
        assert set(answer.json()) == {"Message", "Errors", "TraceId"}
    assert _dump(runtime) == before


def test_signed_links_and_the_token_service_keep_tenants_apart(world: World, runtime: Runtime):
    a_hire = factories.client(runtime, "Public.Document.Read Public.Document.Write", tenant_id=A)
    a_headers = {"Authorization": "Bearer " + token_response(world.http, a_hire).json()["access_token"]}
    link = world.http.get(f"/v3/{A}/recruitment/document/{world.a['document']}", headers=a_headers).json()["Url"]
    path = link.removeprefix("http://testserver")
    assert world.http.get(path).status_code == 200
    assert world.http.get(path.replace(f"/v3/{A}/", f"/v3/{B}/")).status_code == 403
    target = world.http.get(f"/v3/{A}/recruitment/document/prepareTempDirectUpload", params={"filename": "a.txt"},
                            headers=a_headers).json()
    upload = target["url"].removeprefix("http://testserver")
    assert world.http.put(upload.replace(f"/v3/{A}/", f"/v3/{B}/"), content=b"x").status_code == 403
    refused = token_response(world.http, world.b_creds, instanceId=str(A))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def test_the_management_api_scopes_every_record_to_the_tenant_in_its_path(world: World, runtime: Runtime):
    """Operators act across tenants by design; a record id under another tenant's path is not found."""
    ids = _ids(world)
    # An account is no tenant's record: putting one in another tenant's members is what that route is for.
    scoped = [op for op in _operations(world.http) if op[1].startswith(MANAGE_PREFIX) and op[1].count("{") > 1
              and op != ("PUT", "/manage/v1/tenants/{tenant_id}/members/{account_id}")]
    assert scoped, "the management API has tenant-scoped records"
    for method, template in sorted(scoped):
        url = template.format(**ids)
        body = ({"answers": [{"question": "q", "answer": "a"}]} if url.endswith("/onboarding-form")
                else {"questions": []} if url.endswith("-form") else {})
        before = _dump(runtime)
        answer = world.http.request(method, url, json=body, headers=world.operator)
        assert answer.status_code == 404, (method, url, answer.text)
        assert set(answer.json()) == {"error"}
        assert _dump(runtime) == before, (method, url)
