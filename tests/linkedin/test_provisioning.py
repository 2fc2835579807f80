"""LinkedIn's Provisioning API (`/v2/provisionedApplications`): a partner's parent app provisions an app for a
customer (tenant), finds it by its own key, and changes it; every documented rule broken answers in
LinkedIn's error shape and changes nothing."""

from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from hireport.kit.runtime import Runtime
from hireport.models import PartnerApp
from tests import factories
from tests.console.world import dump
from tests.factories import Credentials

APPS = "/v2/provisionedApplications"
FINDER = {"q": "credentialsByUniqueForeignId"}
SHAPE = {"message", "serviceErrorCode", "status"}


def _bearer(client: TestClient, app: Credentials) -> dict[str, str]:
    answer = client.post("/oauth/v2/accessToken", data={"grant_type": "client_credentials",
                                                        "client_id": app.client_id, "client_secret": app.client_secret})
    assert answer.status_code == 200, answer.text
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


@pytest.fixture
def parents(runtime: Runtime, client: TestClient) -> tuple[dict[str, str], dict[str, str]]:
    """Two partners' parent apps, as bearer headers: `ats`, which tenant 218 uses, and `rival`, which 219 uses."""
    factories.tenant(runtime, 218)
    factories.tenant(runtime, 219, name="Other")
    headers = []
    for code, tenant in (("ats", 218), ("rival", 219)):
        factories.partner(runtime, code, tenants=(tenant,))
        headers.append(_bearer(client, factories.client(runtime, "LinkedIn.Provisioning", partner_code=code)))
    return headers[0], headers[1]


def _app(**fields: Any) -> dict[str, Any]:
    return {"uniqueForeignId": "customer-218", "name": "Acme ATS - Acme", "description": "Acme's app",
            "validJsSdkDomains": ["https://ats.example.com", "http://127.0.0.1:8080"],
            "oauth2AuthorizedCallbackUrls": ["https://ats.example.com/callback"], "tenantId": 218, **fields}


def _count(runtime: Runtime) -> int:
    with runtime.db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(PartnerApp)) or 0)


def test_a_parent_app_provisions_an_app_for_a_customer(client: TestClient, parents, runtime: Runtime):
    parent, _ = parents
    answer = client.post(APPS, json=_app(), headers=parent)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert set(body) == {"credentials", "key"} and set(body["credentials"]) == {"client_id", "client_secret"}
    assert body["key"].startswith("urn:li:developerApplication:") and answer.headers["x-restli-id"] == body["key"]
    # the app's credentials get a token for its customer, which opens none of the customer's data yet
    child = Credentials(body["credentials"]["client_id"], body["credentials"]["client_secret"])
    token = _bearer(client, child)
    assert runtime.tokens.verify(token["Authorization"][7:]).tenant_id == 218
    assert client.get("/v3/218/recruitment/hire/jobs", headers=token).status_code == 403
    assert client.get("/api/v1/jobs", headers=token).status_code == 403


def test_the_finder_returns_the_app_without_its_secret(client: TestClient, parents):
    parent, rival = parents
    created = client.post(APPS, json=_app(), headers=parent).json()
    found = client.get(APPS, params={**FINDER, "uniqueForeignId": "customer-218"}, headers=parent)
    assert found.status_code == 200, found.text
    assert found.json() == {"elements": [{
        "key": created["key"], "credentials": {"client_id": created["credentials"]["client_id"]},
        "uniqueForeignId": "customer-218", "name": "Acme ATS - Acme", "description": "Acme's app",
        "validJsSdkDomains": ["https://ats.example.com", "http://127.0.0.1:8080"],
        "oauth2AuthorizedCallbackUrls": ["https://ats.example.com/callback"]}],
        "paging": {"start": 0, "count": 10, "total": 1}}
    assert client.get(APPS, params={**FINDER, "uniqueForeignId": "customer-218"}, headers=rival).json()[
        "elements"] == [], "a partner finds only its own apps"
    assert client.get(APPS, params={**FINDER, "uniqueForeignId": "nobody"}, headers=parent).json()["elements"] == []


def test_a_foreign_id_is_unique_per_partner(client: TestClient, parents, runtime: Runtime):
    parent, rival = parents
    assert client.post(APPS, json=_app(), headers=parent).status_code == 201
    again = client.post(APPS, json=_app(name="Another"), headers=parent)
    assert again.status_code == 409 and set(again.json()) == SHAPE
    assert client.post(APPS, json=_app(tenantId=219), headers=rival).status_code == 201, "another partner's keys"
    assert _count(runtime) == 2


@pytest.mark.parametrize(("fields", "word"), [
    ({"name": "x" * 51}, "name"),
    ({"name": ""}, "name"),
    ({"name": "Acme for LinkedIn"}, "name"),
    ({"name": "acme linkedin app"}, "name"),
    ({"description": ""}, "description"),
    ({"description": None}, "description"),
    ({"uniqueForeignId": ""}, "uniqueForeignId"),
    ({"validJsSdkDomains": ["ats.example.com"]}, "validJsSdkDomains"),
    ({"validJsSdkDomains": ["https://ats.example.com/"]}, "validJsSdkDomains"),
    ({"validJsSdkDomains": ["https://ats.example.com/path"]}, "validJsSdkDomains"),
    ({"validJsSdkDomains": ["ftp://ats.example.com"]}, "validJsSdkDomains"),
    ({"validJsSdkDomains": ["https://*"]}, "validJsSdkDomains"),
    ({"validJsSdkDomains": ["https://*.example.com"]}, "validJsSdkDomains"),
    ({"validJsSdkDomains": ["https://a.example.com;x"]}, "validJsSdkDomains"),
    ({"validJsSdkDomains": ["https://a.example.com,https://b.example.com"]}, "validJsSdkDomains"),
    ({"oauth2AuthorizedCallbackUrls": ["http://ats.example.com/callback"]}, "oauth2AuthorizedCallbackUrls"),
    ({"oauth2AuthorizedCallbackUrls": ["https://ats.example.com/cb#x"]}, "oauth2AuthorizedCallbackUrls"),
    ({"surprise": 1}, "surprise"),
])
def test_every_rule_of_a_new_app_is_enforced(client: TestClient, parents, runtime: Runtime, fields, word):
    parent, _ = parents
    answer = client.post(APPS, json=_app(**fields), headers=parent)
    assert answer.status_code == 400, answer.text
    assert set(answer.json()) == SHAPE and answer.json()["status"] == 400
    assert word in answer.json()["message"], answer.text
    assert _count(runtime) == 0


@pytest.mark.parametrize("tenant_id", [218, 999], ids=["another-partners-customer", "no-such-customer"])
def test_a_partner_provisions_only_for_a_customer_that_uses_it(client: TestClient, parents, runtime: Runtime,
                                                               tenant_id: int):
    _, rival = parents  # tenant 218 uses only `ats`
    before = dump(runtime)
    answer = client.post(APPS, json=_app(tenantId=tenant_id), headers=rival)
    assert answer.status_code == 403 and answer.json() == {  # the same words whether the customer exists or not
        "message": f"customer (tenant) {tenant_id} does not use this partner: it may provision no app there",
        "serviceErrorCode": 100, "status": 403}
    assert dump(runtime) == before, "a refused provisioning wrote something"
    assert client.post(APPS, json=_app(tenantId=219), headers=rival).status_code == 201, "its own customer"


def test_only_a_parent_app_may_provision(client: TestClient, parents, runtime: Runtime):
    customer = factories.client(runtime, "Public.Job.Read", tenant_id=218)
    without_scope = factories.client(runtime, "Public.BackgroundCheck.Read", partner_code="ats")
    for headers in (_bearer(client, customer), _bearer(client, without_scope)):
        answer = client.post(APPS, json=_app(), headers=headers)
        assert answer.status_code == 403 and answer.json() == {
            "message": "Not enough permissions to access: POST /provisionedApplications", "serviceErrorCode": 100,
            "status": 403}
    missing = client.post(APPS, json=_app())
    assert missing.status_code == 401 and missing.json()["serviceErrorCode"] == 65600
    tampered = client.post(APPS, json=_app(), headers={"Authorization": parents[0]["Authorization"][:-4] + "AAAA"})
    assert tampered.status_code == 401 and set(tampered.json()) == SHAPE
    assert _count(runtime) == 0


@pytest.mark.parametrize("encode", [lambda key: key, lambda key: quote(key, safe="")], ids=["raw", "encoded"])
def test_a_partial_update_changes_the_fields_set(client: TestClient, parents, encode):
    parent, _ = parents
    key = client.post(APPS, json=_app(), headers=parent).json()["key"]
    changed = client.post(f"{APPS}/{encode(key)}", headers=parent, json={"patch": {"$set": {
        "name": "Renamed", "validJsSdkDomains": ["https://new.example.com"]}}})
    assert changed.status_code == 204, changed.text
    found = client.get(APPS, params={**FINDER, "uniqueForeignId": "customer-218"}, headers=parent).json()
    app = found["elements"][0]
    assert (app["name"], app["validJsSdkDomains"], app["description"]) == (
        "Renamed", ["https://new.example.com"], "Acme's app")


@pytest.mark.parametrize(("body", "status"), [
    ({"patch": {"$set": {"name": "LinkedIn tools"}}}, 400),
    ({"patch": {"$set": {"validJsSdkDomains": ["https://x.example.com/"]}}}, 400),
    ({"patch": {"$set": {"uniqueForeignId": "other"}}}, 400),
    ({"patch": {"set": {"name": "x"}}}, 400),
    ({"$set": {"name": "x"}}, 400),
])
def test_a_refused_partial_update_changes_nothing(client: TestClient, parents, body, status):
    parent, _ = parents
    key = client.post(APPS, json=_app(), headers=parent).json()["key"]
    answer = client.post(f"{APPS}/{key}", headers=parent, json=body)
    assert answer.status_code == status and set(answer.json()) == SHAPE, answer.text
    found = client.get(APPS, params={**FINDER, "uniqueForeignId": "customer-218"}, headers=parent).json()
    assert found["elements"][0]["name"] == "Acme ATS - Acme"
    assert found["elements"][0]["validJsSdkDomains"] == ["https://ats.example.com", "http://127.0.0.1:8080"]


def test_another_partners_app_or_an_unknown_key_is_not_found(client: TestClient, parents, runtime: Runtime):
    parent, rival = parents
    key = client.post(APPS, json=_app(), headers=parent).json()["key"]
    before = dump(runtime)
    change = {"patch": {"$set": {"name": "Taken over"}}}
    for headers, target in ((rival, key), (parent, key + "9"), (parent, "urn:li:developerApplication:0"),
                            (parent, "urn:li:organization:1"), (parent, "1")):
        answer = client.post(f"{APPS}/{target}", headers=headers, json=change)
        assert answer.status_code == 404 and set(answer.json()) == SHAPE, (target, answer.text)
    assert dump(runtime) == before


def test_the_finder_needs_its_name(client: TestClient, parents):
    parent, _ = parents
    for params in ({"q": "other", "uniqueForeignId": "x"}, {"uniqueForeignId": "x"}, FINDER):
        answer = client.get(APPS, params=params, headers=parent)
        assert answer.status_code == 400 and set(answer.json()) == SHAPE, (params, answer.text)


def test_origins_are_kept_as_a_browser_names_them(client: TestClient, parents):
    parent, _ = parents
    client.post(APPS, json=_app(validJsSdkDomains=["HTTPS://ATS.Example.com:8443"]), headers=parent)
    found = client.get(APPS, params={**FINDER, "uniqueForeignId": "customer-218"}, headers=parent).json()
    assert found["elements"][0]["validJsSdkDomains"] == ["https://ats.example.com:8443"]
