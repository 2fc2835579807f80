"""`/v3/docs`' Authorize: one security scheme per kind of client, so that "select all" in a scheme asks for scopes
one client may hold (no client holds both the Hire and the Background Checking API's), and each operation
names its own API's schemes."""

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from starlette.testclient import TestClient

from hireport.dialects import DIALECTS
from hireport.kit.runtime import Runtime
from hireport.kit.scopes import Holder, held_by
from tests import factories
from tests.browser import chromium, page, screenshot  # noqa: F401
from tests.served import Server, serve


def test_each_operation_names_its_apis_schemes(client: TestClient):
    spec = client.get("/v3/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert not [name for name, scheme in schemes.items() if "x-paths" in scheme], "x-paths is not published"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if operation["security"] == []:  # a signed link
                continue
            expected = ([{"backgroundChecking": []}] if "/backgroundchecking" in path
                        else [{"hire": []}, {"hireToken": []}])
            assert operation["security"] == expected, (method, path)


def test_select_all_in_every_oauth2_scheme_gets_a_token(client: TestClient, runtime: Runtime):
    """Every client-credentials scheme of every API's docs, asked for all its scopes as Swagger UI asks (HTTP
    Basic, no instanceId: the dialog cannot send one, so it is a tenant's client), grants them."""
    factories.tenant(runtime, 218)
    asked = 0
    for docs in (d.docs_at for d in DIALECTS if d.api):
        schemes = client.get(f"{docs}/openapi.json").json().get("components", {}).get("securitySchemes", {})
        for name, scheme in schemes.items():
            flow = scheme.get("flows", {}).get("clientCredentials")
            if flow is None:
                continue
            scopes = list(flow["scopes"])
            assert set(scopes) <= set(held_by(Holder.client)), f"{docs}: no client may hold all of {name}'s scopes"
            creds = factories.client(runtime, " ".join(scopes), tenant_id=218)
            basic = base64.b64encode(f"{creds.client_id}:{creds.client_secret}".encode()).decode()
            granted = client.post(flow["tokenUrl"], headers={"Authorization": f"Basic {basic}"},
                                  data={"grant_type": "client_credentials", "scope": " ".join(scopes)})
            assert granted.status_code == 200, (docs, name, granted.text)
            assert granted.json()["scope"].split() == scopes
            asked += 1
    assert asked, "no API offers client credentials in its docs"


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[Server]:
    with serve(tmp_path, database_url) as server:
        yield server


@pytest.mark.serve
def test_the_demo_integrator_authorizes_every_hire_scope_in_the_docs(served: Server, page: Page):  # noqa: F811
    integrator = next(c for c in served.demo["clients"] if not c["partner"])
    page.goto(f"{served.base_url}/v3/docs")
    page.click("button.authorize")
    hire = page.locator(".auth-container", has=page.locator("h4", has_text="hire (OAuth2"))
    hire.locator("#client_id_clientCredentials").fill(integrator["client_id"])
    hire.locator("#client_secret_clientCredentials").fill(integrator["client_secret"])
    hire.get_by_text("select all").click()
    hire.locator("button.authorize").click()
    expect(hire.locator("button", has_text="Logout")).to_be_visible()
    expect(hire).to_contain_text("Authorized")
    expect(page.locator(".modal-ux")).not_to_contain_text("Auth Error")
    expect(page.locator(".auth-container", has_text="Background Checking API")).to_contain_text("instanceId")
    screenshot(page, "docs-pageup-authorize")
