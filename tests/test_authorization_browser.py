"""End to end, as a person and an application meet it: `hireport serve` with the demo, a client registered
with `hireport clients create --redirect-uri`, a person in Chromium who signs in and consents, and the
application (a loopback web server of this test's) that exchanges the code with its PKCE verifier, rotates
the refresh token, and sees a replay of the old one revoke the family."""

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from playwright.sync_api import Page

from tests.browser import chromium, page, screenshot  # noqa: F401
from tests.served import Server, run_cli

pytestmark = pytest.mark.serve
SCOPES = "Public.Job.Read Public.Offer.Read"


@dataclass
class Callback:
    """The application's redirect endpoint: records each query string sent to `url`, answers 200 "ok"."""

    url: str
    queries: list[str] = field(default_factory=list)


@contextmanager
def application() -> Iterator[Callback]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/callback":  # not the browser's /favicon.ico
                callback.queries.append(url.query)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    callback = Callback(f"http://127.0.0.1:{httpd.server_address[1]}/callback")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield callback
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_a_person_authorizes_an_application_in_a_browser(server: Server, page: Page):  # noqa: F811
    person = next(p for p in server.demo["people"] if p["role"] == "recruiter")
    with application() as app:
        made = json.loads(run_cli(server.env, "clients", "create", "--tenant", "218", "--scopes", SCOPES, "--name",
                                  "Rota Planner", "--redirect-uri", app.url, "--json").stdout)
        assert made["redirect_uris"] == [app.url]
        auth = (made["client_id"], made["client_secret"])
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state = secrets.token_urlsafe(16)
        query = urlencode({"response_type": "code", "client_id": made["client_id"], "redirect_uri": app.url,
                           "scope": SCOPES, "state": state, "code_challenge": challenge,
                           "code_challenge_method": "S256"})
        page.goto(f"{server.base_url}/account/authorize?{query}")
        assert urlsplit(page.url).path == "/account/signin", "signed out: to the sign-in page first"
        page.fill("input[name=email]", person["email"])
        page.fill("input[name=password]", person["password"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{server.base_url}/account/authorize?**")
        heading = page.text_content("h1") or ""
        assert "Rota Planner" in heading
        listed = page.locator("ul.scopes li").all_text_contents()
        assert listed == SCOPES.split()
        assert page.locator("select[name=tenant] option").all_text_contents() == ["Acme Health (demo) (218)"]
        screenshot(page, "consent")
        page.click("button[value=allow]")
        page.wait_for_url(f"{app.url}?**")
        assert (page.text_content("body") or "").strip() == "ok"

        sent = {k: v[0] for k, v in parse_qs(app.queries[-1]).items()}
        assert sent["state"] == state and set(sent) == {"code", "state"}
        token_url = f"{server.base_url}/connect/token"
        wrong = httpx.post(token_url, auth=auth, data={"grant_type": "authorization_code", "code": sent["code"],
                                                       "redirect_uri": app.url + "/other",
                                                       "code_verifier": verifier})
        assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
        page.goto(f"{server.base_url}/account/authorize?{query}")  # again: a fresh code (the wrong try spent it)
        page.click("button[value=allow]")
        page.wait_for_url(f"{app.url}?**")
        code = parse_qs(app.queries[-1])["code"][0]
        granted = httpx.post(token_url, auth=auth, data={"grant_type": "authorization_code", "code": code,
                                                         "redirect_uri": app.url, "code_verifier": verifier})
        assert granted.status_code == 200, granted.text
        first = granted.json()
        claims = jwt.decode(first["access_token"], options={"verify_signature": False})
        assert claims["instanceid"] == "218" and claims["sub"].isdigit() and claims["client_id"] == made["client_id"]
        jobs = httpx.get(f"{server.base_url}/v3/218/recruitment/hire/jobs",
                         headers={"Authorization": f"Bearer {first['access_token']}"})
        assert jobs.status_code == 200 and jobs.json()["Items"], "the person's token reads the tenant's jobs"

        rotated = httpx.post(token_url, auth=auth, data={"grant_type": "refresh_token",
                                                         "refresh_token": first["refresh_token"]})
        assert rotated.status_code == 200, rotated.text
        newest = rotated.json()["refresh_token"]
        assert newest != first["refresh_token"]
        assert jwt.decode(rotated.json()["access_token"], options={"verify_signature": False})["sub"] == claims["sub"]
        replayed = httpx.post(token_url, auth=auth, data={"grant_type": "refresh_token",
                                                          "refresh_token": first["refresh_token"]})
        assert replayed.status_code == 400 and replayed.json()["error"] == "invalid_grant"
        after = httpx.post(token_url, auth=auth, data={"grant_type": "refresh_token", "refresh_token": newest})
        assert after.status_code == 400 and after.json()["error"] == "invalid_grant", "the family is revoked"
        assert httpx.post(f"{server.base_url}/connect/revocation", auth=auth,
                          data={"token": newest}).status_code == 200

    logged = server.log.read_text()
    for secret in (sent["code"], code, first["refresh_token"], newest, verifier, person["password"]):
        assert secret not in logged
