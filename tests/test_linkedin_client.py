"""LinkedIn's official Python client (`linkedin-api-client`), its OAuth base URL pointed at `hireport serve`
running as a process: two-legged tokens for the demo's apps, and their introspection."""

import linkedin_api.common.constants as constants
import pytest
from linkedin_api.clients.auth.client import AuthClient

from tests.served import Server


@pytest.fixture
def auth(server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    monkeypatch.setattr(constants, "OAUTH_BASE_URL", f"{server.base_url}/oauth/v2")  # read on every call
    return server


def test_the_official_client_gets_and_introspects_two_legged_tokens(auth: Server):
    apps = auth.demo["clients"]
    assert {bool(app["partner"]) for app in apps} == {False, True}, "a customer app and a partner's app"
    for app in apps:
        client = AuthClient(client_id=app["client_id"], client_secret=app["client_secret"])
        token = client.get_two_legged_access_token()
        assert token.status_code == 200, token.response.text
        assert token.expires_in == 1800 and token.access_token
        info = client.introspect_access_token(token.access_token)
        assert info.status_code == 200, info.response.text
        assert (info.active, info.status, info.auth_type, info.client_id) == (True, "active", "2L", app["client_id"])
        assert info.expires_at - info.created_at == 1800
        assert set(info.scope.split(",")) == set(app["scopes"])


def test_the_official_client_sees_a_wrong_secret_refused(auth: Server):
    app = auth.demo["clients"][0]
    token = AuthClient(client_id=app["client_id"], client_secret="wrong").get_two_legged_access_token()
    assert token.status_code == 401 and token.access_token is None
    assert token.response.json()["error"] == "invalid_client"
