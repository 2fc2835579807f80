"""LinkedIn's official Python client (`linkedin-api-client`), its base URLs pointed at `hireport serve` running
as a process: two-legged tokens for the demo's apps and their introspection; a parent app provisioning,
finding and changing a customer's app through `RestliClient`; the demo customer's app enabling and verifying
its integrations (batch partial update, batch get), with and without a `version_string`."""

import html
import json
import re
from urllib.parse import urlsplit

import httpx
import linkedin_api.common.constants as constants
import pytest
from linkedin_api.clients.auth.client import AuthClient
from linkedin_api.clients.restli.client import RestliClient

from tests.served import Server, run_cli


@pytest.fixture
def auth(server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    monkeypatch.setattr(constants, "OAUTH_BASE_URL", f"{server.base_url}/oauth/v2")  # read on every call
    monkeypatch.setattr(constants, "NON_VERSIONED_BASE_URL", f"{server.base_url}/v2")
    monkeypatch.setattr(constants, "VERSIONED_BASE_URL", f"{server.base_url}/rest")
    return server


class Key(dict):
    """A complex key the client can put in a dict: its `batch_partial_update` builds `dict(zip(ids, ...))`,
    which a plain dict key cannot enter (`TypeError: unhashable type`, docs/linkedin-api-client.md). The
    client encodes it as the dict it is."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


def _request_in_the_plugin(server: Server, api_key: str, bundle: str) -> None:
    """What the demo admin does in the plugin, over HTTP: sign in, take the grant the sign-in window hands
    over, request a bundle."""
    admin = next(p for p in server.demo["people"] if p["role"] == "admin")
    with httpx.Client(base_url=server.base_url) as browser:
        form = browser.get("/account/signin").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        browser.post("/account/signin", data={"csrf": html.unescape(csrf[1]), "email": admin["email"],
                                              "password": admin["password"], "next": "/console/"})
        window = browser.get("/uas/widgets/ats/connect", params={"api_key": api_key}).text
        grant = re.search(r'data-grant="([^"]+)"', window)
        assert grant is not None, window
        asked = browser.post("/uas/widgets/ats/requests", json={"api_key": api_key, "type": bundle},
                             headers={"Authorization": f"Bearer {html.unescape(grant[1])}"})
        assert asked.status_code == 200, asked.text


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
    run_cli(auth.env, "partners", "create", "ats", "--name", "Acme ATS", "--kind", "ats")
    parent = json.loads(run_cli(auth.env, "clients", "create", "--partner", "ats", "--tenant", "218", "--scopes",
                                "LinkedIn.Provisioning", "--json").stdout)  # a parent app; tenant 218 uses ats
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


def test_the_official_client_enables_and_verifies_integrations(auth: Server):
    app = auth.demo["linkedin"]["app"]  # the demo admin has requested Apply with LinkedIn for it
    _request_in_the_plugin(auth, app["client_id"], "APPLY_CONNECT")
    token = AuthClient(client_id=app["client_id"], client_secret=app["client_secret"]).get_two_legged_access_token()
    assert token.status_code == 200, token.response.text
    restli, path = RestliClient(), "/atsIntegrations"
    awli, connect = (Key(integrationContext="urn:li:organization:218", integrationType=kind, tenantType="JOBS",
                         dataProvider="ATS") for kind in ("APPLY_WITH_LINKEDIN", "APPLY_CONNECT"))
    encoded = {k: "(dataProvider:ATS,integrationContext:urn%3Ali%3Aorganization%3A218,integrationType:"
                  f"{k['integrationType']},tenantType:JOBS)" for k in (awli, connect)}

    before = restli.batch_get(resource_path=path, ids=[awli, connect], access_token=token.access_token)
    assert before.status_code == 200, before.response.text
    assert before.results == {encoded[awli]: {"onboardingStatus": "REQUESTED"},
                              encoded[connect]: {"onboardingStatus": "REQUESTED"}}
    assert (before.errors, before.statuses) == ({}, {})

    unversioned = restli.batch_partial_update(resource_path=path, ids=[awli], access_token=token.access_token,
                                              patch_set_objects=[{"integrationName": "Acme's Apply with LinkedIn"}])
    assert unversioned.status_code == 200, unversioned.response.text
    assert urlsplit(unversioned.response.url).path == "/v2/atsIntegrations"
    assert {key: result.status for key, result in unversioned.results.items()} == {encoded[awli]: 204}
    versioned = restli.batch_partial_update(resource_path=path, ids=[connect], access_token=token.access_token,
                                            patch_set_objects=[{"integrationName": "Acme's Apply Connect"}],
                                            version_string="202401")
    assert versioned.status_code == 200, versioned.response.text
    assert urlsplit(versioned.response.url).path == "/rest/atsIntegrations"
    assert {key: result.status for key, result in versioned.results.items()} == {encoded[connect]: 204}

    for version in (None, "202401"):
        after = restli.batch_get(resource_path=path, ids=[awli, connect], access_token=token.access_token,
                                 version_string=version)
        assert after.status_code == 200, after.response.text
        assert after.results == {
            encoded[awli]: {"integrationName": "Acme's Apply with LinkedIn", "onboardingStatus": "ENABLED"},
            encoded[connect]: {"integrationName": "Acme's Apply Connect", "onboardingStatus": "ENABLED"}}
    again = restli.batch_partial_update(resource_path=path, ids=[awli], access_token=token.access_token,
                                        patch_set_objects=[{"integrationName": "Renamed"}])
    assert again.status_code == 400 and again.response.json()["message"].endswith(
        "modifying onboarding status for already enabled integration is not allowed")

    # the configurations sub-resource, batch_update with simple keys, the integration's key in the path
    configured = restli.batch_update(resource_path=path + "/{key}/configurations", path_keys={"key": dict(awli)},
                                     ids=["CALLBACK_URL"], access_token=token.access_token,
                                     entities=[{"configurationValue": {"string": "https://ats.example.com/awli"}}])
    assert configured.status_code == 200, configured.response.text
    assert {key: result.status for key, result in configured.results.items()} == {"CALLBACK_URL": 204}
    # a tunnelled batch get: the client sends a query longer than 4,000 characters as a POST with a form body
    many = [Key(awli, integrationContext=f"urn:li:organization:{n}") for n in range(60)]
    tunnelled = restli.batch_get(resource_path=path, ids=[awli, *many], access_token=token.access_token)
    assert tunnelled.status_code == 200, tunnelled.response.text
    assert tunnelled.response.request.method == "POST"
    assert list(tunnelled.results) == [encoded[awli]]
