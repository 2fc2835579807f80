"""A real browser for the page tests: Debian's `chromium`, driven by Playwright (never a downloaded browser),
and axe-core to check what a page shows for accessibility.

Screenshots go to `screenshots/` at the repository root (git ignores it), one PNG per name, so that a person
can look at what the pages showed in the last run.
"""

import shutil
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
# As root, in a sandbox with no network: no sandbox of chromium's own, and none of its background traffic.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One browser per test module: Playwright's sync API keeps an event loop running in this thread while it
    lives, so it ends with the module (a later `asyncio.run` in the same worker would be refused)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A page in a fresh browser context (its own cookies)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Sign in through the sign-in page, as a person would."""
    page.goto(f"{base_url}/account/signin")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


AXE = (files("axe_playwright_python") / "axe.min.js").read_text()
SERIOUS = ("serious", "critical")


def serious_violations(page: Page) -> list[str]:
    """What axe-core (the one `axe-playwright-python` ships) finds serious or critical on the page as shown: each
    rule with the elements that break it. Loaded through the DevTools protocol, which the page's CSP does not
    govern, so the page is checked as served."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in results["violations"] if v["impact"] in SERIOUS]
