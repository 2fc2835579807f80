"""LinkedIn's official Python client (`linkedin-api-client`), its base URLs pointed at `hireport serve` running
as a process: two-legged tokens for the demo's apps and their introspection; a parent app provisioning,
finding and changing a customer's app through `RestliClient`."""

import json

import linkedin_api.common.constants as constants
import pytest
from linkedin_api.clients.auth.client import AuthClient
from linkedin_api.clients.restli.client import RestliClient

from tests.served import Server, run_cli


@pytest.fixture
def auth(server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    monkeypatch.setattr(constants, "OAUTH_BASE_URL", f"{server.base_url}/oauth/v2")  # read on every call
    monkeypatch.setattr(constants, "NON_VERSIONED_BASE_URL", f"{server.base_url}/v2")
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


def test_the_official_client_provisions_finds_and_changes_an_app(auth: Server):
    run_cli(auth.env, "partners", "create", "ats", "--name", "Acme ATS")
    parent = json.loads(run_cli(auth.env, "clients", "create", "--partner", "ats", "--scopes",
                                "LinkedIn.Provisioning", "--json").stdout)  # a parent app: no tenant
    parent_auth = AuthClient(client_id=parent["client_id"], client_secret=parent["client_secret"])
    token = parent_auth.get_two_legged_access_token()
    restli, apps = RestliClient(), "/provisionedApplications"
    created = restli.create(resource_path=apps, access_token=token.access_token, entity={
        "uniqueForeignId": "customer-218", "name": "Acme ATS - Demo", "description": "The demo tenant's app",
        "validJsSdkDomains": ["https://ats.example.com"], "tenantId": 218})
    assert created.status_code == 201, created.response.text
    key = created.entity_id
    assert key.startswith("urn:li:developerApplication:") and created.entity["key"] == key
    child = created.entity["credentials"]
    child_token = AuthClient(client_id=child["client_id"], client_secret=child["client_secret"])
    assert child_token.get_two_legged_access_token().status_code == 200, "the app's credentials work at once"

    changed = restli.partial_update(resource_path=apps + "/{id}", path_keys={"id": key},
                                    access_token=token.access_token, patch_set_object={"name": "Acme ATS - Renamed"})
    assert changed.status_code == 204, changed.response.text
    found = restli.finder(resource_path=apps, finder_name="credentialsByUniqueForeignId",
                          access_token=token.access_token, query_params={"uniqueForeignId": "customer-218"})
    assert found.status_code == 200, found.response.text
    assert [(e["key"], e["name"], e["credentials"]) for e in found.elements] == [
        (key, "Acme ATS - Renamed", {"client_id": child["client_id"]})]
