"""LinkedIn's token endpoints (`/oauth/v2/accessToken`, `/oauth/v2/introspectToken`): two-legged tokens for a
partner's parent app (bound to no tenant) and a customer app (bound to its tenant), and their introspection."""

from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from hireport.kit.clock import FrozenClock
from hireport.kit.runtime import Runtime
from tests import factories
from tests.factories import Credentials

TOKEN = "/oauth/v2/accessToken"
INTROSPECT = "/oauth/v2/introspectToken"


@pytest.fixture
def apps(runtime: Runtime) -> tuple[Credentials, Credentials]:
    """A partner's parent app, and a customer app of tenant 218."""
    factories.tenant(runtime, 218)
    factories.partner(runtime, "ats", tenants=(218,))
    # scopes that would open each dialect's reads, so that only its missing tenant refuses it
    parent = factories.client(runtime, "Public.Job.Read Public.BackgroundCheck.Read Gupy.Jobs.Read", partner_code="ats")
    customer = factories.client(runtime, "Public.Job.Read Gupy.Jobs.Read", tenant_id=218)
    return parent, customer


def _token(client: TestClient, app: Credentials, **extra: str) -> Any:
    return client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": app.client_id,
                                    "client_secret": app.client_secret, **extra})


def _introspect(client: TestClient, app: Credentials, token: str) -> Any:
    return client.post(INTROSPECT, data={"token": token, "client_id": app.client_id,
                                         "client_secret": app.client_secret})


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_parent_app_gets_a_30_minute_token_bound_to_no_tenant(client: TestClient, runtime: Runtime, apps):
    parent, _ = apps
    answer = _token(client, parent)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"access_token", "expires_in"} and body["expires_in"] == 1800
    assert answer.headers["cache-control"] == "no-store"
    claims = _claims(body["access_token"])
    assert "instanceid" not in claims and claims["exp"] - claims["iat"] == 1800
    caller = runtime.tokens.verify(body["access_token"])
    assert caller.tenant_id is None and caller.partner_id is not None
    assert caller.scopes == frozenset({"Public.Job.Read", "Public.BackgroundCheck.Read", "Gupy.Jobs.Read"})


def test_a_parent_apps_token_opens_no_tenants_data(client: TestClient, apps):
    parent, _ = apps
    bearer = {"Authorization": "Bearer " + _token(client, parent).json()["access_token"]}
    for path in ("/v3/218/recruitment/hire/jobs", "/v3/218/backgroundchecking", "/api/v1/jobs"):
        answer = client.get(path, headers=bearer)
        assert answer.status_code == 403, (path, answer.text)
        assert "not bound to a tenant" in answer.text, (path, answer.text)


def test_a_customer_app_gets_a_token_for_its_tenant(client: TestClient, runtime: Runtime, apps,
                                                    clock: FrozenClock):
    _, customer = apps
    token = _token(client, customer).json()["access_token"]
    assert _claims(token)["instanceid"] == "218"
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/v3/218/recruitment/hire/jobs", headers=bearer).status_code == 200
    assert client.get("/v3/219/recruitment/hire/jobs", headers=bearer).status_code == 403
    clock.advance(1799)
    assert client.get("/v3/218/recruitment/hire/jobs", headers=bearer).status_code == 200
    clock.advance(1)
    assert client.get("/v3/218/recruitment/hire/jobs", headers=bearer).status_code == 401


@pytest.mark.parametrize(("form", "status", "error"), [
    ({"client_secret": "wrong"}, 401, "invalid_client"),
    ({"client_id": "nobody"}, 401, "invalid_client"),
    ({"client_secret": ""}, 401, "invalid_client"),
    ({"client_id": ""}, 400, "invalid_request"),
    ({"grant_type": ""}, 400, "invalid_request"),
    ({"grant_type": "authorization_code"}, 400, "unsupported_grant_type"),
    ({"grant_type": ["client_credentials", "client_credentials"]}, 400, "invalid_request"),
])
def test_a_refused_token_request_is_an_rfc_6749_error(client: TestClient, apps, form, status, error):
    parent, _ = apps
    data = {"grant_type": "client_credentials", "client_id": parent.client_id,
            "client_secret": parent.client_secret, **form}
    answer = client.post(TOKEN, data=data)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] == error and set(answer.json()) == {"error", "error_description"}


def test_a_token_request_must_be_a_form(client: TestClient, apps):
    parent, _ = apps
    answer = client.post(TOKEN, json={"grant_type": "client_credentials", "client_id": parent.client_id,
                                      "client_secret": parent.client_secret})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


def test_introspection_tells_an_app_how_its_token_stands(client: TestClient, apps, clock: FrozenClock):
    _, customer = apps
    token = _token(client, customer).json()["access_token"]
    issued = int(clock.now().timestamp())
    answer = _introspect(client, customer, token)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"active": True, "client_id": customer.client_id, "authorized_at": issued,
                             "created_at": issued, "expires_at": issued + 1800, "status": "active",
                             "auth_type": "2L", "scope": "Gupy.Jobs.Read,Public.Job.Read"}
    clock.advance(1800)
    expired = _introspect(client, customer, token).json()
    assert (expired["active"], expired["status"]) == (False, "expired")


def test_a_revoked_app_cannot_introspect(client: TestClient, apps, operator_headers):
    _, customer = apps
    token = _token(client, customer).json()["access_token"]
    assert client.delete(f"/manage/v1/clients/{customer.client_id}", headers=operator_headers).status_code in (200,
                                                                                                             204)
    answer = client.post(INTROSPECT, data={"token": token, "client_id": customer.client_id,
                                           "client_secret": customer.client_secret})
    assert answer.status_code == 401, "a revoked app cannot authenticate, even to introspect"


def test_an_app_introspects_only_its_own_tokens(client: TestClient, apps):
    parent, customer = apps
    token = _token(client, customer).json()["access_token"]
    answer = _introspect(client, parent, token)
    assert answer.status_code == 400, "an app introspects only its own tokens"
    assert answer.json()["error"] == "invalid_request"


@pytest.mark.parametrize("mangle", [lambda t: t[:-4] + "AAAA", lambda t: "not.a.token", lambda t: ""])
def test_introspection_of_a_token_this_server_did_not_sign_is_a_400(client: TestClient, apps, mangle):
    _, customer = apps
    token = _token(client, customer).json()["access_token"]
    answer = _introspect(client, customer, mangle(token))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"


def test_introspection_with_a_wrong_secret_is_a_401(client: TestClient, apps):
    _, customer = apps
    token = _token(client, customer).json()["access_token"]
    answer = _introspect(client, Credentials(customer.client_id, "wrong"), token)
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
