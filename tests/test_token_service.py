"""POST /connect/token and discovery, as API-NOTES section 1 describes them."""

import base64

import jwt
import pytest
from starlette.testclient import TestClient

from hireport.kit.runtime import Runtime
from tests import factories
from tests.factories import Credentials, token_response

HIRE = "Public.Job.Read Public.Offer.Read Public.Offer.Write"


@pytest.fixture
def creds(runtime: Runtime) -> Credentials:
    factories.tenant(runtime, 218)
    return factories.client(runtime, HIRE, tenant_id=218)


def _claims(http: TestClient, token: str) -> dict:
    jwks = http.get("/.well-known/openid-configuration/jwks").json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid))
    return jwt.decode(token, key.key, algorithms=["RS256"], audience="http://testserver/resources",
                      options={"verify_exp": False, "verify_nbf": False, "verify_iat": False})


def _basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def test_client_credentials_grant_returns_a_300_second_bearer_token(client: TestClient, creds: Credentials):
    response = token_response(client, creds, scope="Public.Job.Read Public.Offer.Read", instanceId="218")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300
    assert body["scope"] == "Public.Job.Read Public.Offer.Read"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    claims = _claims(client, body["access_token"])
    assert claims["exp"] - claims["iat"] == 300
    assert claims["iss"] == "http://testserver"
    assert claims["client_id"] == creds.client_id
    assert claims["scope"] == ["Public.Job.Read", "Public.Offer.Read"]
    assert claims["instanceid"] == "218"
    assert "partner_id" not in claims


def test_instance_id_field_name_is_case_insensitive(client: TestClient, creds: Credentials):
    for field in ("instanceId", "instanceid", "INSTANCEID"):
        response = token_response(client, creds, **{field: "218"})
        assert response.status_code == 200, field


def test_no_scope_asked_grants_every_registered_scope(client: TestClient, creds: Credentials):
    body = token_response(client, creds).json()
    assert body["scope"] == HIRE


def test_basic_client_authentication(client: TestClient, creds: Credentials):
    response = client.post("/connect/token", data={"grant_type": "client_credentials", "instanceId": "218"},
                           headers=_basic(creds.client_id, creds.client_secret))
    assert response.status_code == 200
    assert _claims(client, response.json()["access_token"])["client_id"] == creds.client_id


def test_wrong_secret_with_basic_is_401_with_challenge(client: TestClient, creds: Credentials):
    response = client.post("/connect/token", data={"grant_type": "client_credentials"},
                           headers=_basic(creds.client_id, "wrong"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


def test_malformed_basic_header_is_invalid_client(client: TestClient, creds: Credentials):
    response = client.post("/connect/token", data={"grant_type": "client_credentials"},
                           headers={"Authorization": "Basic !!!not-base64"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"client_id": "nobody"}, "invalid_client"),
        ({"client_secret": "wrong"}, "invalid_client"),
        ({"client_secret": ""}, "invalid_client"),
        ({"client_id": ""}, "invalid_request"),
        ({"grant_type": ""}, "invalid_request"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code"}, "invalid_request"),  # no code: see test_authorization_code
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "implicit"}, "unsupported_grant_type"),
        ({"scope": "Public.Job.Read Public.Job.Write"}, "invalid_scope"),
        ({"scope": "Public.Nonsense"}, "invalid_scope"),
        ({"instanceId": "219"}, "invalid_grant"),
        ({"instanceId": "two-one-eight"}, "invalid_request"),
    ],
)
def test_refusals_are_rfc6749_errors(client: TestClient, creds: Credentials, fields: dict[str, str], error: str):
    form = {"grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": creds.client_secret,
            "instanceId": "218", **fields}
    response = client.post("/connect/token", data={k: v for k, v in form.items() if v != ""})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == error
    assert body["error_description"] and "{" not in body["error_description"], "the service's words are spelled"
    assert "access_token" not in body
    if "instanceId" in fields:
        assert "instanceId" in body["error_description"], "named as the form names it"


def test_body_must_be_a_form(client: TestClient, creds: Credentials):
    response = client.post("/connect/token", json={"grant_type": "client_credentials", "client_id": creds.client_id,
                                                   "client_secret": creds.client_secret})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_secret_in_both_basic_and_form_is_refused(client: TestClient, creds: Credentials):
    response = client.post("/connect/token", data={"grant_type": "client_credentials",
                                                   "client_secret": creds.client_secret},
                           headers=_basic(creds.client_id, creds.client_secret))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_partner_client_gets_tokens_only_for_tenants_that_use_the_partner(client: TestClient, runtime: Runtime):
    factories.tenant(runtime, 218)
    factories.tenant(runtime, 300)
    factories.partner(runtime, "bg", tenants=(218,))
    creds = factories.client(runtime, "Public.BackgroundCheck.Read", partner_code="bg")

    granted = token_response(client, creds, instanceId="218")
    assert granted.status_code == 200
    claims = _claims(client, granted.json()["access_token"])
    assert claims["instanceid"] == "218"
    assert claims["partner_id"]

    refused = token_response(client, creds, instanceId="300")
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    missing = token_response(client, creds)
    assert missing.json()["error"] == "invalid_request"


def test_discovery_points_at_the_token_endpoint_and_keys(client: TestClient, creds: Credentials):
    doc = client.get("/.well-known/openid-configuration").json()
    assert doc["issuer"] == "http://testserver"
    assert doc["token_endpoint"] == "http://testserver/connect/token"
    assert doc["jwks_uri"] == "http://testserver/.well-known/openid-configuration/jwks"
    assert "client_credentials" in doc["grant_types_supported"]
    keys = client.get("/.well-known/openid-configuration/jwks").json()["keys"]
    assert keys and all(k["kty"] == "RSA" and k["alg"] == "RS256" and k["kid"] for k in keys)
    assert all("d" not in k for k in keys), "the JWKS must never carry the private exponent"


def test_signing_key_survives_a_restart(runtime: Runtime, settings, client: TestClient, creds: Credentials):
    from hireport.app import build_runtime

    token = token_response(client, creds).json()["access_token"]
    restarted = build_runtime(settings, clock=runtime.clock)
    try:
        assert restarted.tokens.verify(token).client_id == creds.client_id
    finally:
        restarted.db.dispose()
