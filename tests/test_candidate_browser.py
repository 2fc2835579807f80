"""The candidate's side end to end, as people and integrations meet it: `hireport serve` with the demo and a real
SMTP server (aiosmtpd). In Chromium (after the pages one meets on the way: a closed job, a link that does not
open anything, asking for a new link) a candidate finds a published job on the careers page, applies with a CV
and gets the confirmation mail; PageUp's and Gupy's APIs list the application; a recruiter makes an offer
through the management API; the candidate opens the offer link from the mail, accepts, saves then sends the
new-starter form, and uploads a document the recruiter asks for; PageUp's export loop (seed 000, workflow 2)
picks the offer up with the answers and marks it processed; then the candidate has their data erased. axe-core
finds no serious accessibility violation on any page the candidate sees; each is screenshotted."""

import email
import email.policy
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser import chromium, page, screenshot, serious_violations  # noqa: F401
from tests.gupy.conftest import Mailbox
from tests.served import Server, serve

pytestmark = pytest.mark.serve
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EMAIL = "mirela.ostrova@example.com"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox().start()
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def served(tmp_path: Path, database_url: str, mailbox: Mailbox) -> Iterator[Server]:
    with serve(tmp_path, database_url, smtp_host="127.0.0.1", smtp_port=str(mailbox.port),
               delivery_interval="0.2") as server:
        yield server


def mail_to(mailbox: Mailbox, to: str, subject: str) -> str:
    """The body of the mail with this subject to `to`, as the SMTP server received it (waiting up to 20 s)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for raw in mailbox.received:
            message = email.message_from_bytes(raw, policy=email.policy.default)
            if message["To"] == to and message["Subject"] == subject:
                return str(message.get_content())  # type: ignore[attr-defined]
        time.sleep(0.1)
    raise AssertionError(f"no mail {subject!r} to {to}; received {len(mailbox.received)}")


def checked(page: Page, name: str) -> None:  # noqa: F811
    """Screenshot the page as the candidate sees it, and hold it to axe-core."""
    screenshot(page, name)
    assert serious_violations(page) == [], name


# Each filter of the careers page beside the width it needs to show its longest option whole: a copy of it,
# sized to its content.
FILTERS = """() => [...document.querySelectorAll('form.search select')].map(select => {
  const whole = select.cloneNode(true);
  whole.style.width = 'max-content';
  select.parentElement.append(whole);
  const needed = whole.getBoundingClientRect().width;
  whole.remove();
  return {name: select.name, width: select.getBoundingClientRect().width, needed};
})"""


def filters_show_their_options(page: Page) -> None:  # noqa: F811
    """On a phone, a tablet and a desktop, no filter is narrower than its longest option ("Any departm")."""
    for width in (390, 820, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        filters = page.evaluate(FILTERS)
        assert len(filters) == 3 and all(f["width"] >= f["needed"] for f in filters), (width, filters)


def pageup_token(server: Server) -> dict[str, str]:
    client = next(c for c in server.demo["clients"] if not c["partner"])
    granted = httpx.post(f"{server.base_url}/connect/token", data={
        "grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": client["client_secret"],
        "scope": "Public.Job.Read Public.Application.Read Public.Offer.Read Public.Offer.Write", "instanceId": "218"})
    assert granted.status_code == 200, granted.text
    return {"Authorization": f"Bearer {granted.json()['access_token']}"}


def export_loop(base: str, headers: dict[str, str]) -> dict[int, list[dict[str, Any]]]:
    """Seed 000's workflow 2: the accepted offers with a complete new-starter form not yet processed, each read
    (offer, new-starter answers, application form) and then marked processed. Returns the answers by offer."""
    hire = f"{base}/v3/218/recruitment/hire"
    picked: dict[int, list[dict[str, Any]]] = {}
    for _ in range(20):  # bounded: each round processes what it found
        found = httpx.get(f"{hire}/offers", params={"offerAccepted": "true", "offerProcessed": "false",
                                                     "formComplete": "true", "pageSize": "100"}, headers=headers)
        assert found.status_code == 200, found.text
        items = found.json()["Items"]
        if not items:
            return picked
        for item in items:
            offer_id = item["OfferInfo"]["PUReferenceID"]
            assert httpx.get(f"{hire}/offers/{offer_id}", headers=headers).status_code == 200
            form = httpx.get(f"{hire}/offers/{offer_id}/onboardingform", headers=headers)
            assert form.status_code == 200, form.text
            application = item["ApplicationInfo"]["PUReferenceID"]
            assert httpx.get(f"{hire}/applications/{application}/applicationForm", headers=headers).status_code == 200
            picked[offer_id] = form.json()["Answers"]
            done = httpx.post(f"{hire}/offers/{offer_id}/process", json={}, headers=headers)
            assert done.status_code in (200, 204), done.text
    raise AssertionError("the export loop did not drain")


def test_a_candidate_applies_accepts_the_offer_and_the_export_loop_picks_it_up(served: Server, mailbox: Mailbox,
                                                                              page: Page):  # noqa: F811
    base, careers = served.base_url, served.demo["careers"]
    page.goto(f"{base}{careers}jobs/5")  # a closed job of the demo
    expect(page.locator("h1")).to_have_text("Not found")
    checked(page, "careers-closed-job")
    page.goto(f"{base}/portal/218/enter?candidate=1&expires=9999999999&signature=forged")
    expect(page.locator("h1")).to_have_text("This link does not open anything")
    checked(page, "portal-refused-link")
    page.goto(f"{base}{careers}follow")
    checked(page, "careers-follow")
    page.fill("#email", "nobody@example.com")
    page.click("button:has-text('Send me a link')")
    expect(page.locator(".notice")).to_contain_text("is on its way")

    page.goto(f"{base}{careers}")
    expect(page.locator("h1")).to_contain_text("Jobs at Acme Health careers")
    checked(page, "careers-jobs")
    filters_show_their_options(page)
    page.keyboard.press("Tab")  # the first stop is the skip link
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.fill("input[name=q]", "nurse")
    page.click("form.search button[type=submit]")
    expect(page.locator("ul.jobs h2")).to_have_count(1)
    page.click("text=Registered Nurse - Emergency")
    expect(page.locator("h1")).to_have_text("Registered Nurse - Emergency")
    job_id = int(page.url.rsplit("/", 1)[1])
    posting = page.locator('script[type="application/ld+json"]').text_content() or ""
    assert '"@type": "JobPosting"' in posting
    checked(page, "careers-job")

    page.click("text=Apply for this job")
    page.fill("#first_name", "Mirela")
    page.fill("#last_name", "Ostrova")
    page.fill("#email", EMAIL)
    page.fill("#phone", "+61 400 555 010")
    page.fill("#q-experience", "6")
    page.fill("#q-why", "Emergency nursing is what I do best.")
    page.set_input_files("#cv", files=[{"name": "Mirela Ostrova CV.pdf", "mimeType": "application/pdf",
                                        "buffer": PDF}])
    page.click("button[type=submit]:has-text('Send my application')")  # the required yes/no left unanswered
    expect(page.locator("input[name=right_to_work]:invalid")).to_have_count(2)
    expect(page.locator("h1")).to_have_text("Apply for Registered Nurse - Emergency")  # the browser kept it
    page.check("input[name=right_to_work][value=yes]")
    checked(page, "careers-apply")
    page.click("button[type=submit]:has-text('Send my application')")
    expect(page.locator("h1")).to_have_text("Thank you: we have your application")
    checked(page, "careers-applied")

    confirmation = mail_to(mailbox, EMAIL, "We received your application for Registered Nurse - Emergency")
    assert "Hello Mirela" in confirmation
    headers = pageup_token(served)
    listed = httpx.get(f"{base}/v3/218/recruitment/hire/jobs/{job_id}/applications", params={"pageSize": "100"},
                       headers=headers).json()["Items"]
    mine = max(listed, key=lambda i: i["ApplicationInfo"]["PUReferenceID"])  # the newest: checked just below
    application_id = mine["ApplicationInfo"]["PUReferenceID"]
    applicant = httpx.get(f"{base}/v3/218/recruitment/hire/applicants/{mine['ApplicantInfo']['PUReferenceID']}",
                          headers=headers).json()
    assert applicant["Email"] == EMAIL
    gupy = httpx.get(f"{base}/api/v1/jobs/{job_id}/applications", params={"perPage": "100", "order": "id desc"},
                     headers={"Authorization": f"Bearer {served.demo['api_token']['token']}"})
    assert gupy.status_code == 200, gupy.text
    assert gupy.json()["results"][0]["id"] == application_id
    assert gupy.json()["results"][0]["candidate"]["email"] == EMAIL

    offer = httpx.post(f"{base}/manage/v1/tenants/218/offers", json={
        "application_id": application_id, "start_date": "2027-03-01T08:00:00Z", "hours_per_week": 38,
        "comments": "Night rotation, parking included"},
                       headers={"Authorization": f"Bearer {served.operator_credential}"})
    assert offer.status_code == 201, offer.text
    offer_id = offer.json()["id"]
    offer_mail = mail_to(mailbox, EMAIL, "Your offer for Registered Nurse - Emergency")
    link = re.search(r"(http://\S+/portal/\S+)", offer_mail)
    assert link
    page.goto(link[1])
    expect(page.locator("h1")).to_have_text("Your offer: Registered Nurse - Emergency")
    checked(page, "portal-offer")
    page.click("button:has-text('Accept the offer')")
    expect(page.locator(".notice")).to_contain_text("You accepted the offer")
    page.click("text=Fill in the new-starter form")
    page.check("input[name=tax_file_number][value=yes]")
    page.fill("#q-bank_bsb", "062-000 1234 5678")
    page.click("button:has-text('Save for later')")
    expect(page.locator(".notice")).to_contain_text("Your answers are saved")
    expect(page.locator("#q-bank_bsb")).to_have_value("062-000 1234 5678")
    page.click("button:has-text('Send the form')")  # a draft is saved unfinished, but not sent so
    expect(page.locator("input[name=super_fund]:invalid")).not_to_have_count(0)
    expect(page.locator(".notice")).to_contain_text("Your answers are saved")  # the browser kept the form
    page.check("input[name=super_fund][value=Hostplus]")
    page.fill("#q-emergency_contact", "Dario Ostrov, +61 400 555 011")
    checked(page, "portal-new-starter")
    page.click("button:has-text('Send the form')")
    expect(page.locator(".notice")).to_contain_text("your new-starter form is submitted")
    asked = httpx.post(f"{base}/manage/v1/tenants/218/document-requests",
                       json={"application_id": application_id, "title": "Registration certificate"},
                       headers={"Authorization": f"Bearer {served.operator_credential}"})
    assert asked.status_code == 201, asked.text
    assert "/portal/218/enter?" in mail_to(mailbox, EMAIL, "Please send us: Registration certificate")
    page.click("text=Your applications")
    expect(page.locator("h1")).to_have_text("Hello Mirela")
    expect(page.locator(".request h3")).to_have_text("We asked you for: Registration certificate")
    checked(page, "portal-home")
    page.set_input_files(".request input[type=file]", files=[{"name": "registration.pdf",
                                                              "mimeType": "application/pdf", "buffer": PDF}])
    page.click(".request button:has-text('Send')")
    expect(page.locator(".notice")).to_contain_text("we have your document")
    expect(page.locator(".request")).to_contain_text("Thank you")
    page.click("text=Your data")
    checked(page, "portal-data")

    picked = export_loop(base, headers)
    assert offer_id in picked, sorted(picked)
    assert {"Question": "Bank BSB", "Answer": "062-000 1234 5678"} in picked[offer_id]
    assert {"Question": "Superannuation fund", "Answer": "Hostplus"} in picked[offer_id]
    assert {"Question": "Tax file number supplied", "Answer": True} in picked[offer_id]
    assert export_loop(base, headers) == {}  # processed: it does not come back

    # the candidate has their data erased: the links from the mails open nothing, the job's list still answers
    page.check("input[name=confirm]")
    page.click("button:has-text('Erase my data')")
    expect(page.locator("h1")).to_have_text("Your data is erased")
    checked(page, "portal-erased")
    page.goto(link[1])
    expect(page.locator("h1")).to_have_text("This link does not open anything")
    after = httpx.get(f"{base}/v3/218/recruitment/hire/jobs/{job_id}/applications", params={"pageSize": "100"},
                      headers=headers)
    assert after.status_code == 200 and len(after.json()["Items"]) == len(listed)
    erased = httpx.get(f"{base}/v3/218/recruitment/hire/applicants/{mine['ApplicantInfo']['PUReferenceID']}",
                       headers=headers).json()
    assert erased["Email"] != EMAIL and "Mirela" not in str(erased)
