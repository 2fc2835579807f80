"""Connect's user mode end to end: `hireport serve` with the demo, an application registered for Connect's
user scope, a person in Chromium who signs in and consents, and the application (a loopback web server of
this test's) that exchanges the code with its PKCE verifier, calls the user endpoints as that person (who
becomes a customer, the recruiter, on their first registration), and refreshes its token; then the order is
confirmed in the console and the user's points follow."""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser import chromium, page, screenshot  # noqa: F401
from tests.served import Server, run_cli
from tests.test_authorization_browser import application

pytestmark = pytest.mark.serve
SCOPE = "Connect.Recruitment.User"
REGISTRATION = {
    "product": "CO27409", "campaign": "Spring2019",
    "recruiter": {"name": {"firstName": "Riley", "lastName": "Recruiter"}, "email": "riley@example.com"},
    "recruitmentPremiumPreferences": [{"companyCode": "468979834", "product": "HS3829", "preferenceNumber": 1}],
    "recruitments": [{"name": {"firstName": "Ola", "lastName": "Nordmann"}, "couponCode": "Datanews",
                      "couponNumber": 1, "amount": 100, "quantity": 1, "email": "ola@example.com"}],
}


def test_a_connect_user_signs_in_consents_and_recruits(server: Server, page: Page):  # noqa: F811
    person = next(p for p in server.demo["people"] if p["role"] == "recruiter")
    base = server.base_url
    with application() as app:
        made = json.loads(run_cli(server.env, "clients", "create", "--tenant", "218", "--scopes", SCOPE, "--name",
                                  "Verv en venn", "--redirect-uri", app.url, "--json").stdout)
        auth = (made["client_id"], made["client_secret"])
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({"response_type": "code", "client_id": made["client_id"], "redirect_uri": app.url,
                           "scope": SCOPE, "state": "s1", "code_challenge": challenge,
                           "code_challenge_method": "S256"})
        page.goto(f"{base}/account/authorize?{query}")
        page.fill("input[name=email]", person["email"])
        page.fill("input[name=password]", person["password"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/account/authorize?**")
        assert "Verv en venn" in (page.text_content("h1") or "")
        assert page.locator("ul.scopes li").all_text_contents() == [SCOPE]
        screenshot(page, "connect-consent")
        page.click("button[value=allow]")
        page.wait_for_url(f"{app.url}?**")
        code = parse_qs(app.queries[-1])["code"][0]

        token_url = f"{base}/connect/token"
        granted = httpx.post(token_url, auth=auth, data={"grant_type": "authorization_code", "code": code,
                                                         "redirect_uri": app.url, "code_verifier": verifier})
        assert granted.status_code == 200, granted.text
        tokens = granted.json()
        user = {"Authorization": f"Bearer {tokens['access_token']}"}

        empty = httpx.get(f"{base}/capi/v1/recruitment/Spring2019", headers=user)
        assert empty.status_code == 200, empty.text
        assert empty.json() == {"points": 0, "products": ["CO27409"], "recruitments": [], "unverifiedRecruitments": []}
        registered = httpx.post(f"{base}/capi/v1/recruitment", headers=user, json=REGISTRATION)
        assert registered.status_code == 200 and registered.json() == {"status": "ok"}, registered.text
        listed = httpx.get(f"{base}/capi/v1/recruitment/Spring2019", headers=user).json()
        assert [r["name"]["firstName"] for r in listed["unverifiedRecruitments"]] == ["Ola"]
        wanted = {"recruitmentPremiumPreferences": [
            {"companyCode": "468979834", "product": "HS3830", "preferenceNumber": 1}]}
        changed = httpx.post(f"{base}/capi/v1/recruitment/premium/Spring2019", headers=user, json=wanted)
        assert changed.status_code == 200 and changed.json() == wanted, changed.text

        refreshed = httpx.post(token_url, auth=auth, data={"grant_type": "refresh_token",
                                                           "refresh_token": tokens["refresh_token"]})
        assert refreshed.status_code == 200, refreshed.text
        again = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
        premiums = httpx.get(f"{base}/capi/v1/recruitment/premium/Spring2019", headers=again)
        assert premiums.status_code == 200 and premiums.json() == wanted
        assert httpx.get(f"{base}/capi/v1/recruitment/Spring2019", headers=again).json()[
            "unverifiedRecruitments"] == listed["unverifiedRecruitments"], "the same person after the refresh"

    # the same person, a recruiter of the tenant, confirms the order in the console: the points are credited
    page.goto(f"{base}/console/218/referrals")
    row = page.locator("tr[data-order]", has_text="Ola")
    expect(row.locator(".badge")).to_have_text("pending")
    row.get_by_role("button", name="Confirm").click()
    expect(page.locator(".notice")).to_contain_text("credited")
    expect(page.locator("tr[data-order]", has_text="Ola").locator(".badge")).to_have_text("confirmed")
    screenshot(page, "console-referrals")
    after = httpx.get(f"{base}/capi/v1/recruitment/Spring2019", headers=again).json()
    assert (after["points"], after["unverifiedRecruitments"], len(after["recruitments"])) == (50, [], 1)
