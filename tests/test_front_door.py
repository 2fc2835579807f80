"""The front door: `/` says what the server is and links to everything, `/docs` leads there, `/openapi.json` and
`/.well-known/api-catalog` list every API's OpenAPI document, `/favicon.ico` is an icon. In Chromium, on a
desktop and a 390 px phone, the page fits, axe-core finds nothing serious, and every link on it answers 200."""

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from hireport import demo
from hireport.dialects import DIALECTS
from hireport.kit.runtime import Runtime
from tests.browser import chromium, screenshot, serious_violations  # noqa: F401
from tests.served import Server

APIS = [d for d in DIALECTS if d.api]


def test_the_root_lists_every_api_with_its_paths_and_docs(client: TestClient):
    answer = client.get("/")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert "Content-Security-Policy" in answer.headers
    for dialect in APIS:
        assert f'href="{dialect.docs_at}/docs"' in answer.text, dialect.name
        for path in dialect.shown_paths:
            assert f"<code>{path}</code>" in answer.text, path
    assert 'href="/account/signin"' in answer.text
    assert "The demo" not in answer.text and "/careers/" not in answer.text, "no demo is loaded"


def test_with_the_demo_it_names_the_credentials_but_never_shows_them(client: TestClient, runtime: Runtime):
    loaded = demo.load(runtime)
    page = client.get("/").text
    assert f'href="{loaded.careers}"' in page
    assert "the integrator client (Hire API, instanceId 218)" in page
    assert "the Gupy API token (tenant 218)" in page
    secrets = [c.client_secret for c in [*loaded.clients, loaded.connect, loaded.linkedin.parent, loaded.linkedin.app]]
    for secret in [*secrets, loaded.api_token.token, *(p.password for p in loaded.people)]:
        assert secret not in page


def test_docs_leads_to_the_front_door(client: TestClient):
    answer = client.get("/docs", follow_redirects=False)
    assert answer.status_code == 308 and answer.headers["location"] == "/"


@pytest.mark.parametrize("path", ["/openapi.json", "/.well-known/api-catalog"])
def test_the_catalog_links_every_openapi_document(client: TestClient, path: str):
    answer = client.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/linkset+json"
    described = [httpx.URL(entry["service-desc"][0]["href"]) for entry in answer.json()["linkset"]]
    assert [url.path for url in described] == [f"{d.docs_at}/openapi.json" for d in APIS]
    for url in described:
        document = client.get(url.path)
        assert document.status_code == 200 and document.json()["openapi"].startswith("3."), url


def test_the_favicon_is_an_icon(client: TestClient):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/x-icon"
    assert answer.content[:4] == b"\x00\x00\x01\x00", "an ICO file"


@pytest.fixture
def phone_and_desktop(chromium: Browser) -> Iterator[list[tuple[str, object]]]:  # noqa: F811
    contexts = [("desktop", chromium.new_context(viewport={"width": 1280, "height": 900})),
                ("phone", chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True))]
    try:
        yield [(name, context.new_page()) for name, context in contexts]
    finally:
        for _, context in contexts:
            context.close()


@pytest.mark.serve
def test_the_front_door_in_a_browser(server: Server, phone_and_desktop: list):
    for name, page in phone_and_desktop:
        page.goto(server.base_url + "/")
        assert page.title() == "Welcome · hireport"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: too wide"
        screenshot(page, f"front-door-{name}")
        assert serious_violations(page) == [], name
    links = sorted(set(page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")))
    assert any("/careers/218/" in link for link in links), "the demo's careers page"
    with httpx.Client(follow_redirects=True, timeout=10) as http:
        answers = {link: http.get(link).status_code for link in links}
    assert answers == dict.fromkeys(links, 200)
    assert len(links) >= 25
