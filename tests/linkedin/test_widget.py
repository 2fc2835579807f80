"""The configuration plugin's server side (`/uas`): the loader, the frame (held to the app's domains by
`frame-ancestors`), the sign-in window and its grant, and the widget's API: only a grant of an open session,
for this app, of an admin of the app's customer, requests integrations; bad grants and bad requests change
nothing."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from hireport.dialects.linkedin.kinds import BUNDLES, KINDS
from hireport.dialects.linkedin.plugin import GRANT
from hireport.kit.clock import FrozenClock
from hireport.kit.runtime import Runtime
from hireport.models import Integration, PartnerApp, Role
from hireport.services import accounts, integrations, signin
from tests import factories

ORIGIN = "https://ats.example.com"
STATE = "/uas/widgets/ats/state"
REQUESTS = "/uas/widgets/ats/requests"
NO_PERMISSION = "There seems to be a problem you do not have permissions"


@pytest.fixture
def app_key(runtime: Runtime, client: TestClient) -> tuple[str, int]:
    """A customer app (tenant 218) that lists ORIGIN; its client_id (the plugin's api_key) and its id."""
    factories.tenant(runtime, 218)
    factories.tenant(runtime, 219, name="Other")
    factories.partner(runtime, "ats", tenants=(218,))
    parent = factories.client(runtime, "LinkedIn.Provisioning", partner_code="ats")
    token = client.post("/oauth/v2/accessToken", data={"grant_type": "client_credentials",
                                                       "client_id": parent.client_id,
                                                       "client_secret": parent.client_secret}).json()["access_token"]
    created = client.post("/v2/provisionedApplications", headers={"Authorization": f"Bearer {token}"}, json={
        "uniqueForeignId": "c-218", "name": "Acme ATS", "description": "d", "tenantId": 218,
        "validJsSdkDomains": [ORIGIN, "http://localhost:3000"]}).json()
    return created["credentials"]["client_id"], int(created["key"].rsplit(":", 1)[1])


def _session_of(runtime: Runtime, account_id: int) -> tuple[int, str]:
    with runtime.db.transaction() as session:
        token = signin.start(session, accounts.get(session, account_id), clock=runtime.clock, lifetime=3600)
        found = signin.resolve(session, token, clock=runtime.clock, idle=3600)
        assert found is not None
        return found.session_id, token


GrantFor = Callable[..., str]


@pytest.fixture
def grant_for(runtime: Runtime, app_key: tuple[str, int]) -> GrantFor:
    """A grant as the sign-in window hands it over, for a person with this role (in tenant 218 by default)."""

    def make(email: str = "admin@example.com", role: Role = Role.admin, tenant_id: int = 218,
             app_id: int | None = None, seconds: int = 1800) -> str:
        account = factories.member(runtime, email, tenant_id=tenant_id, role=role)
        session_id, _ = _session_of(runtime, account)
        target = app_key[1] if app_id is None else app_id
        expires = runtime.clock.now() + timedelta(seconds=seconds)
        signature = runtime.urls.sign(GRANT, session_id, target, expires=expires)
        return f"{session_id}.{target}.{int(expires.timestamp())}.{signature}"

    return make


def _rows(runtime: Runtime) -> int:
    with runtime.db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(Integration)) or 0)


def test_the_loader_is_a_script(client: TestClient):
    answer = client.get("/uas/in.js")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/javascript")
    assert "IN.parse = parse" in answer.text and "error.origin.not.in.api.domains" in answer.text


def test_the_frame_may_be_shown_only_on_the_apps_domains(client: TestClient, app_key: tuple[str, int]):
    api_key, _ = app_key
    shown = client.get("/uas/widgets/ats", params={"api_key": api_key, "origin": ORIGIN, "widget": "w1",
                                                   "types": "APPLY_WITH_LINKEDIN,NOPE,APPLY_WITH_LINKEDIN"})
    assert shown.status_code == 200
    policy = shown.headers["content-security-policy"]
    assert f"frame-ancestors {ORIGIN} http://localhost:3000" in policy and "X-Frame-Options" not in shown.headers
    assert shown.text.count('data-type="APPLY_WITH_LINKEDIN"') == 1 and "NOPE" not in shown.text
    elsewhere = client.get("/uas/widgets/ats", params={"api_key": api_key, "origin": "https://evil.example.com"})
    assert elsewhere.status_code == 403
    assert ("Domain validation failed for the api key. Please contact your ATS for further assistance."
            in elsewhere.text)
    assert 'data-code="error.origin.not.in.api.domains"' in elsewhere.text
    unknown = client.get("/uas/widgets/ats", params={"api_key": "nobody", "origin": ORIGIN})
    assert unknown.status_code == 403 and "The API key is not valid" in unknown.text
    assert client.get("/uas/widgets/ats", params={"api_key": api_key, "widget": "<script>"}).status_code == 400


def test_the_sign_in_window_sends_a_stranger_to_sign_in(client: TestClient, app_key: tuple[str, int]):
    answer = client.get("/uas/widgets/ats/connect", params={"api_key": app_key[0]}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/account/signin?next=%2Fuas%2Fwidgets%2Fats%2Fconnect%3Fapi_key%3D")


def test_an_admin_requests_a_bundle(client: TestClient, app_key: tuple[str, int], grant_for: GrantFor,
                                    runtime: Runtime):
    api_key, _ = app_key
    bearer = {"Authorization": "Bearer " + grant_for()}
    types = "APPLY_WITH_LINKEDIN,RECRUITER_SYSTEM_CONNECT_COMPANY"
    state = client.get(STATE, params={"api_key": api_key, "types": types}, headers=bearer)
    assert state.status_code == 200, state.text
    assert state.json()["bundles"] == [
        {"type": "APPLY_WITH_LINKEDIN", "title": "Apply with LinkedIn", "status": None},
        {"type": "RECRUITER_SYSTEM_CONNECT_COMPANY", "title": "Recruiter System Connect (company)", "status": None}]
    rsc = {"api_key": api_key, "type": "RECRUITER_SYSTEM_CONNECT_COMPANY"}
    asked = client.post(REQUESTS, json=rsc, headers=bearer)
    assert asked.status_code == 200, asked.text
    assert asked.json() == [{"integrationContext": "urn:li:organization:218", "integrationType": t,
                             "tenantType": "RECRUITER"} for t in ("ONE_CLICK_EXPORT", "IN_ATS_INDICATOR",
                                                                  "PROFILE_PLUGIN")]
    assert client.post(REQUESTS, json={"api_key": api_key, "type": "RECRUITER_SYSTEM_CONNECT_COMPANY"},
                       headers=bearer).status_code == 200
    assert _rows(runtime) == 3, "asked twice, recorded once"
    not_ready = client.post("/uas/widgets/ats/confirmations", json={"api_key": api_key,
                                                                     "type": "RECRUITER_SYSTEM_CONNECT_COMPANY"},
                            headers=bearer)
    assert not_ready.status_code == 400
    contract = client.post(REQUESTS, json={"api_key": api_key, "type": "RECRUITER_SYSTEM_CONNECT_CONTRACT"},
                           headers=bearer).json()
    assert contract == [{"integrationContext": "urn:li:contract:218", "integrationType": "CSA_API",
                         "tenantType": "RECRUITER"}]


@pytest.mark.parametrize("role", [Role.recruiter, Role.viewer])
def test_a_member_who_is_not_an_admin_is_refused(client: TestClient, app_key: tuple[str, int], grant_for: GrantFor,
                                                runtime: Runtime, role: Role):
    bearer = {"Authorization": "Bearer " + grant_for(f"{role.value}@example.com", role)}
    for answer in (client.get(STATE, params={"api_key": app_key[0]}, headers=bearer),
                   client.post(REQUESTS, json={"api_key": app_key[0], "type": "APPLY_WITH_LINKEDIN"}, headers=bearer)):
        assert answer.status_code == 403
        assert answer.json() == {"message": NO_PERMISSION, "serviceErrorCode": 100, "status": 403}
    assert _rows(runtime) == 0


def test_an_admin_of_another_customer_is_refused(client: TestClient, app_key: tuple[str, int], grant_for: GrantFor,
                                                 runtime: Runtime):
    bearer = {"Authorization": "Bearer " + grant_for("boss@other.example.com", tenant_id=219)}
    answer = client.post(REQUESTS, json={"api_key": app_key[0], "type": "APPLY_WITH_LINKEDIN"}, headers=bearer)
    assert answer.status_code == 403 and answer.json()["message"] == NO_PERMISSION
    assert _rows(runtime) == 0


def test_bad_grants_are_refused_and_change_nothing(client: TestClient, app_key: tuple[str, int], grant_for: GrantFor,
                                                   runtime: Runtime, clock: FrozenClock):
    api_key, app_id = app_key
    good = grant_for()
    session_id, _, expires, signature = good.split(".")
    bad = [None, "Bearer", "Bearer x", "Basic " + good, f"Bearer {good}x", f"Bearer {session_id}.{app_id}.{expires}.",
           f"Bearer {session_id}.{app_id + 1}.{expires}.{signature}",  # another app's
           f"Bearer {int(session_id) + 1}.{app_id}.{expires}.{signature}",
           f"Bearer {session_id}.{app_id}.{int(expires) + 1}.{signature}",
           f"Bearer {'9' * 30}.{app_id}.{expires}.{signature}", ("Bearer " + "é" * 100).encode(),
           f"Bearer {session_id}.{app_id}.{expires}.{signature}".replace(session_id[0], "²", 1).encode("latin-1")]
    for header in bad:
        headers = {} if header is None else {"Authorization": header}
        answer = client.post(REQUESTS, json={"api_key": api_key, "type": "APPLY_WITH_LINKEDIN"}, headers=headers)
        assert answer.status_code == 401, (header, answer.text)
        assert set(answer.json()) == {"message", "serviceErrorCode", "status"}
    clock.advance(1800)
    expired = client.get(STATE, params={"api_key": api_key}, headers={"Authorization": f"Bearer {good}"})
    assert expired.status_code == 401
    assert _rows(runtime) == 0


def test_an_idle_session_ends_the_grant(client: TestClient, app_key: tuple[str, int], grant_for: GrantFor,
                                        runtime: Runtime, clock: FrozenClock):
    bearer = {"Authorization": "Bearer " + grant_for(seconds=3 * runtime.settings.session_idle)}
    assert client.get(STATE, params={"api_key": app_key[0]}, headers=bearer).status_code == 200
    clock.advance(runtime.settings.session_idle)  # the grant itself lasts longer: the session decides
    assert client.get(STATE, params={"api_key": app_key[0]}, headers=bearer).status_code == 401


def test_signing_out_of_hireport_ends_the_grant(client: TestClient, app_key: tuple[str, int], runtime: Runtime):
    account = factories.member(runtime, "admin@example.com")
    session_id, token = _session_of(runtime, account)
    expires = runtime.clock.now() + timedelta(seconds=600)
    signature = runtime.urls.sign(GRANT, session_id, app_key[1], expires=expires)
    grant = f"{session_id}.{app_key[1]}.{int(expires.timestamp())}.{signature}"
    bearer = {"Authorization": f"Bearer {grant}"}
    assert client.get(STATE, params={"api_key": app_key[0]}, headers=bearer).status_code == 200
    with runtime.db.transaction() as session:
        signin.end(session, token, clock=runtime.clock)
    assert client.get(STATE, params={"api_key": app_key[0]}, headers=bearer).status_code == 401


def test_unknown_bundles_and_keys_are_refused(client: TestClient, app_key: tuple[str, int], grant_for: GrantFor,
                                              runtime: Runtime):
    bearer = {"Authorization": "Bearer " + grant_for()}
    key = app_key[0]
    for body in ({"api_key": key, "type": "NOPE"}, {"api_key": key}, {"api_key": key, "type": "x" * 101},
                 {"api_key": key, "type": "APPLY_WITH_LINKEDIN", "more": 1}):
        answer = client.post(REQUESTS, json=body, headers=bearer)
        assert answer.status_code == 400, (body, answer.text)
    assert client.post(REQUESTS, json={"api_key": "nobody", "type": "APPLY_WITH_LINKEDIN"},
                       headers=bearer).status_code == 404
    assert _rows(runtime) == 0


def test_the_admin_enables_what_the_partner_made_ready(client: TestClient, app_key: tuple[str, int],
                                                       grant_for: GrantFor, runtime: Runtime):
    api_key, app_id = app_key
    bearer = {"Authorization": "Bearer " + grant_for()}
    rsc = {"api_key": api_key, "type": "RECRUITER_SYSTEM_CONNECT_COMPANY"}
    assert client.post(REQUESTS, json=rsc, headers=bearer).status_code == 200
    with runtime.db.transaction() as session:  # the partner completes them (atsIntegrations, tested elsewhere)
        app = session.get(PartnerApp, app_id)
        assert app is not None
        integrations.complete(session, app, {k: "RSC" for k in BUNDLES["RECRUITER_SYSTEM_CONNECT_COMPANY"]}, KINDS,
                              clock=runtime.clock)
    state = client.get(STATE, params={"api_key": api_key, "types": rsc["type"]}, headers=bearer).json()
    assert state["bundles"][0]["status"] == "PARTNER_READY"
    enabled = client.post("/uas/widgets/ats/confirmations", json=rsc, headers=bearer)
    assert enabled.status_code == 200, enabled.text
    assert enabled.json() == {"enabled": ["ONE_CLICK_EXPORT", "IN_ATS_INDICATOR", "PROFILE_PLUGIN"]}
    state = client.get(STATE, params={"api_key": api_key, "types": rsc["type"]}, headers=bearer).json()
    assert state["bundles"][0]["status"] == "ENABLED"
    again = client.post("/uas/widgets/ats/confirmations", json=rsc, headers=bearer)
    assert again.status_code == 400
