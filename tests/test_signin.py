"""Signing people in: the session cookie, CSRF on every account form, throttling, expiry, sign-out and
password reset through the outbox over real SMTP; no password, session token or reset token in clear in
the database."""

import asyncio
import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hireport.app import build_runtime, create_app
from hireport.delivery.transports import SmtpTransport
from hireport.delivery.worker import DeliveryWorker
from hireport.kit.clock import FrozenClock
from hireport.kit.counters import ProcessCounters
from hireport.kit.errors import RateLimited
from hireport.kit.runtime import Runtime
from hireport.models import Account, Base, BrowserSession, Message, PasswordReset, RefreshToken, Role
from hireport.services import accounts, signin
from hireport.settings import Settings
from hireport.web.people import PRESESSION_COOKIE, SESSION_COOKIE
from tests import factories
from tests.gupy.conftest import Mailbox

EMAIL, PASSWORD = "ana@example.com", "correct horse battery"


@pytest.fixture
def ana(runtime: Runtime) -> int:
    factories.tenant(runtime, 218)
    with runtime.db.transaction() as session:
        account = accounts.create(session, email="Ana@Example.com", display_name="Ana", password=PASSWORD,
                                  clock=runtime.clock)
        accounts.add_member(session, account, tenant_id=218, role=Role.recruiter, clock=runtime.clock)
        return account.id


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found, "the page has no CSRF field"
    return found[1]


def sign_in(client: TestClient, email: str = EMAIL, password: str = PASSWORD, **extra: str):
    csrf = csrf_of(client.get("/account/signin").text)
    return client.post("/account/signin", data={"csrf": csrf, "email": email, "password": password, **extra},
                       follow_redirects=False)


def session_csrf(client: TestClient) -> str:
    """The CSRF token of a signed-in browser's forms (the sign-out form on a console page has it)."""
    return csrf_of(client.get("/console/218/jobs").text)


def alert(html: str) -> str:
    found = re.search(r'role="alert">([^<]*)<', html)
    return found[1] if found else ""


def signed_in(client: TestClient) -> bool:
    """The sign-in page sends a signed-in browser on (to the console)."""
    return client.get("/account/signin", follow_redirects=False).status_code == 303


def test_sign_in_sets_an_httponly_lax_session_cookie_kept_only_hashed(client: TestClient, ana: int, runtime: Runtime):
    response = sign_in(client, email="ANA@example.com")
    assert response.status_code == 303 and response.headers["location"] == "/console/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie and "Path=/" in cookie
    token = client.cookies[SESSION_COOKIE]
    with runtime.db.transaction(write=False) as session:
        rows = list(session.scalars(select(BrowserSession)))
    assert [r.account_id for r in rows] == [ana] and token not in repr([vars(r) for r in rows])
    assert signed_in(client)


def test_the_next_page_after_sign_in_stays_on_this_site(client: TestClient, ana: int):
    assert sign_in(client, next="/console/218/jobs").headers["location"] == "/console/218/jobs"
    client.cookies.clear()
    for elsewhere in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        assert sign_in(client, next=elsewhere).headers["location"] == "/console/"
        client.cookies.clear()


def test_the_session_cookie_is_secure_over_https(settings: Settings, ana: int):
    rt = build_runtime(settings.model_copy(update={"public_base_url": "https://hire.example.com"}))
    try:
        with TestClient(create_app(rt), base_url="https://hire.example.com") as https:
            response = sign_in(https)
            cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
            assert "Secure" in cookie
    finally:
        rt.db.dispose()


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client: TestClient, ana: int):
    wrong, unknown = sign_in(client, password="not the password"), sign_in(client, email="nobody@example.com")
    assert wrong.status_code == unknown.status_code == 400
    assert alert(wrong.text) == alert(unknown.text) == "That e-mail and password do not match an account."
    assert SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize("path", ["/account/signin", "/account/signout", "/account/reset", "/account/reset/x"])
def test_every_account_form_without_its_token_is_refused_and_changes_nothing(client: TestClient, ana: int,
                                                                               runtime: Runtime, path: str):
    sign_in(client)
    before = _dump(runtime)
    form = {"email": EMAIL, "password": "a brand new password"}
    for csrf in (None, "", "0" * 64):
        response = client.post(path, data=form if csrf is None else {**form, "csrf": csrf}, follow_redirects=False)
        assert response.status_code == 403, (path, csrf)
        assert "did not come from this site" in response.text
    assert _dump(runtime) == before
    assert signed_in(client)


def test_a_form_from_another_browser_is_refused(client: TestClient, ana: int, runtime: Runtime):
    """A CSRF token is only good with the cookie it was made for."""
    sign_in(client)
    theirs = session_csrf(client)
    with TestClient(create_app(runtime)) as other:
        other.get("/account/signin")
        response = other.post("/account/signin", data={"csrf": theirs, "email": EMAIL, "password": PASSWORD},
                              follow_redirects=False)
    assert response.status_code == 403


def test_sign_out_ends_the_session(client: TestClient, ana: int, runtime: Runtime):
    sign_in(client)
    token = client.cookies[SESSION_COOKIE]
    csrf = session_csrf(client)
    response = client.post("/account/signout", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/account/signin"
    with runtime.db.transaction(write=False) as session:
        assert session.scalar(select(BrowserSession.revoked_at)) is not None
    client.cookies.set(SESSION_COOKIE, token)  # the old cookie, kept by a thief
    assert not signed_in(client)


def test_a_session_ends_when_idle_and_at_its_absolute_expiry(client: TestClient, ana: int, clock: FrozenClock,
                                                             runtime: Runtime):
    idle, lifetime = runtime.settings.session_idle, runtime.settings.session_lifetime
    sign_in(client)
    clock.advance(idle - 5)
    assert signed_in(client)  # and its last use recorded
    clock.advance(idle - 5)
    assert signed_in(client)
    clock.advance(idle + 1)
    assert not signed_in(client)

    client.cookies.clear()
    sign_in(client)
    for _ in range(lifetime // (idle - 60)):
        clock.advance(idle - 60)
        assert signed_in(client)
    clock.advance(idle - 60)
    assert not signed_in(client)  # busy all along, yet past its absolute expiry


def test_a_disabled_account_is_signed_out(client: TestClient, ana: int, runtime: Runtime):
    sign_in(client)
    with runtime.db.transaction() as session:
        session.get(Account, ana).disabled_at = runtime.clock.now()  # type: ignore[union-attr]
    assert not signed_in(client)
    assert sign_in(client).status_code == 400


@pytest.fixture
def throttled(settings: Settings, clock: FrozenClock) -> Iterator[Runtime]:
    """The limits count by the test's clock: only the test moves their windows, however slow the machine."""
    rt = build_runtime(settings.model_copy(update={"signin_limit_account": "3/minute",
                                                   "signin_limit_address": "5/hour"}), clock=clock)
    yield rt
    rt.db.dispose()


def test_sign_in_is_throttled_per_account_then_lets_the_account_in_after_the_window(throttled: Runtime, ana: int,
                                                                                     clock: FrozenClock):
    with TestClient(create_app(throttled)) as client:
        assert sign_in(client, password="guess guess guess").status_code == 400
        clock.advance(20)
        for _ in range(2):
            assert sign_in(client, password="guess guess guess").status_code == 400
        refused = sign_in(client)  # even the right password, until the window has passed
        assert refused.status_code == 429
        assert alert(refused.text) == "Too many sign-in attempts. Wait a minute, then try again."
        assert refused.headers["Retry-After"] == "40", "the first attempt, 40 s ago, leaves the window in 40 s"
        assert SESSION_COOKIE not in client.cookies
        clock.advance(39)
        assert sign_in(client).status_code == 429, "the window has not passed yet"
        clock.advance(1)
        assert sign_in(client).status_code == 303


def test_sign_in_is_throttled_per_client_address(throttled: Runtime, ana: int, clock: FrozenClock):
    with TestClient(create_app(throttled)) as client:
        for n in range(5):
            assert sign_in(client, email=f"nobody{n}@example.com").status_code == 400
        assert sign_in(client).status_code == 429
        assert "nobody" not in alert(sign_in(client, email="who@example.com").text)
        clock.advance(3599)
        assert sign_in(client).status_code == 429, "the address's window is an hour, not the account's minute"
        clock.advance(1)
        assert sign_in(client).status_code == 303


def test_a_refused_attempt_is_told_when_the_limit_that_refused_lets_it_through():
    clock = FrozenClock()
    throttle = signin.Throttle(ProcessCounters(clock), per_account="2/minute", per_address="3/hour")
    throttle.attempt(email=EMAIL, address="192.0.2.1")
    clock.advance(15)
    throttle.attempt(email=EMAIL, address="192.0.2.1")
    with pytest.raises(RateLimited) as by_account:
        throttle.attempt(email=EMAIL, address="192.0.2.1")
    assert by_account.value.headers == {"Retry-After": "45"}, "when the first attempt leaves the minute"
    clock.advance(45)
    throttle.attempt(email=EMAIL, address="192.0.2.1")
    with pytest.raises(RateLimited) as by_address:
        throttle.attempt(email="someone@example.com", address="192.0.2.1")
    assert by_address.value.headers == {"Retry-After": str(3600 - 60)}, "when the first leaves the hour"


def test_every_page_carries_the_security_headers(client: TestClient, ana: int):
    for path in ("/account/signin", "/account/reset", "/account/reset/anything"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "same-origin"
        assert headers["x-content-type-options"] == "nosniff" and headers["cache-control"] == "no-store"
    assert "htmx" in client.get("/static/htmx.min.js").text[:200]


def _worker(runtime: Runtime, mailbox: Mailbox) -> DeliveryWorker:
    runtime.settings.smtp_host, runtime.settings.smtp_port = "127.0.0.1", mailbox.port
    return DeliveryWorker(runtime, SmtpTransport(runtime.settings))


def _reset_link(mail: EmailMessage) -> str:
    found = re.search(r"http://testserver(/account/reset/\S+)", mail.get_content())
    assert found, mail.get_content()
    return found[1]


def test_a_password_reset_goes_by_mail_works_once_and_ends_every_session(client: TestClient, ana: int,
                                                                               runtime: Runtime):
    sign_in(client)
    elsewhere = TestClient(create_app(runtime))
    sign_in(elsewhere)
    client.cookies.clear()
    page = client.get("/account/reset")
    for _ in range(2):  # two links: using one ends the other
        response = client.post("/account/reset", data={"csrf": csrf_of(page.text), "email": "ana@EXAMPLE.com"})
        assert "If an account has that e-mail" in response.text
    with runtime.db.transaction() as session:  # an application Ana authorized holds a refresh token
        session.add(RefreshToken(token_hash="0" * 64, family="f", client_id="app", account_id=ana, tenant_id=218,
                                 scopes=[], created_at=runtime.clock.now(), expires_at=runtime.clock.now()))
    mailbox = Mailbox().start()
    try:
        assert asyncio.run(_worker(runtime, mailbox).run_once()) == 2
    finally:
        mailbox.stop()
    mails = [message_from_bytes(m, policy=policy.default) for m in mailbox.received]
    assert all(isinstance(m, EmailMessage) for m in mails)
    mail, other = mails  # type: ignore[misc]
    assert mail["To"] == EMAIL and mail["Subject"] == "Reset your hireport password"
    link = _reset_link(mail)  # type: ignore[arg-type]
    sign_in(elsewhere)  # (the recruiter's console does not list mail to people: theirs alone)
    assert "Reset your hireport password" not in elsewhere.get("/console/218/messages").text
    token = link.rsplit("/", 1)[1]
    assert token not in _dump(runtime)  # the mail's body is sealed at rest, the token kept hashed

    form = client.get(link)
    short = client.post(link, data={"csrf": csrf_of(form.text), "password": "short"})
    assert short.status_code == 400 and "10 to 256 characters" in alert(short.text)
    done = client.post(link, data={"csrf": csrf_of(form.text), "password": "a brand new password"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/account/signin?changed=1"
    assert "Your password was changed" in client.get(done.headers["location"]).text
    assert not signed_in(elsewhere)
    assert sign_in(client).status_code == 400
    assert sign_in(client, password="a brand new password").status_code == 303

    with runtime.db.transaction(write=False) as session:
        assert session.scalar(select(RefreshToken.revoked_at)) is not None

    client.cookies.clear()
    for used in (link, _reset_link(other)):  # type: ignore[arg-type]
        again = client.post(used, data={"csrf": csrf_of(client.get(used).text), "password": "yet another password"})
        assert again.status_code == 400 and "used already or has expired" in alert(again.text)


def test_a_reset_page_carries_no_session_token_and_only_a_token_shaped_action(client: TestClient, ana: int):
    sign_in(client)
    mine = session_csrf(client)
    aimed = client.get("/account/reset/..%5C..%5Cconsole%5C218%5Cintegrations%5Ctokens%5C1%5Crevoke")
    assert aimed.status_code == 400 and "not valid" in alert(aimed.text)
    assert 'action="/account/reset/' not in aimed.text
    for page in (client.get("/account/reset"), client.get("/account/reset/" + "A" * 43)):
        assert csrf_of(page.text) != mine
    assert 'action="/account/reset/' + "A" * 43 + '"' in client.get("/account/reset/" + "A" * 43).text


def test_reset_requests_are_throttled_too(throttled: Runtime, ana: int):
    with TestClient(create_app(throttled)) as client:
        csrf = csrf_of(client.get("/account/reset").text)
        answers = [client.post("/account/reset", data={"csrf": csrf, "email": EMAIL}) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert alert(answers[-1].text) == "Too many password reset attempts. Wait a minute, then try again."
        assert answers[-1].headers["Retry-After"] == "60"
    with throttled.db.transaction(write=False) as session:
        assert len(session.scalars(select(Message.id)).all()) == 3


def test_the_account_limit_holds_however_the_email_is_spelled(throttled: Runtime, ana: int):
    with TestClient(create_app(throttled)) as client:
        for spelling in ("ana@example.com", "ANA@Example.com", "ana@\uff45xample.com"):
            assert sign_in(client, email=spelling, password="guess guess guess").status_code == 400
        assert sign_in(client, email="ana@\uff45xample.com").status_code == 429


def test_the_management_api_reads_mail_to_a_person(client: TestClient, ana: int, runtime: Runtime,
                                                   operator_headers: dict[str, str]):
    csrf = csrf_of(client.get("/account/reset").text)
    client.post("/account/reset", data={"csrf": csrf, "email": EMAIL})
    with runtime.db.transaction(write=False) as session:
        message_id = session.scalar(select(Message.id))
    found = client.get(f"/manage/v1/tenants/218/messages/{message_id}", headers=operator_headers)
    assert found.status_code == 200 and found.json()["application_id"] is None


def test_a_reset_link_expires(client: TestClient, ana: int, runtime: Runtime, clock: FrozenClock):
    with runtime.db.transaction() as session:
        throttle = signin.Throttle(runtime.rate_limits, per_account="9/minute", per_address="9/minute")
        signin.request_reset(session, throttle, EMAIL, address="127.0.0.1", link="x/", kek=runtime.kek,
                             sender="no-reply@x", clock=clock)
        body = session.scalar(select(Message.body))
    assert body is not None
    token = runtime.kek.unseal(body).split("x/", 1)[1].split()[0]
    clock.advance(signin.RESET_SECONDS + 1)
    page = client.get(f"/account/reset/{token}")
    response = client.post(f"/account/reset/{token}", data={"csrf": csrf_of(page.text), "password": "long enough pw"})
    assert response.status_code == 400 and "expired" in alert(response.text)


def test_a_reset_for_an_unknown_email_says_the_same_and_sends_nothing(client: TestClient, ana: int, runtime: Runtime):
    page = client.get("/account/reset")
    response = client.post("/account/reset", data={"csrf": csrf_of(page.text), "email": "nobody@example.com"})
    assert "If an account has that e-mail" in response.text
    with runtime.db.transaction(write=False) as session:
        assert session.scalar(select(Message.id)) is None and session.scalar(select(PasswordReset.id)) is None


def test_no_password_or_session_token_is_kept_in_clear(client: TestClient, ana: int, runtime: Runtime):
    sign_in(client)
    dump = _dump(runtime)
    assert PASSWORD not in dump and client.cookies[SESSION_COOKIE] not in dump
    assert client.cookies.get(PRESESSION_COOKIE) is None  # the pre-session cookie ends with sign-in
    with runtime.db.transaction(write=False) as session:
        assert session.scalar(select(Account.password_hash)).startswith("$argon2id$")  # type: ignore[union-attr]


def _dump(runtime: Runtime) -> str:
    with runtime.db.transaction(write=False) as session:
        return repr([session.execute(select(t)).all() for t in Base.metadata.sorted_tables])


HOSTILE_FORMS = [
    {}, {"csrf": ""}, {"email": "x" * 100_000, "password": "y" * 100_000},
    {"email": "\ud7ff\u202e", "next": "//" * 5000},
    {"email": ["a@example.com", "b@example.com"], "password": ["p", "q"]},
]


@pytest.mark.parametrize("path", ["/account/signin", "/account/signout", "/account/reset",
                                  "/account/reset/" + "t" * 5000])
def test_hostile_account_forms_get_a_page_never_a_fault(client: TestClient, ana: int, runtime: Runtime,
                                                        path: str):
    sign_in(client)
    csrf = session_csrf(client)
    before = _dump(runtime)
    for form in HOSTILE_FORMS:
        for data in (form, {**form, "csrf": csrf}):
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code < 500, (path, response.status_code)
            assert response.status_code == 303 or response.headers["content-type"].startswith("text/html")
    for body, kind in ((b'{"email": 1}', "application/json"), (b"\xff\xfe", "application/x-www-form-urlencoded"),
                       (b"--x\r\n\r\n", "multipart/form-data; boundary=x")):
        response = client.post(path, content=body, headers={"content-type": kind}, follow_redirects=False)
        assert response.status_code < 500, (path, kind, response.status_code)
    if path != "/account/signout":
        assert _dump(runtime) == before
