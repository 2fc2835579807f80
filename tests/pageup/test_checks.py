"""PageUp's Background Checking API, for providers: the seed's requests, claiming, the lifecycle, bad input."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from hireport.kit.auth import Caller
from hireport.kit.clock import FrozenClock
from hireport.kit.errors import InvalidInput
from hireport.kit.runtime import Runtime
from hireport.models import Application, BackgroundCheck, OAuthClient
from hireport.services import checks
from tests import factories
from tests.factories import token_response

BG = "/v3/218/backgroundchecking"


class Provider:
    def __init__(self, http: TestClient, runtime: Runtime, code: str = "bg", tenant: int = 218) -> None:
        self.http, self.runtime = http, runtime
        self.creds = factories.client(runtime, "Public.BackgroundCheck.Read Public.BackgroundCheck.Write",
                                      partner_code=code)
        self.tenant = tenant

    def headers(self, scope: str | None = None) -> dict[str, str]:
        fields = {"instanceId": str(self.tenant), **({"scope": scope} if scope else {})}
        return {"Authorization": f"Bearer {token_response(self.http, self.creds, **fields).json()['access_token']}"}

    def get(self, **params) -> list[dict]:
        response = self.http.get(BG, params=params, headers=self.headers())
        assert response.status_code == 200, response.text
        return _plain(response.json())

    def put(self, check_id: int, body: dict):
        return self.http.put(f"{BG}/{check_id}", json=body, headers=self.headers())


def _plain(value):
    """The response without the fuzzy serializer's GUID properties."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not _is_guid(k)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _is_guid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


@pytest.fixture
def provider(client: TestClient, runtime: Runtime) -> Provider:
    factories.tenant(runtime, 218)
    factories.partner(runtime, "bg", tenants=(218,))
    return Provider(client, runtime)


def order(runtime: Runtime, count: int = 1, *, partner: str = "bg", tenant: int = 218) -> list[int]:
    """Order `count` checks on the tenant's first application (made on first use)."""
    with runtime.db.transaction(write=False) as session:
        application_id = session.scalar(select(Application.id).where(Application.tenant_id == tenant).limit(1))
    if application_id is None:
        application_id = factories.recruitment(runtime, tenant)["application"]
    with runtime.db.transaction() as session:
        return [checks.order(session, Caller.operator(tenant), application_id=application_id,
                             partner_code=partner, package_code="STD", clock=runtime.clock).id
                for _ in range(count)]


def state(runtime: Runtime, check_id: int) -> BackgroundCheck:
    with runtime.db.transaction(write=False) as session:
        check = session.get(BackgroundCheck, check_id)
        assert check is not None
        return check


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"Message", "Errors", "TraceId"}
    return body


def test_poll_returns_the_five_oldest_with_what_a_provider_maps(provider: Provider, runtime: Runtime):
    ids = order(runtime, 7)
    found = provider.get(status="pending", provider="bg")
    assert [c["backgroundcheckrequest"]["id"] for c in found] == ids[:5]
    item = found[0]
    assert item["applicant"] == {"id": item["applicant"]["id"], "firstName": "Ada", "middleName": None,
                                 "lastName": "Lovelace", "emailid": "ada@example.com", "phone": None}
    assert item["package"]["code"] == "STD"
    assert set(item["application"]["job"]) >= {"id", "title", "divisioncode"}
    after = provider.get(status="pending")  # provider is optional
    assert [c["backgroundcheckrequest"]["id"] for c in after] == ids[5:], "the next poll gets the next ones"


def test_a_check_handed_out_comes_back_when_its_lease_ends(provider: Provider, runtime: Runtime,
                                                           clock: FrozenClock):
    ids = order(runtime, 7)
    first, second = _ids(provider.get()), _ids(provider.get())
    assert (first, second) == (ids[:5], ids[5:]) and _ids(provider.get()) == []
    assert provider.put(ids[0], {"status": "queued"}).status_code == 200
    clock.advance(checks.LEASE_SECONDS - 1)
    assert _ids(provider.get()) == [], "leases hold until they end"
    clock.advance(1)
    assert _ids(provider.get()) == ids[1:6], "unclaimed checks come back, oldest first; a claimed one never"


def test_a_tenant_may_ask_for_the_strict_answer(provider: Provider, runtime: Runtime, client: TestClient,
                                                operator_headers):
    ids = order(runtime, 7)
    switched = client.patch("/manage/v1/tenants/218", json={"settings": {"pending_checks_leased": False}},
                            headers=operator_headers)
    assert switched.status_code == 200 and switched.json()["settings"]["pending_checks_leased"] is False
    assert _ids(provider.get()) == _ids(provider.get()) == ids[:5], "every poll: the five oldest"
    refused = client.patch("/manage/v1/tenants/218", json={"settings": {"pending_checks_leased": "no"}},
                           headers=operator_headers)
    assert refused.status_code == 400
    assert _ids(provider.get()) == ids[:5], "a refused change changes nothing"


def test_a_check_put_back_to_pending_is_handed_out_again_at_once(provider: Provider, runtime: Runtime):
    (check_id,) = order(runtime)
    assert _ids(provider.get()) == [check_id]
    assert provider.put(check_id, {"status": "queued"}).status_code == 200
    assert provider.put(check_id, {"status": "pending"}).status_code == 200  # the test reset
    assert _ids(provider.get()) == [check_id], "a report ends the lease"


def test_concurrent_polls_never_share_a_check(provider: Provider, runtime: Runtime):
    """Eight polls at once, each in its own transaction (and, on PostgreSQL, its own connection): each
    gets five checks of its own, the oldest forty between them."""
    ids = order(runtime, 45)
    caller = Caller(client_id="provider", tenant_id=218, partner_id=state(runtime, ids[0]).partner_id)
    start = threading.Barrier(8)

    def poll(_: int) -> list[int]:
        start.wait(timeout=30)
        with runtime.db.transaction() as session:
            return [p.id for p in checks.pending(session, caller, clock=runtime.clock)]

    with ThreadPoolExecutor(8) as pool:
        handed = list(pool.map(poll, range(8)))
    assert all(len(h) == 5 for h in handed), handed
    assert sorted(i for h in handed for i in h) == ids[:40]


def test_the_lease_and_the_setting_are_documented(client: TestClient):
    spec = client.get("/v3/openapi.json").json()
    poll = spec["paths"]["/v3/{tenantId}/backgroundchecking"]["get"]["description"]
    assert f"{checks.LEASE_SECONDS} seconds" in poll and "pending_checks_leased" in poll
    assert f"{checks.LEASE_SECONDS} seconds" in spec["info"]["description"]


def _ids(found: list[dict]) -> list[int]:
    return [c["backgroundcheckrequest"]["id"] for c in found]


def test_the_seed_requests_as_written(provider: Provider, runtime: Runtime):
    a, b, c, d, e, f = order(runtime, 6)
    reason = ("background check invitation failed to create at bg.com due to missing mandatory fields. "
              "Please fill in xx and try again.")
    assert provider.put(a, {"status": "failed", "reasonForFail": reason}).status_code == 200
    for check_id, status in ((b, "inprogress"), (c, "expired")):
        provider.put(check_id, {"status": "queued"})
        assert provider.put(check_id, {"status": status}).status_code == 200
    assert provider.put(d, {"status": "new", "referenceNumber": "ProviderIdentifier"}).status_code == 200
    for check_id, status, outcome in ((e, "completed", "pass"), (f, "cancelled", "cancelled")):
        provider.put(check_id, {"status": "queued"})
        body = {"status": status, "referenceNumber": "ProviderIdentifier", "reasonForFail": "",
                "results": [{"reportLink": "http://result.bg.com/123", "reportType": "result", "status": outcome},
                            {"reportLink": "http://result.bg.com/123", "reportType": "additional",
                             "status": outcome}]}
        assert provider.put(check_id, body).status_code == 200, "the seed's body, http links and all"
    assert [state(runtime, i).status for i in (a, b, c, d, e, f)] == ["failed", "inprogress", "expired", "new",
                                                                      "completed", "cancelled"]
    assert state(runtime, e).results[1] == {"report_link": "http://result.bg.com/123", "report_type": "additional",
                                            "status": "pass"}
    assert provider.put(e, {"status": "queued"}).status_code == 200
    assert provider.put(e, {"status": "pending"}).status_code == 200, "the test reset: queued, then pending"
    assert state(runtime, e).status == "pending" and state(runtime, e).results == []


def test_a_second_claim_is_409(provider: Provider, runtime: Runtime):
    (check_id,) = order(runtime)
    assert provider.put(check_id, {"status": "queued"}).status_code == 200
    assert "already queued" in assert_error(provider.put(check_id, {"status": "queued"}), 409)["Message"]


def test_queueing_drains_the_backlog_five_at_a_time(provider: Provider, runtime: Runtime):
    ids, claimed, rounds = order(runtime, 12), [], 0
    while found := provider.get(status="pending"):
        rounds += 1
        assert len(found) <= 5
        for item in found:
            check_id = item["backgroundcheckrequest"]["id"]
            assert provider.put(check_id, {"status": "queued"}).status_code == 200
            claimed.append(check_id)
    assert claimed == ids and rounds == 3


def test_pending_only_from_queued(provider: Provider, runtime: Runtime):
    (check_id,) = order(runtime)
    provider.put(check_id, {"status": "new", "referenceNumber": "R1"})
    assert_error(provider.put(check_id, {"status": "pending"}), 409)
    assert state(runtime, check_id).status == "new"


def test_put_is_a_full_replacement(provider: Provider, runtime: Runtime):
    (check_id,) = order(runtime)
    provider.put(check_id, {"status": "new", "referenceNumber": "R1"})
    provider.put(check_id, {"status": "inprogress", "results": [{"reportType": "Police Check"}]})
    check = state(runtime, check_id)
    assert check.reference_number is None, "left out, so cleared"
    assert check.results == [{"report_link": None, "report_type": "Police Check", "status": None}]
    provider.put(check_id, {"status": "inprogress"})
    assert state(runtime, check_id).results == []


def test_legacy_note_is_accepted_and_ignored(provider: Provider, runtime: Runtime):
    (check_id,) = order(runtime)
    assert provider.put(check_id, {"status": "queued", "note": "legacy"}).status_code == 200


@pytest.mark.parametrize(("body", "status"), [
    ({"status": "done"}, 400),
    ({"referenceNumber": "R"}, 400),
    ({"status": "new"}, 400),
    ({"status": "new", "referenceNumber": "  "}, 400),
    ({"status": "failed"}, 400),
    ({"status": "completed", "referenceNumber": "R"}, 400),
    ({"status": "completed", "referenceNumber": "R", "results": [{"reportLink": "https://x.example/1"}]}, 400),
    ({"status": "completed", "referenceNumber": "R",
      "results": [{"reportLink": "https://", "reportType": "result"}]}, 400),
    ({"status": "completed", "referenceNumber": "R", "results": [{"reportType": "result"}]}, 400),
    ({"status": "completed", "referenceNumber": "R",
      "results": [{"reportLink": "javascript:alert(1)", "reportType": "result"}]}, 400),
    ({"status": "expired", "results": [{"reportLink": "https://x.example/1", "reportType": "r"}]}, 400),
    ({"status": "inprogress", "results": [{"reportLink": "ftp://x.example/1", "reportType": "r"}]}, 400),
    ({"status": "queued"}, 409),
])
def test_bad_reports_are_refused_and_change_nothing(provider: Provider, runtime: Runtime, body, status):
    (check_id,) = order(runtime)
    provider.put(check_id, {"status": "queued"})  # claimed: every later status is allowed from here
    before = state(runtime, check_id)
    assert_error(provider.put(check_id, body), status)
    after = state(runtime, check_id)
    assert (after.status, after.updated_at, after.results) == (before.status, before.updated_at, before.results)


def test_a_provider_sees_and_changes_only_its_own_checks(provider: Provider, runtime: Runtime, client: TestClient):
    factories.partner(runtime, "other", tenants=(218,))
    theirs = order(runtime, 2, partner="other")
    mine = order(runtime, 1)
    assert [c["backgroundcheckrequest"]["id"] for c in provider.get()] == mine
    assert_error(provider.put(theirs[0], {"status": "queued"}), 404)
    assert_error(client.get(BG, params={"provider": "other"}, headers=provider.headers()), 403)
    assert state(runtime, theirs[0]).status == "pending"


def test_tenant_and_partner_claim_are_enforced(provider: Provider, runtime: Runtime, client: TestClient):
    (check_id,) = order(runtime)
    factories.tenant(runtime, 300)
    factories.partner(runtime, "bg2", tenants=(300,))
    elsewhere = Provider(client, runtime, code="bg2", tenant=300)
    assert_error(client.get(BG, headers=elsewhere.headers()), 403)
    assert_error(client.put(f"{BG}/{check_id}", json={"status": "queued"}, headers=elsewhere.headers()), 403)
    assert_error(client.get("/v3/300/backgroundchecking", headers=provider.headers()), 403)
    with pytest.raises(InvalidInput, match="may not hold"):  # a tenant's client is given no partner scope...
        factories.client(runtime, "Public.BackgroundCheck.Read", tenant_id=218)
    integrator = factories.client(runtime, "Public.Job.Read", tenant_id=218)
    with runtime.db.transaction() as session:  # ...but one made before that rule still gets no partner's API
        session.execute(update(OAuthClient).where(OAuthClient.client_id == integrator.client_id)
                        .values(scopes=["Public.BackgroundCheck.Read"]))
    token = token_response(client, integrator).json()["access_token"]
    refused = assert_error(client.get(BG, headers={"Authorization": f"Bearer {token}"}), 403)
    assert "partner_id" in refused["Message"]
    assert_error(client.put(f"{BG}/{check_id}", json={"status": "queued"},
                            headers=provider.headers("Public.BackgroundCheck.Read")), 403)
    assert_error(client.get(BG, headers=provider.headers("Public.BackgroundCheck.Write")), 403)
    assert_error(client.get(BG), 401)
    assert state(runtime, check_id).status == "pending"


def test_other_statuses_cannot_be_listed_and_patch_is_405(provider: Provider, runtime: Runtime):
    (check_id,) = order(runtime)
    for status in ("queued", "completed", "whatever"):
        assert_error(provider.http.get(BG, params={"status": status}, headers=provider.headers()), 400)
    assert_error(provider.http.patch(f"{BG}/{check_id}", json={"status": "queued"}, headers=provider.headers()), 405)


def _objects(value):
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item)


def test_fuzzy_serializer_on_by_default_and_switchable(provider: Provider, runtime: Runtime, client: TestClient,
                                                       operator_headers):
    order(runtime, 3)
    strict = client.patch("/manage/v1/tenants/218", json={"settings": {"pending_checks_leased": False}},
                          headers=operator_headers)
    assert strict.status_code == 200  # every poll sees the same three checks
    raw = client.get(BG, headers=provider.headers()).json()
    objects = list(_objects(raw))
    assert len(objects) == 3 * 6  # item, backgroundcheckrequest, applicant, application, job, package
    added = []
    for obj in objects:
        guids = [k for k in obj if _is_guid(k)]
        assert len(guids) == 1 and _is_guid(obj[guids[0]])
        added += [guids[0], obj[guids[0]]]
    assert len(set(added)) == len(added), "every GUID is fresh"
    assert all(uuid.UUID(g).version == 4 for g in added)
    orders = {tuple(k for k in obj if not _is_guid(k)) for obj in _objects(client.get(BG, headers=provider.headers()
                                                                                      ).json()) if "firstName" in obj}
    orders |= {tuple(k for k in obj if not _is_guid(k)) for _ in range(5) for obj in _objects(
        client.get(BG, headers=provider.headers()).json()) if "firstName" in obj}
    assert len(orders) > 1, "keys are shuffled"
    switched = client.patch("/manage/v1/tenants/218", json={"settings": {"fuzzy_serializer": False}},
                            headers=operator_headers)
    assert switched.status_code == 200
    plain = client.get(BG, headers=provider.headers()).json()
    assert all(not any(_is_guid(k) for k in obj) for obj in _objects(plain))
    assert list(plain[0]) == ["backgroundcheckrequest", "applicant", "application", "package", "note"]


def test_management_api_orders_checks_and_reads_results(provider: Provider, runtime: Runtime, client: TestClient,
                                                        operator_headers):
    order(runtime, 0)
    with runtime.db.transaction(write=False) as session:
        records = {"application": session.scalar(select(Application.id))}
    url = "/manage/v1/tenants/218/background-checks"
    ordered = client.post(url, headers=operator_headers, json={"application_id": records["application"],
                                                                "partner": "bg", "package_code": "STD"})
    assert ordered.status_code == 201 and ordered.json()["status"] == "pending"
    check_id = ordered.json()["id"]
    provider.put(check_id, {"status": "queued"})
    result = {"reportLink": "https://r.example/9", "reportType": "Police", "status": "pass"}
    provider.put(check_id, {"status": "completed", "referenceNumber": "BG-9", "results": [result]})
    read = client.get(f"{url}/{check_id}", headers=operator_headers).json()
    assert (read["status"], read["reference_number"]) == ("completed", "BG-9")
    assert read["results"] == [{"report_link": "https://r.example/9", "report_type": "Police", "status": "pass"}]
    factories.partner(runtime, "unused")
    for partner in ("unused", "nope"):
        refused = client.post(url, headers=operator_headers, json={"application_id": records["application"],
                                                                    "partner": partner, "package_code": "STD"})
        assert refused.status_code == 404
    bad = client.patch("/manage/v1/tenants/218", json={"settings": {"fuzzy": True}}, headers=operator_headers)
    assert bad.status_code == 400
