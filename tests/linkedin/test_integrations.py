"""LinkedIn's atsIntegrations (`/v2/atsIntegrations`, `/rest/atsIntegrations`): a customer's app enables what
its customer requested (batch partial update) and verifies it (batch get), in Rest.li 1.0 and 2.0 keys; every
row of the seed's (003) two error tables, with its HTTP code, response status and message; the configurations
sub-resource; and what enabling grants the app, on both sides."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hireport.dialects.linkedin import restli
from hireport.dialects.linkedin.ats_integrations import MAX_TUNNELLED
from hireport.dialects.linkedin.kinds import KINDS, TYPES
from hireport.kit.clock import FrozenClock
from hireport.kit.door import MAX_URL_BYTES
from hireport.kit.errors import Forbidden, InvalidTransition
from hireport.kit.runtime import Runtime
from hireport.kit.scopes import Holder, held_by
from hireport.models import Integration, IntegrationStatus, PartnerApp, Role
from hireport.services import integrations
from hireport.services.integrations import MOVES, Step
from tests import factories
from tests.console.world import dump
from tests.factories import Credentials

URL = "/v2/atsIntegrations"
PATCH = {"X-RestLi-Method": "batch_partial_update"}
V2 = {"X-RestLi-Protocol-Version": "2.0.0"}
ENABLED_ALREADY = ("One or more of your update keys are violating update rule : modifying onboarding status for "
                   "already enabled integration is not allowed")


def _bearer(client: TestClient, creds: Credentials) -> dict[str, str]:
    answer = client.post("/oauth/v2/accessToken", data={"grant_type": "client_credentials",
                                                        "client_id": creds.client_id,
                                                        "client_secret": creds.client_secret})
    assert answer.status_code == 200, answer.text
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


class Customer:
    """A customer (tenant) with an admin, and the app a partner provisioned for it."""

    def __init__(self, client: TestClient, rt: Runtime, parent: dict[str, str], tenant_id: int) -> None:
        self.client, self.rt, self.tenant_id = client, rt, tenant_id
        self.admin = factories.member(rt, f"admin{tenant_id}@example.com", tenant_id=tenant_id)
        created = client.post("/v2/provisionedApplications", headers=parent, json={
            "uniqueForeignId": f"customer-{tenant_id}", "name": f"Customer {tenant_id}", "description": "app",
            "tenantId": tenant_id}).json()
        self.app_id = int(created["key"].rsplit(":", 1)[1])
        self.creds = Credentials(created["credentials"]["client_id"], created["credentials"]["client_secret"])
        self.context = f"urn:li:organization:{tenant_id}"

    def token(self) -> dict[str, str]:
        return _bearer(self.client, self.creds)

    def request(self, *types: str) -> None:
        """The customer's admin requests these integration types (as the configuration plugin does)."""
        with self.rt.db.transaction() as session:
            app = session.get(PartnerApp, self.app_id)
            assert app is not None
            member = integrations.administrator(session, app, self.admin)
            for name in types:
                integrations.request(session, app, member, name, clock=self.rt.clock)

    def rows(self) -> dict[str, tuple[IntegrationStatus, str | None]]:
        with self.rt.db.transaction(write=False) as session:
            return {row.kind: (row.status, row.name) for row in
                    session.scalars(select(Integration).where(Integration.app_id == self.app_id))}

    def key(self, integration_type: str = "APPLY_WITH_LINKEDIN", tenant_type: str = "JOBS", **parts: str) -> dict:
        return {"integrationContext": self.context, "integrationType": integration_type, "tenantType": tenant_type,
                "dataProvider": "ATS", **parts}


@pytest.fixture
def parent(runtime: Runtime, client: TestClient) -> dict[str, str]:
    for tenant_id, name in ((218, "Acme"), (219, "Other")):
        factories.tenant(runtime, tenant_id, name=name)
    factories.partner(runtime, "ats", tenants=(218, 219))
    return _bearer(client, factories.client(runtime, "LinkedIn.Provisioning", partner_code="ats"))


@pytest.fixture
def acme(client: TestClient, runtime: Runtime, parent: dict[str, str]) -> Customer:
    return Customer(client, runtime, parent, 218)


@pytest.fixture
def other(client: TestClient, runtime: Runtime, parent: dict[str, str]) -> Customer:
    return Customer(client, runtime, parent, 219)


def v1_query(*keys: dict[str, str]) -> str:
    return "&".join(f"ids[{i}].{name}={quote(value, safe=':')}" for i, key in enumerate(keys)
                    for name, value in key.items())


def v1_key(key: dict[str, str]) -> str:
    return "&".join(f"{name}={value}" for name, value in key.items())


def v2_key(key: dict[str, str]) -> str:
    return "(" + ",".join(f"{name}:{quote(key[name], safe='')}" for name in sorted(key)) + ")"


def v2_query(*keys: dict[str, str]) -> str:
    return "ids=List(" + ",".join(v2_key(k) for k in keys) + ")"


def _patch(name: str = "My Customer's Apply with LinkedIn Integration") -> dict[str, Any]:
    return {"patch": {"$set": {"integrationName": name}}}


SEED_V1 = ("integrationContext=urn%3Ali%3Aorganization%3A218&integrationType=APPLY_WITH_LINKEDIN&tenantType=JOBS&"
           "dataProvider=ATS")


def test_the_seed_steps_3_and_4_in_rest_li_1_0(client: TestClient, acme: Customer):
    acme.request("APPLY_WITH_LINKEDIN")
    token = acme.token()
    key = acme.key()
    before = client.get(f"{URL}?{v1_query(key)}", headers=token)
    assert before.status_code == 200, before.text
    assert before.json() == {"errors": {}, "results": {SEED_V1: {"onboardingStatus": "REQUESTED"}}, "statuses": {}}
    # the seed's sample body: the entity key unencoded, as published
    answer = client.post(f"{URL}?{v1_query(key)}", headers={**token, "x-restli-method": "batch_partial_update"},
                         json={"entities": {v1_key(key): _patch()}})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"errors": {}, "results": {SEED_V1: {"status": 204}}}
    after = client.get(f"{URL}?{v1_query(key)}", headers=token).json()
    assert after == {"errors": {}, "results": {SEED_V1: {
        "integrationName": "My Customer's Apply with LinkedIn Integration", "onboardingStatus": "ENABLED"}},
        "statuses": {}}
    assert acme.rows() == {"APPLY_WITH_LINKEDIN": (IntegrationStatus.enabled,
                                                   "My Customer's Apply with LinkedIn Integration")}


def test_rest_li_2_0_keys_and_the_versioned_api(client: TestClient, acme: Customer):
    acme.request("APPLY_WITH_LINKEDIN", "APPLY_CONNECT")
    token = acme.token()
    awli, connect = acme.key(), acme.key("APPLY_CONNECT")
    rendered = {v2_key(awli), v2_key(connect)}
    answer = client.post(f"/rest/atsIntegrations?{v2_query(awli, connect)}",
                         headers={**token, **V2, "X-RestLi-Method": "BATCH_PARTIAL_UPDATE",
                                  "LinkedIn-Version": "202401"},
                         json={"entities": {v2_key(awli): _patch("Apply"), v2_key(connect): _patch("Connect")}})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"errors": {}, "results": {k: {"status": 204} for k in rendered}}
    got = client.get(f"{URL}?{v2_query(awli, connect)}", headers={**token, **V2, "X-RestLi-Method": "BATCH_GET"})
    assert got.json()["results"] == {
        v2_key(awli): {"integrationName": "Apply", "onboardingStatus": "ENABLED"},
        v2_key(connect): {"integrationName": "Connect", "onboardingStatus": "ENABLED"}}
    unversioned = client.get(f"/rest/atsIntegrations?{v2_query(awli)}", headers={**token, **V2})
    assert unversioned.status_code == 400 and unversioned.json() == {
        "message": "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
        "serviceErrorCode": 400, "status": 400}
    assert client.get(f"/rest/atsIntegrations?{v2_query(awli)}",
                      headers={**token, **V2, "LinkedIn-Version": "2024-01"}).status_code == 400


def test_a_batch_get_may_be_tunnelled_through_a_post(client: TestClient, acme: Customer):
    acme.request("APPLY_WITH_LINKEDIN")
    key = acme.key()
    answer = client.post(URL, headers={**acme.token(), **V2, "X-HTTP-Method-Override": "GET",
                                       "X-RestLi-Method": "BATCH_GET",
                                       "Content-Type": "application/x-www-form-urlencoded"},
                         content=v2_query(key))
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"] == {v2_key(key): {"onboardingStatus": "REQUESTED"}}
    assert acme.rows()["APPLY_WITH_LINKEDIN"][0] == IntegrationStatus.requested


def _longest_key(app_id: int | None = None, *, context_id: str = "2147483647") -> dict[str, str]:
    """A key with each part at its longest: the longest type with its tenant type, a customer named by
    `context_id`, and `dataProvider` ATS or (given an app id) the app's URN."""
    found = max(TYPES.values(), key=lambda t: len(t.name) + len(t.audience) + len(t.context))
    return {"integrationContext": f"urn:li:{found.context}:{context_id}", "integrationType": found.name,
            "tenantType": found.audience,
            "dataProvider": "ATS" if app_id is None else f"urn:li:developerApplication:{app_id}"}


def _encoded_v1_query(keys: list[dict[str, str]]) -> str:
    """1.0 keys with every value percent-encoded (the longer of the two protocols)."""
    return "&".join(f"ids[{i}].{name}={quote(value, safe='')}" for i, key in enumerate(keys)
                    for name, value in key.items())


def test_a_whole_batch_with_the_ats_data_provider_fits_in_a_url(client: TestClient, acme: Customer):
    """As the API docs say: MAX_KEYS keys of a ten-digit customer, in either protocol, within MAX_URL_BYTES."""
    keys = [_longest_key()] * restli.MAX_KEYS
    for base in (URL, "/rest/atsIntegrations"):
        for query in (_encoded_v1_query(keys), v2_query(*keys)):
            target = f"{base}?{query}"
            assert len(target.encode()) <= MAX_URL_BYTES, len(target)
            answer = client.get(target, headers={**acme.token(), "LinkedIn-Version": "202401"})
            assert answer.status_code == 200 and answer.json()["results"] == {}, answer.text


def test_a_whole_batch_of_the_longest_keys_fits_in_a_tunnelled_query(client: TestClient, acme: Customer):
    """As the API docs say: MAX_KEYS keys with every part at its longest, within MAX_TUNNELLED characters."""
    acme.request("APPLY_WITH_LINKEDIN")
    keys = [_longest_key(acme.app_id, context_id="A" * 64)] * (restli.MAX_KEYS - 1) + [acme.key()]
    for query in (_encoded_v1_query(keys), v2_query(*keys)):
        assert len(query) <= MAX_TUNNELLED, len(query)
        answer = client.post(URL, headers={**acme.token(), "X-HTTP-Method-Override": "GET",
                                           "Content-Type": "application/x-www-form-urlencoded"}, content=query)
        assert answer.status_code == 200 and list(answer.json()["results"].values()) == [
            {"onboardingStatus": "REQUESTED"}], answer.text
    longer = client.post(URL, headers={**acme.token(), "X-HTTP-Method-Override": "GET",
                                       "Content-Type": "application/x-www-form-urlencoded"},
                         content=v2_query(*keys) + "&" + "x" * MAX_TUNNELLED)
    assert longer.status_code == 400 and str(MAX_TUNNELLED) in longer.json()["message"], "as documented"


# --- the seed's first table: Enable Customer Integrations ----------------------------------------------------


def _error(answer, status: int, message: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.json() == {"message": message, "serviceErrorCode": {401: 65600, 403: 100}.get(status, status),
                             "status": status}


def test_an_enabled_integration_cannot_be_changed(client: TestClient, acme: Customer):
    acme.request("APPLY_WITH_LINKEDIN", "APPLY_CONNECT")
    token, awli, connect = acme.token(), acme.key(), acme.key("APPLY_CONNECT")
    assert client.post(f"{URL}?{v1_query(awli)}", headers={**token, **PATCH},
                       json={"entities": {v1_key(awli): _patch("First")}}).status_code == 200
    again = client.post(f"{URL}?{v1_query(awli, connect)}", headers={**token, **PATCH},
                        json={"entities": {v1_key(awli): _patch("Second"), v1_key(connect): _patch("Connect")}})
    _error(again, 400, ENABLED_ALREADY)
    assert acme.rows() == {"APPLY_WITH_LINKEDIN": (IntegrationStatus.enabled, "First"),
                           "APPLY_CONNECT": (IntegrationStatus.requested, None)}, "nothing of the batch changed"


def test_body_keys_must_match_the_query_keys(client: TestClient, acme: Customer):
    acme.request("APPLY_WITH_LINKEDIN", "APPLY_CONNECT")
    token, awli, connect = acme.token(), acme.key(), acme.key("APPLY_CONNECT")
    mismatch = client.post(f"{URL}?{v1_query(awli)}", headers={**token, **PATCH},
                           json={"entities": {v1_key(connect): _patch()}})
    _error(mismatch, 400, f"Batch request mismatch. Entity key {v1_key(connect)} not found in the query parameter")
    other_provider = client.post(f"{URL}?{v1_query(awli)}", headers={**token, **PATCH}, json={
        "entities": {v1_key(acme.key(dataProvider=f"urn:li:developerApplication:{acme.app_id}")): _patch()}})
    assert other_provider.status_code == 400 and other_provider.json()["message"].startswith("Batch request mismatch")
    unmatched_query = client.post(f"{URL}?{v1_query(awli, connect)}", headers={**token, **PATCH},
                                  json={"entities": {v1_key(awli): _patch()}})
    assert unmatched_query.status_code == 400 and unmatched_query.json()["message"].startswith(
        "Batch request mismatch")
    assert acme.rows()["APPLY_WITH_LINKEDIN"] == (IntegrationStatus.requested, None)


@pytest.mark.parametrize("where", ["query", "body", "both"])
@pytest.mark.parametrize("protocol", ["1.0", "2.0"])
def test_a_key_with_a_part_missing_is_incomplete_on_either_side(client: TestClient, acme: Customer, where: str,
                                                               protocol: str):
    """Whichever side lacks a part, before the two sides are compared: the incomplete key is not the other
    side's (a comparison would call it a mismatch)."""
    acme.request("APPLY_WITH_LINKEDIN", "APPLY_CONNECT")
    token, whole, before = acme.token(), acme.key(), dump(acme.rt)
    query_of, key_of = (v1_query, v1_key) if protocol == "1.0" else (v2_query, v2_key)
    for part in ("integrationContext", "integrationType", "tenantType", "dataProvider"):
        partial = {k: v for k, v in acme.key("APPLY_CONNECT").items() if k != part}
        query = query_of(partial if where in ("query", "both") else whole)
        body = {"entities": {key_of(partial if where in ("body", "both") else whole): _patch()}}
        answer = client.post(f"{URL}?{query}", headers={**token, **PATCH, "X-RestLi-Protocol-Version": protocol},
                             json=body)
        _error(answer, 400, "Integration key parts are incomplete")
    assert dump(acme.rt) == before, "a refused enable call wrote something"


def test_a_parent_token_may_not_enable(client: TestClient, acme: Customer, parent: dict[str, str]):
    acme.request("APPLY_WITH_LINKEDIN")
    key = acme.key()
    answer = client.post(f"{URL}?{v1_query(key)}", headers={**parent, **PATCH},
                         json={"entities": {v1_key(key): _patch()}})
    _error(answer, 403, "Not enough permissions to access: POST /atsIntegrations")
    _error(client.get(f"{URL}?{v1_query(key)}", headers=parent), 403,
           "Not enough permissions to access: GET /atsIntegrations")
    assert acme.rows()["APPLY_WITH_LINKEDIN"] == (IntegrationStatus.requested, None)


def test_expired_and_tampered_tokens(client: TestClient, acme: Customer, clock: FrozenClock):
    acme.request("APPLY_WITH_LINKEDIN")
    token, key = acme.token(), acme.key()
    body = {"entities": {v1_key(key): _patch()}}
    tampered = {"Authorization": token["Authorization"][:-4] + ("AAAA" if token["Authorization"][-4:] != "AAAA"
                                                                 else "BBBB")}
    _error(client.post(f"{URL}?{v1_query(key)}", headers={**tampered, **PATCH}, json=body), 401,
           "Invalid access token")
    _error(client.get(f"{URL}?{v1_query(key)}", headers={"Authorization": "Bearer nonsense"}), 401,
           "Invalid access token")
    clock.advance(1800)
    _error(client.post(f"{URL}?{v1_query(key)}", headers={**token, **PATCH}, json=body), 401,
           "The token used in the request has expired")
    _error(client.get(f"{URL}?{v1_query(key)}", headers=token), 401, "The token used in the request has expired")
    assert acme.rows()["APPLY_WITH_LINKEDIN"] == (IntegrationStatus.requested, None)


def test_nothing_requested_is_a_404_inside_a_200(client: TestClient, acme: Customer):
    key = acme.key()
    answer = client.post(f"{URL}?{v1_query(key)}", headers={**acme.token(), **PATCH},
                         json={"entities": {v1_key(key): _patch()}})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"results": {}, "errors": {SEED_V1: {
        "message": "No record found to partial update", "serviceErrorCode": 404, "status": 404}}}
    assert acme.rows() == {}


def test_another_customers_app_finds_nothing_and_changes_nothing(client: TestClient, acme: Customer,
                                                                 other: Customer):
    acme.request("APPLY_WITH_LINKEDIN")
    key = acme.key()  # acme's integration, asked for with the other customer's token
    token = other.token()
    patched = client.post(f"{URL}?{v1_query(key)}", headers={**token, **PATCH},
                          json={"entities": {v1_key(key): _patch("Hijacked")}})
    assert patched.status_code == 200 and patched.json()["results"] == {}
    assert patched.json()["errors"][SEED_V1]["status"] == 404
    assert client.get(f"{URL}?{v1_query(key)}", headers=token).json() == {"errors": {}, "results": {},
                                                                          "statuses": {}}
    assert acme.rows()["APPLY_WITH_LINKEDIN"] == (IntegrationStatus.requested, None)


def test_the_rest_li_method_is_required(client: TestClient, acme: Customer):
    acme.request("APPLY_WITH_LINKEDIN")
    key = acme.key()
    body = {"entities": {v1_key(key): _patch()}}
    missing = client.post(f"{URL}?{v1_query(key)}", headers=acme.token(), json=body)
    _error(missing, 400, "the X-RestLi-Method header is required: batch_partial_update")
    wrong = client.post(f"{URL}?{v1_query(key)}", headers={**acme.token(), "X-RestLi-Method": "create"}, json=body)
    _error(wrong, 400, "X-RestLi-Method must be batch_partial_update for this request")
    assert acme.rows()["APPLY_WITH_LINKEDIN"] == (IntegrationStatus.requested, None)


# --- the seed's second table: Verify Customer Integrations ---------------------------------------------------


def test_verify_with_nothing_requested_is_empty(client: TestClient, acme: Customer):
    answer = client.get(f"{URL}?{v1_query(acme.key())}", headers=acme.token())
    assert answer.status_code == 200 and answer.json() == {"errors": {}, "results": {}, "statuses": {}}


@pytest.mark.parametrize("context", ["urn:li:organization:", "urn:li:member:218", "218", "urn:li:organization:2 18",
                                     "urn:li:organization:218:1"])
def test_verify_an_invalid_context_urn(client: TestClient, acme: Customer, context: str):
    answer = client.get(f"{URL}?{v1_query(acme.key(integrationContext=context))}", headers=acme.token())
    _error(answer, 400, "Invalid integration context urn")


@pytest.mark.parametrize("change", [
    {"integrationType": "NO_SUCH_TYPE"}, {"tenantType": "RECRUITER"}, {"dataProvider": "OTHER"},
    {"integrationType": ""}, {"extra": "x"}])
def test_verify_with_wrong_or_missing_key_parts(client: TestClient, acme: Customer, change: dict[str, str]):
    answer = client.get(f"{URL}?{v1_query(acme.key(**change))}", headers=acme.token())
    _error(answer, 400, "Integration key parts are incomplete")
    missing = {k: v for k, v in acme.key().items() if k != "dataProvider"}
    _error(client.get(f"{URL}?{v1_query(missing)}", headers=acme.token()), 400, "Integration key parts are incomplete")
    _error(client.get(URL, headers=acme.token()), 400, "Integration key parts are incomplete")


@pytest.mark.parametrize("query", ["ids=List((integrationContext:urn%3Ali", "ids=List(a,b)", "ids=(a:b)",
                                   "ids=List((a:b)x)", "ids=List((:b))", "ids[0].a=1&ids=List((a:1))",
                                   "ids=List(" + ",".join(["(a:1)"] * 101) + ")"])
def test_keys_that_are_not_rest_li_are_refused(client: TestClient, acme: Customer, query: str):
    answer = client.get(f"{URL}?{query}", headers=acme.token())
    assert answer.status_code == 400 and set(answer.json()) == {"message", "serviceErrorCode", "status"}


# --- configurations ------------------------------------------------------------------------------------------


def test_configurations_are_set_and_read_in_a_batch(client: TestClient, acme: Customer):
    acme.request("APPLY_WITH_LINKEDIN")
    token, key = acme.token(), acme.key()
    path = f"{URL}/{v2_key(key)}/configurations"
    body = {"entities": {"CALLBACK_URL": {"configurationValue": {"string": "https://ats.example.com/apply"}}}}
    answer = client.put(f"{path}?ids=List(CALLBACK_URL)", headers={**token, **V2, "X-RestLi-Method": "BATCH_UPDATE"},
                        json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"errors": {}, "results": {"CALLBACK_URL": {"status": 204}}}
    v1_path = f"{URL}/{quote(v1_key(key), safe='')}/configurations"
    read = client.get(f"{v1_path}?ids=CALLBACK_URL&ids=VIEWER_SETTING", headers=token)
    assert read.status_code == 200, read.text
    assert read.json()["results"] == {"CALLBACK_URL": {"configurationValue": {"string": "https://ats.example.com/apply"}}}
    for bad in ({"VIEWER_SETTING": {"configurationValue": {"string": "ALL_SEATS"}}},  # not one of AWLI's
                {"CALLBACK_URL": {"configurationValue": {"string": "ftp://x"}}},
                {"CALLBACK_URL": {"configurationValue": {"boolean": True}}},
                {"NOPE": {"configurationValue": {"string": "x"}}}):
        refused = client.put(f"{path}?ids={next(iter(bad))}", headers={**token, "X-RestLi-Method": "batch_update"},
                             json={"entities": bad})
        assert refused.status_code == 400, (bad, refused.text)
    mismatch = client.put(f"{path}?ids=VIEWER_SETTING", headers={**token, "X-RestLi-Method": "batch_update"},
                          json=body)
    assert mismatch.status_code == 400
    unknown = client.put(f"{URL}/{v2_key(acme.key('APPLY_CONNECT'))}/configurations?ids=CALLBACK_URL",
                         headers={**token, "X-RestLi-Method": "batch_update"}, json=body)
    assert unknown.status_code == 404
    read = client.get(f"{v1_path}?ids=CALLBACK_URL", headers=token).json()["results"]
    assert read == {"CALLBACK_URL": {"configurationValue": {"string": "https://ats.example.com/apply"}}}


# --- what enabling means ------------------------------------------------------------------------------------


def test_enabling_grants_what_the_type_grants_and_nothing_else(client: TestClient, acme: Customer, runtime: Runtime):
    factories.recruitment(runtime, 218)
    jobs, offers = "/v3/218/recruitment/hire/jobs", "/v3/218/recruitment/hire/offers"
    acme.request("APPLY_WITH_LINKEDIN")
    requested = acme.token()
    assert client.get(jobs, headers=requested).status_code == 403, "requested is not enabled"
    key = acme.key()
    assert client.post(f"{URL}?{v1_query(key)}", headers={**requested, **PATCH},
                       json={"entities": {v1_key(key): _patch()}}).status_code == 200
    enabled = acme.token()
    assert client.get(jobs, headers=enabled).status_code == 200
    assert client.get(offers, headers=enabled).status_code == 403, "apply integrations do not read offers"
    assert client.get("/v3/219/recruitment/hire/jobs", headers=enabled).status_code in (403, 404), \
        "nor another customer's jobs"


def test_a_recruiter_integration_waits_for_the_customer(client: TestClient, acme: Customer, runtime: Runtime):
    applicant = f"/v3/218/recruitment/hire/applicants/{factories.recruitment(runtime, 218)['applicant']}"
    acme.request("IN_ATS_INDICATOR")
    key = acme.key("IN_ATS_INDICATOR", "RECRUITER")
    token = acme.token()
    assert client.post(f"{URL}?{v1_query(key)}", headers={**token, **PATCH},
                       json={"entities": {v1_key(key): _patch("Indicator")}}).status_code == 200
    assert client.get(f"{URL}?{v1_query(key)}", headers=token).json()["results"][
        "&".join(f"{k}={quote(v, safe='')}" for k, v in key.items())] == {
        "integrationName": "Indicator", "onboardingStatus": "PARTNER_READY"}
    assert client.get(applicant, headers=acme.token()).status_code == 403, "partner-ready is not enabled"
    with runtime.db.transaction() as session:
        app = session.get(PartnerApp, acme.app_id)
        assert app is not None
        integrations.confirm(session, app, {"IN_ATS_INDICATOR": KINDS["IN_ATS_INDICATOR"]}, clock=runtime.clock)
    assert acme.rows()["IN_ATS_INDICATOR"] == (IntegrationStatus.enabled, "Indicator")
    assert client.get(applicant, headers=acme.token()).status_code == 200


def test_only_the_customers_admins_may_request(runtime: Runtime, acme: Customer):
    recruiter = factories.member(runtime, "rec@example.com", tenant_id=218, role=Role.recruiter)
    outsider = factories.member(runtime, "out@example.com", tenant_id=219)
    with runtime.db.transaction(write=False) as session:
        app = session.get(PartnerApp, acme.app_id)
        assert app is not None
        for account in (recruiter, outsider):
            with pytest.raises(Forbidden):
                integrations.administrator(session, app, account)


# what each type, once enabled, puts in the tokens of the customer's app: the Hire API's scopes, written out
GRANTED = {
    "APPLY_WITH_LINKEDIN": ("Public.Job.Read", "Public.Application.Write"),
    "APPLY_CONNECT": ("Public.Job.Read", "Public.Application.Read", "Public.Application.Write"),
    "ONE_CLICK_EXPORT": ("Public.Job.Read", "Public.Applicant.Write", "Public.Application.Write"),
    "IN_ATS_INDICATOR": ("Public.Applicant.Read", "Public.Application.Read"),
    "PROFILE_PLUGIN": ("Public.Job.Read", "Public.Applicant.Read", "Public.Application.Read"),
    "CSA_API": ("Public.Job.Read", "Public.Applicant.Read", "Public.Application.Read"),
}


def test_each_type_grants_its_scopes_and_a_customers_app_may_hold_them():
    assert {name: integrations.scopes_of(kind) for name, kind in KINDS.items()} == GRANTED
    for scopes in GRANTED.values():
        assert set(scopes) <= set(held_by(Holder.client))


def test_concurrent_enablings_enable_once(runtime: Runtime, acme: Customer):
    """Eight partner calls at once on one requested integration: one enables it, seven are refused."""
    acme.request("APPLY_WITH_LINKEDIN")
    start = threading.Barrier(8)

    def attempt(n: int) -> str:
        start.wait()
        try:
            with runtime.db.transaction() as session:
                app = session.get(PartnerApp, acme.app_id)
                assert app is not None
                integrations.complete(session, app, {"APPLY_WITH_LINKEDIN": f"name {n}"}, KINDS, clock=runtime.clock)
        except integrations.AlreadyEnabled:
            return "refused"
        return "enabled"

    with ThreadPoolExecutor(8) as pool:
        outcomes = sorted(pool.map(attempt, range(8)))
    assert outcomes == ["enabled"] + ["refused"] * 7
    assert acme.rows()["APPLY_WITH_LINKEDIN"][0] == IntegrationStatus.enabled


def test_concurrent_enablings_over_http_enable_once(client: TestClient, acme: Customer):
    acme.request("APPLY_WITH_LINKEDIN")
    token, key = acme.token(), acme.key()
    start = threading.Barrier(4)

    def attempt(n: int) -> int:
        start.wait()
        return client.post(f"{URL}?{v1_query(key)}", headers={**token, **PATCH},
                           json={"entities": {v1_key(key): _patch(f"name {n}")}}).status_code

    with ThreadPoolExecutor(4) as pool:
        assert sorted(pool.map(attempt, range(4))) == [200, 400, 400, 400]


def test_concurrent_requests_record_once(runtime: Runtime, acme: Customer):
    start = threading.Barrier(8)

    def attempt(_: int) -> None:
        start.wait()
        acme.request("APPLY_WITH_LINKEDIN")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(attempt, range(8)))
    assert acme.rows() == {"APPLY_WITH_LINKEDIN": (IntegrationStatus.requested, None)}


def test_the_moves_are_a_table(runtime: Runtime, acme: Customer):
    """Every move the table does not list is refused, and an enabled integration never goes back."""
    statuses: list[IntegrationStatus | None] = [None, *IntegrationStatus]
    for status in statuses:
        for step in Step:
            target = MOVES.get((status, step))
            row = None if status is None else Integration(status=status)
            if target is None:
                with pytest.raises(InvalidTransition):
                    integrations._next(row, step)
            else:
                assert integrations._next(row, step) == target
    assert {target for (status, _), target in MOVES.items() if status == IntegrationStatus.enabled} == {
        IntegrationStatus.enabled}
