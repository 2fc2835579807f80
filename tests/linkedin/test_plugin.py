"""The seed's (003) four steps end to end, in Debian's chromium against `hireport serve` with the demo loaded:
a partner provisions its customer's app (parent token), embeds the configuration plugin in its own page
(served from another loopback origin, `localhost`, so the frame is cross-site), the customer's admin signs
in and requests Apply with LinkedIn, the page's `data-onintegrate` function receives the integrations, and
the partner's server enables them and verifies ENABLED. Also: a person who is not an admin sees the seed's
permission message; a page on an origin the app does not list sees the domain-validation message and the
console error; a page that lies about its origin gets no widget (the browser refuses the frame); IN.parse()
renders a widget added later. Screenshots go to screenshots/."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import chromium, screenshot  # noqa: F401
from tests.served import Server, run_cli

pytestmark = pytest.mark.serve
BUNDLES = "RECRUITER_SYSTEM_CONNECT_COMPANY,RECRUITER_SYSTEM_CONNECT_CONTRACT,APPLY_WITH_LINKEDIN"

PARTNER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme ATS: LinkedIn settings</title></head>
<body style="font-family: sans-serif; margin: 24px">
<h1>Acme ATS: integrations for your organisation</h1>
<script type="text/javascript" src="{hireport}/uas/in.js">
  api_key: {api_key}
  extensions: ATSIntegrationWidget@https://platform.linkedin.com/rsc/extensions/onboarding-widget
</script>

<script type="IN/ATSIntegrationWidget"
  data-supported-bundled-integration-types="{bundles}"
  data-onintegrate="handleIntegrations"
  data-width="460" >
</script>
<h2>Received by handleIntegrations</h2>
<pre id="received">nothing yet</pre>
<div id="later"></div>
<script>
window.received = [];
function handleIntegrations (integrations) {{
  window.received.push(integrations);
  document.getElementById("received").textContent = JSON.stringify(window.received, null, 1);
}}
function addWidget () {{  // what a single-page app does: a new tag, then IN.parse()
  var tag = document.createElement("script");
  tag.type = "IN/ATSIntegrationWidget";
  tag.setAttribute("data-supported-bundled-integration-types", "APPLY_CONNECT");
  tag.setAttribute("data-onintegrate", "handleIntegrations");
  document.getElementById("later").appendChild(tag);
  IN.parse(document.getElementById("later"));
}}
</script>
</body></html>
"""

LYING_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not the partner</title></head><body>
<h1>A page that names another origin</h1>
<iframe id="stolen" width="460" height="300"
  src="{hireport}/uas/widgets/ats?api_key={api_key}&types=APPLY_WITH_LINKEDIN&origin={claimed}&widget=x"></iframe>
</body></html>
"""


@dataclass
class Site:
    origin: str
    pages: dict[str, str]


@pytest.fixture
def partner_site() -> Iterator[Site]:
    """The partner's own web server: another origin than hireport's (`localhost`, so cross-site too)."""
    site = Site("", {})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = site.pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not found").encode())

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.origin = f"http://localhost:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[Page]:  # noqa: F811
    context = chromium.new_context(viewport={"width": 900, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _token(base: str, client_id: str, client_secret: str) -> str:
    answer = httpx.post(f"{base}/oauth/v2/accessToken", data={"grant_type": "client_credentials",
                                                              "client_id": client_id, "client_secret": client_secret})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _provision(server: Server, origins: list[str]) -> dict:
    """Step 1: the partner's parent app provisions the customer's app."""
    run_cli(server.env, "partners", "create", "acme-ats", "--name", "Acme ATS", "--kind", "ats")
    parent = json.loads(run_cli(server.env, "clients", "create", "--partner", "acme-ats", "--tenant", "218",
                                "--scopes", "LinkedIn.Provisioning", "--json").stdout)  # tenant 218 uses acme-ats
    token = _token(server.base_url, parent["client_id"], parent["client_secret"])
    created = httpx.post(f"{server.base_url}/v2/provisionedApplications", headers={"Authorization": f"Bearer {token}"},
                         json={"uniqueForeignId": "acme-218", "name": "Acme ATS", "tenantId": 218,
                               "description": "Acme ATS for the demo organisation", "validJsSdkDomains": origins})
    assert created.status_code == 201, created.text
    return dict(created.json())


def _sign_in_through_the_widget(page: Page, email: str, password: str) -> None:
    """Sign in in hireport's own window, which the widget opens (and which closes itself at once for a
    person signed in to hireport already)."""
    frame = page.frame_locator("iframe[data-in-widget]").first
    with page.context.expect_page() as opened:
        frame.get_by_role("button", name="Sign in to hireport").click()
    popup = opened.value
    try:
        expect(popup.locator("h1")).to_have_text("Sign in to hireport")
    except Exception:
        assert popup.is_closed(), "the sign-in window shows the sign-in form, or hands the grant over and closes"
        return
    popup.fill("input[name=email]", email)
    popup.fill("input[name=password]", password)
    with popup.expect_event("close", timeout=15_000):  # waiting from before the click: it may close at once
        popup.click("button[type=submit]")


def test_the_seed_steps_end_to_end(server: Server, partner_site: Site, browser_page: Page):
    page, base = browser_page, server.base_url
    app = _provision(server, [partner_site.origin])
    child = app["credentials"]
    partner_site.pages["/settings"] = PARTNER_PAGE.format(hireport=base, api_key=child["client_id"], bundles=BUNDLES)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # Step 2: the plugin in the partner's page; the admin signs in and requests Apply with LinkedIn
    page.goto(f"{partner_site.origin}/settings")
    frame = page.frame_locator("iframe[data-in-widget]").first
    expect(frame.get_by_role("button", name="Sign in to hireport")).to_be_visible()
    screenshot(page, "linkedin-plugin-signed-out")
    admin = next(p for p in server.demo["people"] if p["role"] == "admin")
    _sign_in_through_the_widget(page, admin["email"], admin["password"])
    expect(frame.locator("#who")).to_contain_text("Signed in as")
    awli = frame.locator("li[data-type=APPLY_WITH_LINKEDIN]")
    expect(awli.locator(".title")).to_have_text("Apply with LinkedIn")
    awli.get_by_role("button", name="Request").click()
    expect(awli.locator("[data-status]")).to_have_text("REQUESTED")
    expect(page.locator("#received")).not_to_have_text("nothing yet")
    received = page.evaluate("window.received")
    assert received == [[{"integrationContext": "urn:li:organization:218", "integrationType": "APPLY_WITH_LINKEDIN",
                          "tenantType": "JOBS"}]]
    screenshot(page, "linkedin-plugin-requested")

    # Step 3: the partner's server enables it with the customer app's token, from what the callback received
    item = received[0][0]
    key = {**item, "dataProvider": "ATS"}
    query = "&".join(f"ids[0].{name}={quote(value, safe='')}" for name, value in key.items())
    entity = "&".join(f"{name}={value}" for name, value in key.items())
    bearer = {"Authorization": "Bearer " + _token(base, child["client_id"], child["client_secret"])}
    enabled = httpx.post(f"{base}/v2/atsIntegrations?{query}", headers={**bearer, "x-restli-method":
                                                                          "batch_partial_update"},
                         json={"entities": {entity: {"patch": {"$set": {
                             "integrationName": "Acme's Apply with LinkedIn"}}}}})
    assert enabled.status_code == 200, enabled.text
    assert [value for value in enabled.json()["results"].values()] == [{"status": 204}]
    # Step 4: verify
    verified = httpx.get(f"{base}/v2/atsIntegrations?{query}", headers=bearer).json()
    assert list(verified["results"].values()) == [{"integrationName": "Acme's Apply with LinkedIn",
                                                   "onboardingStatus": "ENABLED"}]
    page.reload()
    _sign_in_through_the_widget(page, admin["email"], admin["password"])  # a reloaded frame holds no grant
    expect(frame.locator("li[data-type=APPLY_WITH_LINKEDIN] [data-status]")).to_have_text("ENABLED")

    # a single-page app adds a widget later: IN.parse() renders it
    page.evaluate("addWidget()")
    expect(page.locator("iframe[data-in-widget]")).to_have_count(2)
    expect(page.frame_locator("iframe[data-in-widget]").nth(1).locator("li[data-type=APPLY_CONNECT] .title")
           ).to_have_text("Apply Connect")
    screenshot(page, "linkedin-plugin-enabled")
    assert not [e for e in errors if "error." in e], errors

    # the customer's admin sees the app and its integration in the console (signed in by the plugin's window)
    page.goto(f"{base}/console/218/integrations")
    row = page.locator("article.partner-app:has-text('Acme ATS') tr[data-kind=APPLY_WITH_LINKEDIN]")
    expect(row.locator(".badge")).to_have_text("enabled")
    expect(row).to_contain_text("Acme's Apply with LinkedIn")
    page.locator("#partner-apps").scroll_into_view_if_needed()
    screenshot(page, "console-partner-apps")


def test_a_person_who_is_not_the_customers_admin_is_refused(server: Server, partner_site: Site,
                                                            browser_page: Page):
    page = browser_page
    app = _provision(server, [partner_site.origin])
    partner_site.pages["/settings"] = PARTNER_PAGE.format(hireport=server.base_url,
                                                          api_key=app["credentials"]["client_id"], bundles=BUNDLES)
    page.goto(f"{partner_site.origin}/settings")
    recruiter = next(p for p in server.demo["people"] if p["role"] == "recruiter")
    _sign_in_through_the_widget(page, recruiter["email"], recruiter["password"])
    frame = page.frame_locator("iframe[data-in-widget]").first
    expect(frame.locator("#problem")).to_have_text("There seems to be a problem you do not have permissions")
    expect(frame.get_by_role("button", name="Request")).to_have_count(0)
    screenshot(page, "linkedin-plugin-no-permission")
    assert page.evaluate("window.received") == []


def test_a_page_on_an_origin_the_app_does_not_list(server: Server, partner_site: Site, browser_page: Page):
    page = browser_page
    app = _provision(server, ["https://ats.example.com"])
    partner_site.pages["/settings"] = PARTNER_PAGE.format(hireport=server.base_url,
                                                          api_key=app["credentials"]["client_id"], bundles=BUNDLES)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{partner_site.origin}/settings")
    expect(page.frame_locator("iframe[data-in-widget]").first.locator(".problem")).to_have_text(
        "Domain validation failed for the api key. Please contact your ATS for further assistance.")
    screenshot(page, "linkedin-plugin-domain-refused")
    for _ in range(50):
        if "error.origin.not.in.api.domains" in errors:
            break
        page.wait_for_timeout(100)
    assert "error.origin.not.in.api.domains" in errors, errors


def test_a_page_that_names_another_origin_gets_no_widget(server: Server, partner_site: Site, browser_page: Page):
    page = browser_page
    app = _provision(server, ["https://ats.example.com"])
    partner_site.pages["/stolen"] = LYING_PAGE.format(hireport=server.base_url,
                                                      api_key=app["credentials"]["client_id"],
                                                      claimed=quote("https://ats.example.com", safe=""))
    page.goto(f"{partner_site.origin}/stolen")
    page.wait_for_timeout(1000)
    framed = [f for f in page.frames if f != page.main_frame]
    assert framed, "the frame element is there"
    assert all(not f.url.startswith(server.base_url) or f.evaluate("!document.getElementById('widget')")
               for f in framed), "the browser refused to show hireport's widget inside this page"
    screenshot(page, "linkedin-plugin-frame-refused")

    # the loader itself, its frame's request made to name an allowed origin on the way (what a lying page
    # would send): the browser refuses the frame, and the loader says so in the page and the console
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.route(f"{server.base_url}/uas/widgets/ats?*", lambda route: route.continue_(url=route.request.url.replace(
        quote(partner_site.origin, safe=""), quote("https://ats.example.com", safe=""))))
    partner_site.pages["/lying-loader"] = PARTNER_PAGE.format(
        hireport=server.base_url, api_key=app["credentials"]["client_id"], bundles="APPLY_WITH_LINKEDIN")
    page.goto(f"{partner_site.origin}/lying-loader")
    expect(page.locator(".IN-widget-error")).to_have_text(
        "Domain validation failed for the api key. Please contact your ATS for further assistance.")
    assert "error.origin.not.in.api.domains" in errors, errors
