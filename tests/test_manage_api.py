"""The management API at /manage/v1: operator auth, the error shape, and every record kind."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.runtime import Runtime
from hireport.models import (
    ApiToken,
    Applicant,
    Application,
    BackgroundCheck,
    Base,
    CareerPage,
    EmailTemplate,
    Job,
    Membership,
    OAuthClient,
    Offer,
    OperatorCredential,
    Partner,
    Referral,
    Tenant,
    TenantPartner,
)
from hireport.services import (
    api_tokens,
    applicants,
    applications,
    career_pages,
    checks,
    identity,
    jobs,
    messaging,
    offers,
    referrals,
)
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields
from hireport.services.jobs import JobFields
from hireport.services.offers import OfferFields
from tests import factories
from tests.factories import Credentials, token_response

M = "/manage/v1"


@pytest.fixture
def http(client: TestClient, operator_headers: dict[str, str]) -> TestClient:
    client.headers.update(operator_headers)
    return client


@pytest.fixture
def tenant(http: TestClient) -> int:
    assert http.post(f"{M}/tenants", json={"id": 218, "name": "Acme"}).status_code == 201
    return 218


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("header", [None, "Bearer hro_wrong", "Basic eDp5"])
def test_requires_an_operator_credential(client: TestClient, header):
    headers = {"Authorization": header} if header else {}
    _error(client.get(f"{M}/tenants", headers=headers), 401, "unauthenticated")


def test_a_client_token_is_not_an_operator_credential(client: TestClient, runtime: Runtime):
    factories.tenant(runtime, 218)
    creds = factories.client(runtime, "Public.Job.Read", tenant_id=218)
    token = token_response(client, creds).json()["access_token"]
    _error(client.get(f"{M}/tenants", headers={"Authorization": f"Bearer {token}"}), 401, "unauthenticated")


def test_tenants(http: TestClient, tenant: int):
    assert http.get(f"{M}/tenants/218").json()["name"] == "Acme"
    assert [t["id"] for t in http.get(f"{M}/tenants").json()["items"]] == [218]
    _error(http.post(f"{M}/tenants", json={"id": 218, "name": "Again"}), 409, "conflict")
    _error(http.post(f"{M}/tenants", json={"id": 0, "name": "Zero"}), 400, "invalid_input")
    _error(http.post(f"{M}/tenants", json={"name": "No id"}), 400, "invalid_input")
    _error(http.get(f"{M}/tenants/999"), 404, "not_found")


def test_client_secret_is_shown_once_and_works(http: TestClient, tenant: int, runtime: Runtime):
    created = http.post(f"{M}/clients", json={"name": "payroll export", "tenant_id": tenant,
                                              "scopes": "Public.Offer.Read Public.Offer.Write"})
    assert created.status_code == 201
    body = created.json()
    assert body["scopes"] == ["Public.Offer.Read", "Public.Offer.Write"]
    secret = body["client_secret"]
    listed = http.get(f"{M}/clients").json()["items"]
    assert [c["client_id"] for c in listed] == [body["client_id"]]
    assert "client_secret" not in listed[0]
    assert "client_secret" not in http.get(f"{M}/clients/{body['client_id']}").json()
    with runtime.db.transaction(write=False) as session:
        stored = session.query(OAuthClient).one()
        assert secret not in repr(vars(stored)) and stored.secret_hash != secret
    granted = token_response(http, Credentials(body["client_id"], secret))
    assert granted.status_code == 200


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"name": "x", "scopes": "Public.Made.Up", "tenant_id": 218}, 400),
        ({"name": "x", "scopes": "Public.Job.Read"}, 400),
        ({"name": "x", "scopes": "Public.Job.Read", "tenant_id": 218, "partner": "bg"}, 400),
        ({"name": "x", "scopes": "Public.Job.Read", "tenant_id": 999}, 404),
        ({"name": "x", "scopes": "Public.Job.Read", "partner": "nope"}, 404),
        ({"name": "x", "scopes": "Public.Job.Read", "tenant_id": 218, "token_lifetime": 5}, 400),
    ],
)
def test_bad_clients_are_refused_and_nothing_is_created(http: TestClient, tenant: int, payload, status):
    assert http.post(f"{M}/clients", json=payload).status_code == status
    assert http.get(f"{M}/clients").json()["items"] == []


def test_partners_and_the_tenants_that_use_them(http: TestClient, tenant: int):
    assert http.post(f"{M}/partners", json={"code": "bg", "name": "BG Checks"}).status_code == 201
    _error(http.post(f"{M}/partners", json={"code": "bg", "name": "Again"}), 409, "conflict")
    _error(http.post(f"{M}/partners", json={"code": "b g", "name": "Space"}), 400, "invalid_input")
    _error(http.post(f"{M}/partners", json={"code": "odd", "name": "Odd", "kind": "payroll"}), 400, "invalid_input")
    assert http.post(f"{M}/partners", json={"code": "acme", "name": "Acme ATS", "kind": "ats"}).status_code == 201
    assert {p["code"]: p["kind"] for p in http.get(f"{M}/partners").json()["items"]} == {
        "bg": "background_check", "acme": "ats"}, "the odd one was not made"
    assert http.post(f"{M}/tenants/218/partners", json={"code": "bg"}).status_code == 201
    assert http.post(f"{M}/tenants/218/partners", json={"code": "bg"}).status_code == 201  # idempotent
    assert [p["code"] for p in http.get(f"{M}/tenants/218/partners").json()["items"]] == ["bg"]
    _error(http.post(f"{M}/tenants/218/partners", json={"code": "zz"}), 404, "not_found")
    client = http.post(f"{M}/clients", json={"name": "bg", "partner": "bg",
                                             "scopes": ["Public.BackgroundCheck.Read"]}).json()
    assert client["partner"] == "bg" and client["tenant_id"] is None


def test_jobs_crud_and_cursor_paging(http: TestClient, tenant: int):
    ids = []
    for n in range(7):
        r = http.post(f"{M}/tenants/218/jobs", json={"title": f"Job {n}", "external_id": f"E{n}",
                                                    "attributes": {"SupplementaryField1": n}})
        assert r.status_code == 201
        ids.append(r.json()["id"])
    first = http.post(f"{M}/tenants/218/jobs", json={"title": "x"}).json()
    assert first["code"] == str(first["id"]), "a generated code is the job's id"
    assert first["status"] == "draft"
    seen, cursor = [], None
    while True:
        page = http.get(f"{M}/tenants/218/jobs", params={"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [j["id"] for j in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [*ids, first["id"]]
    patched = http.patch(f"{M}/tenants/218/jobs/{ids[0]}", json={"title": "Renamed",
                                                                 "attributes": {"SupplementaryField2": "b"}})
    assert patched.json()["title"] == "Renamed"
    assert patched.json()["attributes"] == {"SupplementaryField1": 0, "SupplementaryField2": "b"}
    _error(http.post(f"{M}/tenants/218/jobs", json={"title": "dup", "external_id": "E1"}), 409, "conflict")
    _error(http.patch(f"{M}/tenants/218/jobs/{ids[0]}", json={"code": first["code"]}), 409, "conflict")
    _error(http.get(f"{M}/tenants/218/jobs", params={"limit": 0}), 400, "invalid_input")
    _error(http.get(f"{M}/tenants/218/jobs", params={"cursor": "abc"}), 400, "invalid_input")
    _error(http.get(f"{M}/tenants/218/jobs", params={"status": "open"}), 400, "invalid_input")
    assert [j["id"] for j in http.get(f"{M}/tenants/218/jobs", params={"status": "draft"}).json()["items"]] == [
        *ids, first["id"]]


def test_applicants_applications_and_answers(http: TestClient, tenant: int):
    job = http.post(f"{M}/tenants/218/jobs", json={"title": "Nurse", "status": "published"}).json()
    person = http.post(f"{M}/tenants/218/applicants", json={
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}).json()
    _error(http.post(f"{M}/tenants/218/applicants", json={"first_name": "A", "last_name": "B", "email": "nope"}),
           400, "invalid_input")
    answers = [{"question": "Right to work?", "answer": "Yes"}, {"question": "Years", "answer": 4}]
    created = http.post(f"{M}/tenants/218/applications", json={
        "job_id": job["id"], "applicant_id": person["id"], "form_answers": answers})
    assert created.status_code == 201
    application = created.json()
    assert application["form_answers"] == answers
    assert application["status"] == "in_process"
    assert http.get(f"{M}/tenants/218/applications/{application['id']}").json() == application
    listed = http.get(f"{M}/tenants/218/applications", params={"job_id": job["id"]}).json()
    assert [a["id"] for a in listed["items"]] == [application["id"]]
    _error(http.post(f"{M}/tenants/218/applications", json={"job_id": 424242, "applicant_id": person["id"]}),
           404, "not_found")


def test_offer_lifecycle(http: TestClient, tenant: int):
    job = http.post(f"{M}/tenants/218/jobs", json={"title": "Nurse"}).json()
    person = http.post(f"{M}/tenants/218/applicants", json={
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}).json()
    app = http.post(f"{M}/tenants/218/applications", json={"job_id": job["id"], "applicant_id": person["id"]}).json()
    offer = http.post(f"{M}/tenants/218/offers", json={"application_id": app["id"], "hours_per_week": 38,
                                                       "start_date": "2027-01-10T09:00:00Z"}).json()
    assert (offer["accepted"], offer["form_complete"], offer["processed_action_types"]) == (False, False, [])
    form = {"answers": [{"question": "Bank BSB", "answer": "062-000"}]}
    _error(http.post(f"{M}/tenants/218/offers/{offer['id']}/onboarding-form", json=form), 409, "conflict")
    accepted = http.post(f"{M}/tenants/218/offers/{offer['id']}/accept").json()
    assert accepted["accepted"] and accepted["status"] == "Accepted"
    _error(http.post(f"{M}/tenants/218/offers/{offer['id']}/onboarding-form", json={"answers": []}),
           400, "invalid_input")
    done = http.post(f"{M}/tenants/218/offers/{offer['id']}/onboarding-form", json=form).json()
    assert done["form_complete"] and done["onboarding_answers"] == form["answers"]
    http.post(f"{M}/tenants/218/offers/{offer['id']}/process", json={})
    twice = http.post(f"{M}/tenants/218/offers/{offer['id']}/process", json={"action_type_id": 0})
    assert twice.status_code == 200
    other = http.post(f"{M}/tenants/218/offers/{offer['id']}/process", json={"action_type_id": 2}).json()
    assert other["processed_action_types"] == [0, 2]
    child = http.post(f"{M}/tenants/218/offers", json={"application_id": app["id"], "parent_offer_id": offer["id"]})
    assert child.json()["parent_offer_id"] == offer["id"]


def test_documents_upload_and_download(http: TestClient, tenant: int):
    job = http.post(f"{M}/tenants/218/jobs", json={"title": "Nurse"}).json()
    data = b"%PDF-1.4 not really"
    uploaded = http.post(f"{M}/tenants/218/documents", data={"owner_type": "job", "owner_id": str(job["id"]),
                                                             "category": "Position description"},
                         files={"file": ("Position Description é.pdf", data, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    doc = uploaded.json()
    assert (doc["extension"], doc["mime_type"], doc["size_bytes"]) == ("pdf", "application/pdf", len(data))
    assert doc["owner_type"] == "job" and doc["owner_id"] == job["id"]
    content = http.get(f"{M}/tenants/218/documents/{doc['id']}/content")
    assert content.content == data
    assert content.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''Position%20Description%20%C3%A9.pdf" in content.headers["content-disposition"]
    _error(http.post(f"{M}/tenants/218/documents", data={"owner_type": "offer", "owner_id": "999"},
                     files={"file": ("a.txt", b"x", "text/plain")}), 404, "not_found")
    _error(http.post(f"{M}/tenants/218/documents", data={"owner_type": "job", "owner_id": str(job["id"])},
                     files={"file": ("empty.txt", b"", "text/plain")}), 400, "invalid_input")


def test_records_of_another_tenant_are_not_found_through_its_path(http: TestClient, runtime: Runtime, tenant: int):
    factories.tenant(runtime, 219)
    other = factories.recruitment(runtime, 219)
    for path in (f"jobs/{other['job']}", f"applicants/{other['applicant']}",
                 f"applications/{other['application']}", f"offers/{other['offer']}",
                 f"documents/{other['document']}", f"documents/{other['document']}/content"):
        _error(http.get(f"{M}/tenants/218/{path}"), 404, "not_found")
    _error(http.post(f"{M}/tenants/218/offers/{other['offer']}/accept"), 404, "not_found")
    _error(http.get(f"{M}/tenants/777/jobs"), 404, "not_found")


def test_unknown_route_and_method_use_the_error_shape(http: TestClient):
    _error(http.get(f"{M}/nothing-here"), 404, "not_found")
    _error(http.delete(f"{M}/tenants"), 405, "method_not_allowed")


def test_no_secret_is_stored_in_clear(http: TestClient, tenant: int, runtime: Runtime, operator_headers):
    from sqlalchemy import select

    from hireport.models import Base

    secret = http.post(f"{M}/clients", json={"name": "x", "tenant_id": tenant,
                                             "scopes": "Public.Job.Read"}).json()["client_secret"]
    operator_secret = operator_headers["Authorization"].removeprefix("Bearer ")
    with runtime.db.transaction(write=False) as session:
        dump = repr([list(session.execute(select(table)).all()) for table in Base.metadata.sorted_tables])
    assert secret not in dump
    assert operator_secret not in dump


def test_token_lifetime_setting_is_the_default_for_new_clients(client: TestClient, runtime: Runtime,
                                                               operator_headers):
    runtime.settings.token_lifetime = 120
    client.post(f"{M}/tenants", json={"id": 218, "name": "Acme"}, headers=operator_headers)
    created = client.post(f"{M}/clients", json={"name": "x", "tenant_id": 218, "scopes": "Public.Job.Read"},
                          headers=operator_headers).json()
    assert created["token_lifetime"] == 120
    granted = token_response(client, Credentials(created["client_id"], created["client_secret"])).json()
    assert granted["expires_in"] == 120


def test_every_operation_of_the_management_api_needs_an_operator(client: TestClient, runtime: Runtime):
    """Walked from the OpenAPI, so a new route (the people routes among them) is covered without listing it."""
    factories.tenant(runtime, 218)
    paths = client.get("/manage/openapi.json").json()["paths"]
    walked = 0
    for template, operations in paths.items():
        url = template.format(**{name: "1" for name in
                                 ("tenant_id", "account_id", "job_id", "applicant_id", "application_id", "offer_id",
                                  "document_id", "check_id", "template_id", "token_id", "message_id", "client_id",
                                  "operator_id", "code", "partner_code", "key", "upload_key", "order_id", "page_id")})
        for method in operations:
            for headers in ({}, {"Authorization": "Bearer hro_not-a-credential"}):
                _error(client.request(method.upper(), url, headers=headers, json={}), 401, "unauthenticated")
                walked += 1
    assert walked > 80 and any("/members/" in p for p in paths)


# -- lists ---------------------------------------------------------------------------------------------------

def _rows(model: Any) -> Callable[[int], Select[Any]]:
    return lambda tenant: select(model.id).where(model.tenant_id == tenant).order_by(model.id)


# Every list of the management API, and what it must walk, read from the database (a tenant's lists: that
# tenant's rows only). A list missing here fails test_every_list_pages_through_its_rows_once.
LISTS: dict[str, Callable[[int], Select[Any]]] = {
    "/tenants": lambda _: select(Tenant.id).order_by(Tenant.id),
    "/partners": lambda _: select(Partner.id).order_by(Partner.id),
    "/clients": lambda _: select(OAuthClient.client_id).order_by(OAuthClient.id),
    "/operators": lambda _: select(OperatorCredential.id).order_by(OperatorCredential.id),
    "/tenants/{tenant_id}/partners": lambda tenant: select(TenantPartner.partner_id).where(
        TenantPartner.tenant_id == tenant).order_by(TenantPartner.partner_id),
    "/tenants/{tenant_id}/members": lambda tenant: select(Membership.account_id).where(
        Membership.tenant_id == tenant).order_by(Membership.account_id),
    **{f"/tenants/{{tenant_id}}/{name}": _rows(model) for name, model in (
        ("jobs", Job), ("applicants", Applicant), ("applications", Application), ("offers", Offer),
        ("background-checks", BackgroundCheck), ("career-pages", CareerPage), ("email-templates", EmailTemplate),
        ("api-tokens", ApiToken), ("orders", Referral))},
}
KEY = {"/clients": "client_id", "/tenants/{tenant_id}/members": "account_id"}  # else "id"


@pytest.fixture
def two_tenants(runtime: Runtime, operator_headers: dict[str, str]) -> None:
    """Two or more of every listed record in tenants 218 and 219, so that each list has pages to walk and
    another tenant's rows to leave out."""
    clock = runtime.clock
    for tenant_id in (218, 219, 220):
        factories.tenant(runtime, tenant_id)
    factories.partner(runtime, "bg", tenants=(218, 219))
    factories.partner(runtime, "bg2", tenants=(218,))
    factories.partner(runtime, "bg3", tenants=(219,))
    factories.partner(runtime, "unused")
    for code in ("bg2", "bg3"):
        factories.client(runtime, "Public.BackgroundCheck.Read", partner_code=code)
    for email, tenants in (("a@example.com", (218, 219)), ("b@example.com", (218,)), ("c@example.com", (219,))):
        for tenant_id in tenants:
            factories.member(runtime, email, tenant_id=tenant_id)
    with runtime.db.transaction() as session:
        identity.create_operator_credential(session, name="second", clock=clock)
    for tenant_id in (218, 219):
        caller = Caller.operator(tenant_id)
        for _ in range(2):
            factories.client(runtime, "Public.Job.Read", tenant_id=tenant_id)
        with runtime.db.transaction() as session:
            job = jobs.create(session, caller, JobFields(title="Nurse"), clock=clock)
            for n in range(2):
                person = applicants.create(session, caller, ApplicantFields(
                    first_name="Ada", last_name="Lovelace", email=f"ada{n}@example.com"), clock=clock)
                application = applications.create(session, caller, ApplicationFields(
                    job_id=job.id, applicant_id=person.id), clock=clock)
                offers.create(session, caller, application.id, OfferFields(), clock=clock)
                checks.order(session, caller, application_id=application.id, partner_code="bg",
                             package_code="STD", clock=clock)
                jobs.create(session, caller, JobFields(title=f"Job {n}"), clock=clock)
                career_pages.create(session, caller, name=f"careers {n}", url=None, clock=clock)
                messaging.create_template(session, caller, name=f"t{n}", subject="s", body="b", clock=clock)
                api_tokens.create(session, caller, name=f"t{n}", scopes=["Gupy.Jobs.Read"], clock=clock)
            _orders(session, caller, clock)


def _orders(session: Session, caller: Caller, clock: Clock) -> None:
    """Two orders: two people referred under one campaign."""
    referrals.create_product(session, caller, code="P1", name="p", subscription=True, clock=clock)
    referrals.create_campaign(session, caller, code="C1", name="c", points_per_referral=5, product_codes=["P1"],
                              premiums=[], clock=clock)
    referrals.create_coupon(session, caller, code="K1", number=1, product_code="P1", price=Decimal(1), clock=clock)
    referred = [referrals.Referred(referrals.Person(first_name="F", email=f"f{n}@example.com"), "K1", 1,
                                   Decimal(1), 1) for n in range(2)]
    referrals.register(session, caller, referrals.Registration(
        product="P1", campaign="C1", referrer=referrals.Person(first_name="R", email="r@example.com"),
        referred=referred, preferences=None), clock=clock)


def _lists(http: TestClient) -> list[str]:
    """Every GET of the OpenAPI that answers a page; none answers a bare array."""
    found = []
    for path, operations in http.get("/manage/openapi.json").json()["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        schema = answer.get("application/json", {}).get("schema", {})
        assert schema.get("type") != "array", f"GET {path} answers a bare array, not a page"
        if schema.get("$ref", "").startswith("#/components/schemas/PageOf"):
            found.append(path.removeprefix(M))
    return found


def _walk(http: TestClient, url: str, key: str, **params: Any) -> list[Any]:
    """Every item's key, one page at a time (limit=1)."""
    keys: list[Any] = []
    cursor = None
    while True:
        answer = http.get(url, params={"limit": 1, **params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, (url, answer.text)
        page = answer.json()
        assert set(page) == {"items", "next_cursor"} and len(page["items"]) <= 1, (url, page)
        keys += [item[key] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return keys
        assert len(keys) < 100, f"{url} pages without end"


def test_every_list_pages_through_its_rows_once(http: TestClient, runtime: Runtime, two_tenants: None):
    lists = _lists(http)
    assert sorted(lists) == sorted(LISTS), "say what each list walks (LISTS)"
    for path in lists:
        key = KEY.get(path, "id")
        for tenant in (218, 219) if "{tenant_id}" in path else (None,):
            url = M + path.format(tenant_id=tenant)
            with runtime.db.transaction(write=False) as session:
                stored = list(session.scalars(LISTS[path](tenant or 0)))
            assert len(stored) >= 2, (url, "nothing to page through")
            assert _walk(http, url, key) == stored, url
            whole = http.get(url, params={"limit": 500}).json()
            assert ([item[key] for item in whole["items"]], whole["next_cursor"]) == (stored, None), url
    with runtime.db.transaction(write=False) as session:
        own = list(session.scalars(select(OAuthClient.client_id).where(OAuthClient.tenant_id == 218)
                                   .order_by(OAuthClient.id)))
        bg2 = session.scalar(select(OAuthClient.client_id).join(Partner, Partner.id == OAuthClient.partner_id)
                             .where(Partner.code == "bg2"))
    # those that may act for the tenant: its own, and those of the partners it uses (bg2's, not bg3's)
    assert _walk(http, f"{M}/clients", "client_id", tenant_id=218) == [bg2, *own]
    orders = f"{M}/tenants/218/orders"
    assert _walk(http, orders, "id", order_status="pending") == _walk(http, orders, "id")
    assert _walk(http, orders, "id", order_status="confirmed") == []


@pytest.mark.parametrize(("name", "value"), [
    ("limit", "0"), ("limit", "501"), ("limit", "-1"), ("limit", "ten"), ("cursor", ""), ("cursor", "abc"),
    ("cursor", "-1"), ("cursor", "1.5"), ("cursor", str(2**63)), ("cursor", "9" * 21), ("cursor", "\uff11"),
])
def test_a_bad_limit_or_cursor_is_refused(http: TestClient, runtime: Runtime, tenant: int, name: str, value: str):
    with runtime.db.transaction(write=False) as session:
        before = repr([session.execute(select(t)).all() for t in Base.metadata.sorted_tables])
    for path in _lists(http):
        detail = _error(http.get(M + path.format(tenant_id=tenant), params={name: value}), 400, "invalid_input")
        assert name in str(detail["details"]), (path, detail)
    with runtime.db.transaction(write=False) as session:
        assert repr([session.execute(select(t)).all() for t in Base.metadata.sorted_tables]) == before
