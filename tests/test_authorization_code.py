"""The authorization server for people: the authorization-code grant with PKCE (S256 only) through the consent
page, refresh tokens that rotate with reuse detection, revocation (RFC 7009) and discovery; every refusal in
its RFC 6749 shape (a page when nobody may be redirected), on SQLite and PostgreSQL."""

import base64
import hashlib
import re
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hireport.app import create_app
from hireport.kit.errors import InvalidInput
from hireport.kit.runtime import Runtime
from hireport.models import AuthorizationCode, Base, RefreshToken, Role
from hireport.services import accounts, authorization, identity
from hireport.services.identity import TokenRequestError
from tests import factories
from tests.factories import Credentials

EMAIL, PASSWORD = "ana@example.com", "correct horse battery"
REDIRECT = "https://rota.example.com/oauth/callback?from=hireport"
LOOPBACK = "http://127.0.0.1:8765/cb"
SCOPES = "Public.Job.Read Public.Offer.Read"
STATE = "s t&a=t/e%20é"  # passed through unchanged, however it is spelled


@dataclass
class World:
    http: TestClient
    rt: Runtime
    app: Credentials      # a partner's application that people authorize (tenants 218 and 219 use the partner)
    own: Credentials      # tenant 218's own application
    machine: Credentials  # a client-credentials client of tenant 218 (no redirect URIs)
    ana: int              # a member of 218 (recruiter), 219 (viewer) and 300 (which uses no partner)


def pkce() -> tuple[str, str]:
    """A verifier and its S256 challenge, computed here as RFC 7636 4.2 says (not with the server's code)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _client(rt: Runtime, name: str, *, tenant_id: int | None = None, partner: str | None = None,
            redirect_uris: list[str] | None = None) -> Credentials:
    with rt.db.transaction() as session:
        client, secret = identity.create_client(session, name=name, scopes=SCOPES, tenant_id=tenant_id,
                                                partner_code=partner, clock=rt.clock, redirect_uris=redirect_uris)
    return Credentials(client.client_id, secret)


@pytest.fixture
def world(runtime: Runtime, client: TestClient) -> World:
    for tenant_id, name in ((218, "Acme"), (219, "Beta"), (300, "Gamma")):
        factories.tenant(runtime, tenant_id, name)
    factories.partner(runtime, "rota", tenants=(218, 219))
    app = _client(runtime, "Rota Planner", partner="rota", redirect_uris=[REDIRECT, LOOPBACK])
    own = _client(runtime, "Acme Intranet", tenant_id=218, redirect_uris=[REDIRECT])
    machine = _client(runtime, "Acme Sync", tenant_id=218)
    with runtime.db.transaction() as session:
        account = accounts.create(session, email=EMAIL, display_name="Ana", password=PASSWORD, clock=runtime.clock)
        for tenant_id, role in ((218, Role.recruiter), (219, Role.viewer), (300, Role.admin)):
            accounts.add_member(session, account, tenant_id=tenant_id, role=role, clock=runtime.clock)
    return World(client, runtime, app, own, machine, account.id)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found, "the page has no CSRF field"
    return found[1]


def sign_in(http: TestClient) -> None:
    csrf = csrf_of(http.get("/account/signin").text)
    response = http.post("/account/signin", data={"csrf": csrf, "email": EMAIL, "password": PASSWORD},
                         follow_redirects=False)
    assert response.status_code == 303


def params(creds: Credentials, challenge: str, **changed: str | None) -> dict[str, str]:
    base = {"response_type": "code", "client_id": creds.client_id, "redirect_uri": REDIRECT, "scope": SCOPES,
            "state": STATE, "code_challenge": challenge, "code_challenge_method": "S256"}
    return {k: v for k, v in {**base, **changed}.items() if v is not None}


def query_of(location: str) -> dict[str, str]:
    found = parse_qs(urlsplit(location).query, keep_blank_values=True)
    assert all(len(v) == 1 for v in found.values()), location
    return {k: v[0] for k, v in found.items()}


def consent(w: World, creds: Credentials, challenge: str, *, tenant: str = "218", decision: str = "allow",
            **changed: str | None):
    """Open the consent page (signed in) and submit it."""
    page = w.http.get("/account/authorize", params=params(creds, challenge, **changed), follow_redirects=False)
    assert page.status_code == 200, page.text
    form = {**params(creds, challenge, **changed), "csrf": csrf_of(page.text), "decision": decision, "tenant": tenant}
    return w.http.post("/account/authorize", data=form, follow_redirects=False)


def code_for(w: World, creds: Credentials | None = None, *, tenant: str = "218", **changed: str) -> tuple[str, str]:
    """A fresh code (and its verifier) for `creds` (the partner's application by default), for `tenant`."""
    creds = creds or w.app
    verifier, challenge = pkce()
    answer = consent(w, creds, challenge, tenant=tenant, **changed)
    assert answer.status_code == 303, answer.text
    return query_of(answer.headers["location"])["code"], verifier


def exchange(w: World, code: str, verifier: str, /, creds: Credentials | None = None, **changed: str | None):
    creds = creds or w.app
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
            "client_id": creds.client_id, "client_secret": creds.client_secret, **changed}
    return w.http.post("/connect/token", data={k: v for k, v in form.items() if v is not None})


def refreshed(w: World, token: str, creds: Credentials | None = None, **extra: str):
    creds = creds or w.app
    return w.http.post("/connect/token", data={"grant_type": "refresh_token", "refresh_token": token,
                                               "client_id": creds.client_id, "client_secret": creds.client_secret,
                                               **extra})


def revoked(w: World, token: str, creds: Credentials | None = None):
    creds = creds or w.app
    return w.http.post("/connect/revocation", data={"token": token, "client_id": creds.client_id,
                                                    "client_secret": creds.client_secret})


def claims(http: TestClient, token: str) -> dict:
    jwks = http.get("/.well-known/openid-configuration/jwks").json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid))
    return jwt.decode(token, key.key, algorithms=["RS256"], audience="http://testserver/resources",
                      options={"verify_exp": False, "verify_nbf": False, "verify_iat": False})


def refused(response, error: str, status: int = 400) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error, body
    assert "access_token" not in body and "refresh_token" not in body
    assert response.headers["cache-control"] == "no-store"
    return str(body["error_description"])


def _dump(rt: Runtime) -> str:
    with rt.db.transaction(write=False) as session:
        return repr([session.execute(select(t)).all() for t in Base.metadata.sorted_tables])


def _codes(rt: Runtime) -> list[AuthorizationCode]:
    with rt.db.transaction(write=False) as session:
        return list(session.scalars(select(AuthorizationCode)))


# -- the authorization endpoint ------------------------------------------------------------------------

def test_a_person_authorizes_an_application_for_a_tenant_they_choose(world: World):
    w = world
    verifier, challenge = pkce()
    request = params(w.app, challenge)
    first = w.http.get("/account/authorize", params=request, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/account/signin?next=")
    back_to = parse_qs(urlsplit(first.headers["location"]).query)["next"][0]
    assert back_to.startswith("/account/authorize?") and query_of(back_to) == request

    csrf = csrf_of(w.http.get("/account/signin").text)
    signed_in = w.http.post("/account/signin", data={"csrf": csrf, "email": EMAIL, "password": PASSWORD,
                                                     "next": back_to}, follow_redirects=False)
    assert signed_in.headers["location"] == back_to, "the sign-in page sends the person back to the request"
    page = w.http.get(back_to)
    assert page.status_code == 200
    assert "Rota Planner" in page.text and "Public.Job.Read" in page.text and "Public.Offer.Read" in page.text
    offered = re.findall(r'<option value="(\d+)">', page.text)
    assert offered == ["218", "219"], "the person's tenants that use the partner; not 300"
    assert page.headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in page.headers[
        "content-security-policy"]

    form = {**request, "csrf": csrf_of(page.text), "decision": "allow", "tenant": "219"}
    answer = w.http.post("/account/authorize", data=form, follow_redirects=False)
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith(REDIRECT + "&code="), "the registered URI, its own query kept"
    sent = query_of(location)
    assert sent["state"] == STATE and sent["from"] == "hireport" and set(sent) == {"from", "code", "state"}

    tokens = exchange(w, sent["code"], verifier)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "refresh_token"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300 and body["scope"] == SCOPES
    assert tokens.headers["cache-control"] == "no-store"
    said = claims(w.http, body["access_token"])
    assert said["sub"] == str(w.ana) and said["instanceid"] == "219" and said["client_id"] == w.app.client_id
    assert said["scope"] == SCOPES.split() and said["partner_id"]
    caller = w.rt.tokens.verify(body["access_token"])
    assert caller.account_id == w.ana and caller.tenant_id == 219
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert w.http.get("/v3/219/recruitment/hire/jobs", headers=bearer).status_code == 200
    assert w.http.get("/v3/218/recruitment/hire/jobs", headers=bearer).status_code == 403, "only the chosen tenant"


def test_a_tenants_own_application_is_offered_only_that_tenant_and_another_is_refused(world: World):
    w = world
    sign_in(w.http)
    _, challenge = pkce()
    page = w.http.get("/account/authorize", params=params(w.own, challenge))
    assert re.findall(r'<option value="(\d+)">', page.text) == ["218"]
    before = _dump(w.rt)
    for tenant in ("219", "300", "999", "", "two", "9" * 5000, "218 "):
        answer = consent(w, w.own, challenge, tenant=tenant)
        assert answer.status_code == 403, (tenant, answer.text)
        assert "location" not in answer.headers and "cannot authorize Acme Intranet" in answer.text
    for tenant in ("300", "1"):  # a member of 300, which does not use the partner; 1 is nobody's
        assert consent(w, w.app, challenge, tenant=tenant).status_code == 403
    assert _dump(w.rt) == before, "no code was made"


def test_a_person_with_no_tenant_the_application_may_act_for_can_only_go_back(world: World, runtime: Runtime):
    w = world
    with runtime.db.transaction() as session:
        accounts.remove_member(session, account_id=w.ana, tenant_id=218)
    sign_in(w.http)
    _, challenge = pkce()
    page = w.http.get("/account/authorize", params=params(w.own, challenge))
    assert page.status_code == 200 and "not a member of any tenant" in page.text
    assert 'value="allow"' not in page.text and "<select" not in page.text
    answer = consent(w, w.own, challenge, decision="deny", tenant="")
    assert query_of(answer.headers["location"])["error"] == "access_denied"
    assert consent(w, w.own, challenge, tenant="218").status_code == 403


def test_denying_sends_access_denied_with_the_state(world: World):
    sign_in(world.http)
    _, challenge = pkce()
    answer = consent(world, world.app, challenge, decision="deny")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(REDIRECT + "&")
    sent = query_of(answer.headers["location"])
    assert sent["error"] == "access_denied" and sent["state"] == STATE and sent["error_description"]
    assert "code" not in sent and not _codes(world.rt)


def test_the_consent_form_needs_its_csrf_token_and_a_signed_in_person(world: World, runtime: Runtime):
    w = world
    sign_in(w.http)
    _, challenge = pkce()
    form = {**params(w.app, challenge), "decision": "allow", "tenant": "218"}
    for csrf in (None, "", "0" * 64):
        answer = w.http.post("/account/authorize", data=form if csrf is None else {**form, "csrf": csrf},
                             follow_redirects=False)
        assert answer.status_code == 403 and "did not come from this site" in answer.text
    with TestClient(create_app(runtime)) as stranger:
        csrf = csrf_of(stranger.get("/account/signin").text)
        answer = stranger.post("/account/authorize", data={**form, "csrf": csrf}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/account/signin")
    assert not _codes(runtime)


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_unknown_client_or_unregistered_redirect_uri_is_a_page_never_a_redirect(world: World, runtime: Runtime,
                                                                                    signed_in: bool):
    w = world
    if signed_in:
        sign_in(w.http)
    gone = _client(runtime, "Gone", tenant_id=218, redirect_uris=[REDIRECT])
    with runtime.db.transaction() as session:
        identity.revoke_client(session, identity.get_client(session, gone.client_id), clock=runtime.clock)
    _, challenge = pkce()
    cases = [
        {"client_id": None}, {"client_id": "nobody"}, {"client_id": "x" * 5000}, {"client_id": w.machine.client_id},
        {"client_id": gone.client_id}, {"redirect_uri": None}, {"redirect_uri": "https://evil.example/cb"},
        {"redirect_uri": REDIRECT + "&x=1"}, {"redirect_uri": REDIRECT.upper()}, {"redirect_uri": LOOPBACK + "/"},
        {"redirect_uri": "http://127.0.0.1:8766/cb"}, {"redirect_uri": REDIRECT + "#frag"},
        {"redirect_uri": "x" * 10_000}, {"redirect_uri": None, "state": None, "response_type": "token"},
    ]
    for changed in cases:
        answer = w.http.get("/account/authorize", params=params(w.app, challenge, **changed), follow_redirects=False)
        assert answer.status_code == 400, (changed, answer.status_code)
        assert "location" not in answer.headers, changed
        assert answer.headers["content-type"].startswith("text/html")
        assert "Nothing was authorized" in answer.text, changed
    duplicated = [*params(w.app, challenge).items(), ("redirect_uri", LOOPBACK)]
    assert w.http.get("/account/authorize", params=duplicated, follow_redirects=False).status_code == 400
    assert not _codes(runtime)


def test_other_refusals_are_redirected_to_the_client_with_the_state(world: World, runtime: Runtime):
    """Before and after signing in: a bad request is refused before anyone is asked to sign in."""
    w = world
    _, challenge = pkce()
    cases = [
        ({"state": None}, "invalid_request", "state is required", False),
        ({"state": ""}, "invalid_request", "state is required", False),
        ({"state": "s" * 2001}, "invalid_request", "state is longer", False),
        ({"response_type": "token"}, "unsupported_response_type", "code", True),
        ({"response_type": "code token"}, "unsupported_response_type", "code", True),
        ({"response_type": None}, "invalid_request", "response_type is required", True),
        ({"code_challenge": None}, "invalid_request", "code_challenge is required", True),
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request", "code_challenge", True),
        ({"code_challenge_method": "plain"}, "invalid_request", "S256", True),
        ({"code_challenge_method": None}, "invalid_request", "S256", True),
        ({"code_challenge_method": "s256"}, "invalid_request", "S256", True),
        ({"code_challenge": "short"}, "invalid_request", "43 characters", True),
        ({"code_challenge": "!" * 43}, "invalid_request", "43 characters", True),
        ({"code_challenge": challenge + "a"}, "invalid_request", "43 characters", True),
        ({"scope": "Public.Job.Read Public.Job.Write"}, "invalid_scope", "Public.Job.Write", True),
        ({"scope": "Nonsense.Scope"}, "invalid_scope", "Nonsense.Scope", True),
        ({"scope": "x" * 5_000}, "invalid_scope", "may not ask for scope", True),
    ]
    for signed_in in (False, True):
        if signed_in:
            sign_in(w.http)
        for changed, error, words, with_state in cases:
            answer = w.http.get("/account/authorize", params=params(w.app, challenge, **changed),
                                follow_redirects=False)
            assert answer.status_code == 303, (changed, answer.text)
            location = answer.headers["location"]
            assert location.startswith(REDIRECT + "&"), (changed, location)
            sent = query_of(location)
            assert sent["error"] == error and words in sent["error_description"], (changed, sent)
            assert len(sent["error_description"]) < 400
            assert sent.get("state") == (STATE if with_state else None), changed
            assert "code" not in sent
    repeated = [*params(w.app, challenge).items(), ("scope", "Public.Job.Read")]
    sent = query_of(w.http.get("/account/authorize", params=repeated, follow_redirects=False).headers["location"])
    assert sent["error"] == "invalid_request" and "more than once" in sent["error_description"]
    assert sent["state"] == STATE
    assert not _codes(runtime)


def test_no_scope_asked_means_every_scope_of_the_client_and_a_narrower_one_is_kept(world: World):
    w = world
    sign_in(w.http)
    code, verifier = code_for(w, scope="")
    assert exchange(w, code, verifier).json()["scope"] == SCOPES
    code, verifier = code_for(w, scope="Public.Offer.Read")
    body = exchange(w, code, verifier).json()
    assert body["scope"] == "Public.Offer.Read"
    assert refreshed(w, body["refresh_token"]).json()["scope"] == "Public.Offer.Read"


def test_the_loopback_redirect_uri_works_too(world: World):
    w = world
    sign_in(w.http)
    verifier, challenge = pkce()
    answer = consent(w, w.app, challenge, redirect_uri=LOOPBACK)
    assert answer.headers["location"].startswith(LOOPBACK + "?code=")
    code = query_of(answer.headers["location"])["code"]
    assert exchange(w, code, verifier, redirect_uri=REDIRECT).status_code == 400, "not the request's redirect URI"
    code, verifier = code_for(w, redirect_uri=LOOPBACK)
    assert exchange(w, code, verifier, redirect_uri=LOOPBACK).status_code == 200


# -- the token endpoint: codes ---------------------------------------------------------------------------

def test_a_code_is_used_once_and_a_reuse_revokes_what_it_gave(world: World):
    w = world
    sign_in(w.http)
    code, verifier = code_for(w)
    first = exchange(w, code, verifier)
    assert first.status_code == 200
    rotated = refreshed(w, first.json()["refresh_token"])
    assert rotated.status_code == 200
    assert "used already" in refused(exchange(w, code, verifier), "invalid_grant")
    assert "revoked" in refused(refreshed(w, rotated.json()["refresh_token"]), "invalid_grant"), \
        "the refresh tokens issued from the reused code (the rotated one too) are revoked"


def test_a_wrong_verifier_or_redirect_uri_is_invalid_grant_and_spends_the_code(world: World):
    w = world
    sign_in(w.http)
    for wrong in ({"code_verifier": pkce()[0]}, {"redirect_uri": LOOPBACK}, {"redirect_uri": REDIRECT + "&x=1"}):
        code, verifier = code_for(w)
        refused(exchange(w, code, verifier, **wrong), "invalid_grant")
        refused(exchange(w, code, verifier), "invalid_grant")
    _, challenge = pkce()
    code = query_of(consent(w, w.app, challenge).headers["location"])["code"]
    refused(exchange(w, code, challenge), "invalid_grant")  # the challenge itself is no verifier


def test_a_code_expires_after_60_seconds(world: World, clock):
    w = world
    sign_in(w.http)
    code, verifier = code_for(w)
    clock.advance(59)
    assert exchange(w, code, verifier).status_code == 200
    code, verifier = code_for(w)
    clock.advance(61)
    assert "expired" in refused(exchange(w, code, verifier), "invalid_grant")
    with w.rt.db.transaction(write=False) as session:
        row = session.scalar(select(AuthorizationCode).where(AuthorizationCode.used_at.is_(None)))
        assert row is not None and (row.expires_at - row.created_at).total_seconds() == 60


def test_a_code_is_bound_to_its_client(world: World):
    w = world
    sign_in(w.http)
    code, verifier = code_for(w)
    refused(exchange(w, code, verifier, creds=w.own), "invalid_grant")
    refused(exchange(w, code, verifier, creds=w.machine), "invalid_grant")
    assert exchange(w, code, verifier).status_code == 200, "another client's attempt did not spend it"


@pytest.mark.parametrize(("changed", "error", "status"), [
    ({"code": None}, "invalid_request", 400),
    ({"redirect_uri": None}, "invalid_request", 400),
    ({"code_verifier": None}, "invalid_request", 400),
    ({"code_verifier": "short"}, "invalid_request", 400),
    ({"code_verifier": "é" * 50}, "invalid_request", 400),
    ({"code_verifier": "a" * 129}, "invalid_request", 400),
    ({"code": "hrc_not-a-code"}, "invalid_grant", 400),
    ({"code": "c" * 60_000}, "invalid_grant", 400),
    ({"client_secret": "wrong"}, "invalid_client", 400),
    ({"client_id": "nobody"}, "invalid_client", 400),
    ({"client_secret": None}, "invalid_client", 400),
    ({"grant_type": "password"}, "unsupported_grant_type", 400),
    ({"grant_type": "urn:ietf:params:oauth:grant-type:device_code"}, "unsupported_grant_type", 400),
])
def test_refusals_at_the_token_endpoint_are_rfc6749_errors(world: World, changed: dict, error: str, status: int):
    w = world
    sign_in(w.http)
    code, verifier = code_for(w)
    refused(exchange(w, code, verifier, **changed), error, status)
    if error != "invalid_grant":
        assert exchange(w, code, verifier).status_code == 200, "a malformed request does not spend the code"


def test_client_authentication_with_basic_and_repeated_parameters(world: World):
    w = world
    sign_in(w.http)
    code, verifier = code_for(w)
    basic = base64.b64encode(f"{w.app.client_id}:wrong".encode()).decode()
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    answer = w.http.post("/connect/token", data=form, headers={"Authorization": f"Basic {basic}"})
    refused(answer, "invalid_client", 401)
    assert answer.headers["www-authenticate"].startswith("Basic")
    fields = [*form.items(), ("code", code), ("client_id", w.app.client_id), ("client_secret", w.app.client_secret)]
    twice = w.http.post("/connect/token", content=urlencode(fields),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert "more than once" in refused(twice, "invalid_request")
    basic = base64.b64encode(f"{w.app.client_id}:{w.app.client_secret}".encode()).decode()
    answer = w.http.post("/connect/token", data=form, headers={"Authorization": f"Basic {basic}"})
    assert answer.status_code == 200 and answer.json()["refresh_token"]


def test_two_concurrent_exchanges_of_one_code_give_one_grant(world: World):
    w = world
    sign_in(w.http)
    code, verifier = code_for(w)
    start = threading.Barrier(4)

    def attempt(_: int) -> str:
        start.wait()
        try:
            authorization.exchange_code(w.rt.db, w.rt.tokens, client_id=w.app.client_id,
                                        client_secret=w.app.client_secret, code=code, redirect_uri=REDIRECT,
                                        code_verifier=verifier, clock=w.rt.clock)
        except TokenRequestError as exc:
            return exc.error.value
        return "granted"

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(attempt, range(4)))
    assert outcomes == ["granted", "invalid_grant", "invalid_grant", "invalid_grant"]


def test_a_person_no_longer_a_member_gets_no_tokens(world: World, runtime: Runtime):
    w = world
    sign_in(w.http)
    code, verifier = code_for(w, tenant="219")
    refresh_token = exchange(w, *code_for(w, tenant="219")).json()["refresh_token"]
    with runtime.db.transaction() as session:
        accounts.remove_member(session, account_id=w.ana, tenant_id=219)
    assert "no longer" in refused(exchange(w, code, verifier), "invalid_grant")
    assert "no longer" in refused(refreshed(w, refresh_token), "invalid_grant")


# -- refresh tokens ----------------------------------------------------------------------------------------

def test_refresh_tokens_rotate_and_a_replayed_one_revokes_its_family(world: World):
    w = world
    sign_in(w.http)
    first = exchange(w, *code_for(w, tenant="219")).json()
    other_family = exchange(w, *code_for(w)).json()["refresh_token"]
    second = refreshed(w, first["refresh_token"])
    assert second.status_code == 200 and second.headers["cache-control"] == "no-store"
    body = second.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "refresh_token"}
    assert body["refresh_token"] != first["refresh_token"]
    said = claims(w.http, body["access_token"])
    assert said["sub"] == str(w.ana) and said["instanceid"] == "219" and said["scope"] == SCOPES.split()
    third = refreshed(w, body["refresh_token"]).json()["refresh_token"]

    assert "used already" in refused(refreshed(w, first["refresh_token"]), "invalid_grant")
    assert "revoked" in refused(refreshed(w, third), "invalid_grant"), "the newest of the family stops too"
    assert refreshed(w, other_family).status_code == 200, "another grant's family is untouched"


def test_a_refresh_may_narrow_the_scope_but_not_widen_it(world: World):
    w = world
    sign_in(w.http)
    token = exchange(w, *code_for(w, scope="Public.Job.Read")).json()["refresh_token"]
    for wider in ("Public.Job.Read Public.Offer.Read", "Public.Job.Write", "x" * 10_000):
        refused(refreshed(w, token, scope=wider), "invalid_scope")
    narrower = refreshed(w, token, scope="Public.Job.Read")  # the refused ones did not spend it
    assert narrower.status_code == 200
    code, verifier = code_for(w)
    full = exchange(w, code, verifier).json()["refresh_token"]
    narrowed = refreshed(w, full, scope="Public.Offer.Read").json()
    assert narrowed["scope"] == "Public.Offer.Read"
    assert claims(w.http, narrowed["access_token"])["scope"] == ["Public.Offer.Read"]
    assert refreshed(w, narrowed["refresh_token"]).json()["scope"] == SCOPES, "the grant keeps its scopes"


def test_a_refresh_token_expires_after_30_days(world: World, clock):
    w = world
    sign_in(w.http)
    token = exchange(w, *code_for(w)).json()["refresh_token"]
    clock.advance(30 * 86_400 - 1)
    token = refreshed(w, token).json()["refresh_token"]
    clock.advance(30 * 86_400 + 1)
    assert "expired" in refused(refreshed(w, token), "invalid_grant")


def test_refresh_refusals(world: World):
    w = world
    sign_in(w.http)
    token = exchange(w, *code_for(w)).json()["refresh_token"]
    refused(refreshed(w, token, creds=w.own), "invalid_grant")
    refused(refreshed(w, "hrr_unknown"), "invalid_grant")
    refused(refreshed(w, "r" * 60_000), "invalid_grant")
    refused(w.http.post("/connect/token", data={"grant_type": "refresh_token", "client_id": w.app.client_id,
                                                "client_secret": w.app.client_secret}), "invalid_request")
    refused(refreshed(w, token, creds=Credentials(w.app.client_id, "wrong")), "invalid_client")
    assert refreshed(w, token).status_code == 200, "none of these spent it"


# -- revocation -------------------------------------------------------------------------------------------

def test_revocation_ends_the_family_and_answers_200_for_what_the_client_does_not_hold(world: World):
    w = world
    sign_in(w.http)
    token = exchange(w, *code_for(w)).json()["refresh_token"]
    successor = refreshed(w, token).json()
    theirs = exchange(w, *code_for(w, creds=w.own), creds=w.own).json()["refresh_token"]
    for unknown in ("hrr_unknown", "x" * 60_000, successor["access_token"], theirs):
        answer = revoked(w, unknown)
        assert answer.status_code == 200 and answer.content == b"", unknown[:20]
        assert answer.headers["cache-control"] == "no-store"
    assert refreshed(w, theirs, creds=w.own).status_code == 200, "another client's token is not revoked"
    assert revoked(w, token).status_code == 200  # a used token of the family: the family goes
    assert "revoked" in refused(refreshed(w, successor["refresh_token"]), "invalid_grant")
    assert revoked(w, token).status_code == 200, "idempotent"


def test_revocation_requires_client_authentication(world: World):
    w = world
    sign_in(w.http)
    token = exchange(w, *code_for(w)).json()["refresh_token"]
    refused(w.http.post("/connect/revocation", data={"token": token}), "invalid_request")
    refused(revoked(w, token, creds=Credentials(w.app.client_id, "wrong")), "invalid_client")
    basic = base64.b64encode(f"{w.app.client_id}:wrong".encode()).decode()
    answer = w.http.post("/connect/revocation", data={"token": token}, headers={"Authorization": f"Basic {basic}"})
    refused(answer, "invalid_client", 401)
    refused(w.http.post("/connect/revocation", data={"client_id": w.app.client_id,
                                                     "client_secret": w.app.client_secret}), "invalid_request")
    refused(w.http.post("/connect/revocation", json={"token": token}), "invalid_request")
    assert refreshed(w, token).status_code == 200, "nothing was revoked"
    basic = base64.b64encode(f"{w.app.client_id}:{w.app.client_secret}".encode()).decode()
    answer = w.http.post("/connect/revocation", data={"token": token, "token_type_hint": "what-ever"},
                         headers={"Authorization": f"Basic {basic}"})
    assert answer.status_code == 200


# -- discovery, registration, storage ------------------------------------------------------------------

def test_discovery_names_the_authorization_and_revocation_endpoints(client: TestClient):
    doc = client.get("/.well-known/openid-configuration").json()
    assert doc["authorization_endpoint"] == "http://testserver/account/authorize"
    assert doc["revocation_endpoint"] == "http://testserver/connect/revocation"
    assert doc["token_endpoint"] == "http://testserver/connect/token"
    assert {"authorization_code", "refresh_token", "client_credentials"} <= set(doc["grant_types_supported"])
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert "code" in doc["response_types_supported"]
    assert "sub" in doc["claims_supported"]


def test_redirect_uris_are_registered_through_the_management_api(client: TestClient, runtime: Runtime,
                                                                  operator_headers: dict[str, str]):
    factories.tenant(runtime, 218)
    good = ["https://app.example.com/cb?x=1", "http://localhost:3000/cb", "http://[::1]/cb", "http://127.0.0.1/cb"]
    made = client.post("/manage/v1/clients", headers=operator_headers,
                       json={"name": "App", "scopes": "Public.Job.Read", "tenant_id": 218, "redirect_uris": good})
    assert made.status_code == 201, made.text
    assert made.json()["redirect_uris"] == good
    read = client.get(f"/manage/v1/clients/{made.json()['client_id']}", headers=operator_headers).json()
    assert read["redirect_uris"] == good
    plain = client.post("/manage/v1/clients", headers=operator_headers,
                        json={"name": "Sync", "scopes": "Public.Job.Read", "tenant_id": 218}).json()
    assert plain["redirect_uris"] == []
    bad = [["http://app.example.com/cb"], ["https://app.example.com/cb#x"], ["https://app.example.com/cb#"],
           ["/cb"], ["app.example.com/cb"], ["ftp://app.example.com/cb"], ["javascript:alert(1)"],
           ["https://user:pw@app.example.com/cb"], ["https://app.example.com:99999/cb"], ["https:///cb"],
           ["https://app.example.com/c b"], ["https://app.example.com/\tcb"], [""],
           ["https://app.example.com/" + "x" * 2000], [f"https://app.example.com/{i}" for i in range(11)],
           "https://app.example.com/cb", [1], [None], ["http://127.0.0.1.evil.example/cb"]]
    before = _dump(runtime)
    for uris in bad:
        answer = client.post("/manage/v1/clients", headers=operator_headers,
                             json={"name": "App", "scopes": "Public.Job.Read", "tenant_id": 218, "redirect_uris": uris})
        assert answer.status_code == 400, (uris, answer.text)
    assert _dump(runtime) == before


def test_the_service_bounds_redirect_uris_whoever_calls_it():
    assert identity.checked_redirect_uris(["https://a.example/cb", "https://a.example/cb"]) == ["https://a.example/cb"]
    for uris in ([f"https://a.example/{i}" for i in range(11)], ["https://a.example/" + "x" * 2000], [""],
                 ["http://10.0.0.1/cb"], ["https://a.example/\x00"]):
        with pytest.raises(InvalidInput):
            identity.checked_redirect_uris(uris)


def test_no_code_or_refresh_token_is_stored_in_clear(world: World):
    w = world
    sign_in(w.http)
    code, verifier = code_for(w)
    body = exchange(w, code, verifier).json()
    spare, _ = code_for(w)
    stored = _dump(w.rt)
    for secret in (code, spare, body["refresh_token"], verifier):
        assert secret not in stored
    with w.rt.db.transaction(write=False) as session:
        hashes = set(session.scalars(select(RefreshToken.token_hash))) | set(
            session.scalars(select(AuthorizationCode.code_hash)))
    assert hashlib.sha256(body["refresh_token"].encode()).hexdigest() in hashes
    assert hashlib.sha256(spare.encode()).hexdigest() in hashes


def test_a_viewer_may_let_an_application_read_but_not_change(world: World, runtime: Runtime):
    w = world
    with runtime.db.transaction() as session:
        client, secret = identity.create_client(session, name="Rota Writer", scopes=SCOPES + " Public.Job.Write",
                                                partner_code="rota", clock=runtime.clock, redirect_uris=[REDIRECT])
    writer, writes = Credentials(client.client_id, secret), SCOPES + " Public.Job.Write"
    sign_in(w.http)
    assert consent(w, writer, pkce()[1], tenant="218", scope=writes).status_code == 303  # a recruiter of 218 may
    before = len(_codes(runtime))
    answer = consent(w, writer, pkce()[1], tenant="219", scope=writes)  # a viewer of 219 may not
    assert answer.status_code == 403 and "may only let applications read" in answer.text
    assert len(_codes(runtime)) == before
    reading, verifier = code_for(w, writer, tenant="219", scope=SCOPES)  # reading alone is fine
    assert exchange(w, reading, verifier, creds=writer).status_code == 200

    code, verifier = code_for(w, writer, tenant="218", scope=writes)
    refresh_token = exchange(w, code, verifier, creds=writer).json()["refresh_token"]
    with runtime.db.transaction() as session:
        accounts.add_member(session, accounts.get(session, w.ana), tenant_id=218, role=Role.viewer,
                            clock=runtime.clock)
    assert "no longer" in refused(refreshed(w, refresh_token, creds=writer), "invalid_grant")
