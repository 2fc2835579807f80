"""The console in a real browser (Debian's chromium, driven by Playwright) against `hireport serve` on
loopback with the demo loaded, as staff use it: sign in, move a job through its lifecycle with the buttons
(and see a refused move explained), open an application and download a document, order a background
check, read the outbox, create and revoke an API token, sign out. A viewer reads, without JavaScript too,
and sees no button that changes anything; the server refuses the change when the form is posted anyway.
Screenshots of the main pages go to screenshots/."""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser import chromium, page, screenshot, sign_in  # noqa: F401
from tests.postgres import free_port
from tests.served import Server, run_cli, serve

pytestmark = pytest.mark.serve
T = 218


@pytest.fixture
def mailing_server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    """`hireport serve` with the demo, mailing to an SMTP server that is not there: mail fails and is retried."""
    with serve(tmp_path, database_url, smtp_host="127.0.0.1", smtp_port=str(free_port()),
               delivery_retry_base="300") as running:
        yield running


def test_an_admin_works_through_the_console(mailing_server: Server, page: Page):  # noqa: F811
    server, base = mailing_server, mailing_server.base_url
    admin = next(p for p in server.demo["people"] if p["role"] == "admin")
    sign_in(page, base, admin["email"], admin["password"])
    expect(page).to_have_url(f"{base}/console/{T}/jobs")
    expect(page.locator("main h1")).to_have_text("Jobs")
    screenshot(page, "console-board")

    page.get_by_role("link", name="Marketing Coordinator").click()
    expect(page.locator("main h1")).to_contain_text("Marketing Coordinator")
    for target in ("waiting approval", "approved", "published"):
        page.get_by_role("button", name=f"Move to {target}").click()
        expect(page.locator(".notice")).to_contain_text("status changed")
        expect(page.locator("main h1 .badge")).to_have_text(target)
    screenshot(page, "console-job")
    page.get_by_role("button", name="Move to canceled").click()  # without a reason
    expect(page.locator(".problem")).to_contain_text(
        "cannot move the job to canceled: cancel_reason is required to cancel")
    expect(page.locator("main h1 .badge")).to_have_text("published")
    screenshot(page, "console-refused-move")
    page.get_by_role("button", name="Move to frozen").click()
    page.get_by_role("button", name="Move to closed").click()
    expect(page.locator("main h1 .badge")).to_have_text("closed")
    expect(page.locator("main")).to_contain_text("final")

    nav(page, "Jobs").click()
    page.get_by_role("link", name="Registered Nurse - Emergency").click()
    page.get_by_role("link", name="Applications").click()
    expect(page.locator("main h1")).to_contain_text("Applications for Registered Nurse - Emergency")
    screenshot(page, "console-applications")
    page.locator("tr:has(.s-hired) td:nth-child(2) a").first.click()  # hired: an offer, with its letter
    expect(page.locator("main h2", has_text="Application form")).to_be_visible()
    application_url = page.url
    with page.expect_download() as downloading:
        page.locator("a.download").first.click()
    assert Path(downloading.value.path()).read_bytes().startswith(b"%PDF")

    page.get_by_label("Package code").fill("STD-AU")
    page.get_by_label("Package name").fill("Standard (Australia)")
    page.get_by_role("button", name="Order the check").click()
    expect(page.locator(".notice")).to_contain_text("The background check is ordered")
    expect(page.locator("#checks ~ table, section[aria-labelledby=checks] table")).to_contain_text("pending")
    screenshot(page, "console-application")
    nav(page, "Background checks").click()
    expect(page).to_have_url(f"{base}/console/{T}/checks")
    expect(page.locator("main table")).to_contain_text("BG-1002")
    screenshot(page, "console-checks")

    send_a_mail(server, application_url)
    nav(page, "Messages").click()
    for _ in range(30):  # the delivery worker tries within a second or two
        if page.locator("main table").count() and "Connect" in page.locator("main table").inner_text():
            break
        time.sleep(0.5)
        page.reload()
    expect(page.locator("main table")).to_contain_text("Your application for Registered Nurse - Emergency")
    expect(page.locator("main table td:nth-child(5)")).to_have_text("1")
    screenshot(page, "console-messages")

    nav(page, "Integrations").click()
    page.locator("summary", has_text="Create an API token").click()
    page.get_by_label("Name").last.fill("browser test token")
    page.get_by_label("Gupy.Jobs.Read").last.check()
    page.get_by_role("button", name="Create the token").click()
    secret = page.locator("code.secret").inner_text()
    screenshot(page, "console-integrations-secret")
    bearer = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(f"{base}/api/v1/jobs", headers=bearer).status_code == 200
    nav(page, "Integrations").click()
    expect(page.locator("main")).not_to_contain_text(secret)
    page.locator("tr", has_text="browser test token").get_by_role("button", name="Revoke").click()
    expect(page.locator(".notice")).to_contain_text("The API token is revoked")
    assert httpx.get(f"{base}/api/v1/jobs", headers=bearer).status_code == 403  # at once
    screenshot(page, "console-integrations")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/account/signin"))
    page.goto(f"{base}/console/{T}/jobs")
    expect(page).to_have_url(re.compile(r"/account/signin"))


def nav(page: Page, name: str) -> Locator:  # noqa: F811
    return page.get_by_role("navigation", name="Console").get_by_role("link", name=name)


def send_a_mail(server: Server, application_url: str) -> None:
    """The feedback template, mailed to this application's candidate through the Gupy API."""
    operator = {"Authorization": f"Bearer {server.operator_credential}"}
    template = httpx.get(f"{server.base_url}/manage/v1/tenants/{T}/email-templates",
                         headers=operator).json()["items"][0]
    application_id = application_url.rstrip("/").rsplit("/", 1)[1]
    job_id = httpx.get(f"{server.base_url}/manage/v1/tenants/{T}/applications/{application_id}",
                       headers=operator).json()["job_id"]
    sent = httpx.post(f"{server.base_url}/api/v1/jobs/{job_id}/applications/{application_id}/messages",
                      headers={"Authorization": f"Bearer {server.demo['api_token']['token']}"},
                      json={"templateId": template["id"]})
    assert sent.status_code == 201, sent.text


def test_a_viewer_reads_without_javascript_and_changes_nothing(server: Server, chromium: Browser):  # noqa: F811
    run_cli(server.env, "users", "create", "--tenant", str(T), "--role", "viewer", "--email",
            "viewer@demo.example.com", "--name", "Vera Viewer", "--password", "a viewer's password")
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, server.base_url, "viewer@demo.example.com", "a viewer's password")
        expect(page).to_have_url(f"{server.base_url}/console/{T}/jobs")
        expect(nav(page, "Integrations")).to_have_count(0)
        page.get_by_role("link", name="Payroll Officer").click()
        expect(page.locator("main h1 .badge")).to_have_text("published")
        expect(page.locator("main form")).to_have_count(0)
        expect(page.locator("main button")).to_have_count(0)
        expect(page.locator("main")).to_contain_text("Your role (viewer) may read jobs, not move them.")
        screenshot(page, "console-viewer-job")
        job_url = page.url
        page.get_by_role("link", name="Applications").click()
        page.locator("tbody tr td:nth-child(2) a").first.click()
        expect(page.locator("main h2", has_text="Offers")).to_be_visible()
        expect(page.locator("main form")).to_have_count(0)

        csrf = page.locator("form.signout input[name=csrf]").get_attribute("value") or ""
        posted = page.request.post(f"{job_url}/status", form={"csrf": csrf, "status": "frozen"})
        assert posted.status == 403 and "the viewer role may not recruit" in posted.text()
        page.goto(job_url)
        expect(page.locator("main h1 .badge")).to_have_text("published")
    finally:
        context.close()
