"""Bearer tokens: signature, expiry by the injected clock, audience, scopes, checked at the door."""

import asyncio
import threading

import jwt
import pytest
from starlette.testclient import TestClient

from hireport.app import create_app
from hireport.kit import auth
from hireport.kit.auth import RecentlyRevoked, TokenAuthority, TokenClaims
from hireport.kit.clock import FrozenClock
from hireport.kit.errors import Unauthenticated
from hireport.kit.keys import SigningKey
from hireport.kit.runtime import Runtime
from tests import factories
from tests.factories import token_response


@pytest.fixture
def protected(runtime: Runtime) -> TestClient:
    """PageUp's job list: an endpoint that declares one scope, as every dialect endpoint does."""
    return TestClient(create_app(runtime), base_url="http://testserver/v3/218/recruitment/hire")


@pytest.fixture
def access_token(runtime: Runtime, client: TestClient) -> str:
    factories.tenant(runtime, 218)
    creds = factories.client(runtime, "Public.Job.Read Public.Offer.Read", tenant_id=218)
    return str(token_response(client, creds, scope="Public.Job.Read").json()["access_token"])


def _get(http: TestClient, token: str) -> tuple[int, dict]:
    response = http.get("/jobs", headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.json()


def test_valid_token_yields_the_caller(protected: TestClient, access_token: str):
    status, body = _get(protected, access_token)
    assert status == 200
    assert body["Items"] == []  # tenant 218's jobs: none yet


def test_token_expires_after_300_seconds(protected: TestClient, access_token: str, clock: FrozenClock):
    clock.advance(299)
    assert _get(protected, access_token)[0] == 200
    clock.advance(1)
    status, body = _get(protected, access_token)
    assert status == 401
    assert "expired" in body["Message"]


def test_token_not_valid_before_it_was_issued(protected: TestClient, access_token: str, clock: FrozenClock):
    clock.advance(-60)
    assert _get(protected, access_token)[0] == 401


def test_missing_scope_is_403(runtime: Runtime, client: TestClient, protected: TestClient):
    factories.tenant(runtime, 218)
    creds = factories.client(runtime, "Public.Offer.Read", tenant_id=218)
    token = token_response(client, creds).json()["access_token"]
    status, body = _get(protected, token)
    assert status == 403
    assert "Public.Job.Read" in body["Message"]


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic abc", "Token abc", "Bearer not.a.jwt"])
def test_missing_or_malformed_credentials_are_401(protected: TestClient, header: str | None):
    headers = {} if header is None else {"Authorization": header}
    response = protected.get("/jobs", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_token_signed_by_another_key_is_401(runtime: Runtime, protected: TestClient):
    foreign = TokenAuthority(keys=[SigningKey.generate()], issuer=runtime.tokens.issuer,
                             audience=runtime.tokens.audience, clock=runtime.clock)
    token, _ = foreign.issue(TokenClaims("x", 218, ["Public.Job.Read"], None, 300))
    assert _get(protected, token)[0] == 401


def test_token_with_known_kid_but_forged_signature_is_401(protected: TestClient, access_token: str):
    header, payload, _ = access_token.split(".")
    forged = jwt.encode(jwt.decode(access_token, options={"verify_signature": False}) | {"instanceid": "999"},
                        SigningKey.generate().private_key, algorithm="RS256",
                        headers=jwt.get_unverified_header(access_token))
    assert forged.split(".")[0] == header
    assert _get(protected, forged)[0] == 401
    assert payload


@pytest.mark.parametrize(("issuer", "audience"), [("http://evil", None), (None, "http://other/resources")])
def test_wrong_issuer_or_audience_is_401(runtime: Runtime, protected: TestClient, issuer, audience):
    key = SigningKey.from_pem(runtime.tokens._signing.private_pem())
    other = TokenAuthority(keys=[key], issuer=issuer or runtime.tokens.issuer,
                           audience=audience or runtime.tokens.audience, clock=runtime.clock)
    token, _ = other.issue(TokenClaims("x", 218, ["Public.Job.Read"], None, 300))
    assert _get(protected, token)[0] == 401
    assert runtime.tokens.verify(runtime.tokens.issue(TokenClaims("x", 218, ["a"], None, 300))[0]).tenant_id == 218


def test_a_token_for_the_event_loop_is_signed_on_the_signing_thread(clock: FrozenClock):
    tokens = TokenAuthority(keys=[SigningKey.generate()], issuer="http://i", audience="http://a", clock=clock)
    signed_on = []
    issue = tokens.issue

    def recording(claims: TokenClaims) -> tuple[str, object]:
        signed_on.append(threading.current_thread().name)
        return issue(claims)

    tokens.issue = recording  # type: ignore[method-assign]

    async def main() -> str:
        token, _ = await tokens.issue_off_loop(TokenClaims("x", 218, ["Public.Job.Read"], None, 300))
        return token

    token = asyncio.run(main())
    assert signed_on and signed_on[0].startswith("hireport-signer")
    assert tokens.verify(token).client_id == "x"


def test_inspect_says_how_a_tokens_time_stands(clock: FrozenClock):
    tokens = TokenAuthority(keys=[SigningKey.generate()], issuer="http://i", audience="http://a", clock=clock)
    token, _ = tokens.issue(TokenClaims("x", None, ["s"], 7, 60))
    state = tokens.inspect(token)
    assert (state.status, state.active, state.caller.tenant_id, state.caller.partner_id) == ("active", True, None, 7)
    assert state.expires - state.issued == 60
    clock.advance(60)
    assert (tokens.inspect(token).status, tokens.inspect(token).active) == ("expired", False)
    clock.advance(-3600)
    assert tokens.inspect(token).status == "not yet valid"
    with pytest.raises(Unauthenticated):
        tokens.inspect(token[:-4] + "AAAA")


def test_a_remembered_token_is_still_judged_on_every_use(runtime: Runtime, clock: FrozenClock):
    """A verified token is remembered, not trusted forever: its expiry and its client's revocation are
    judged again on each use, and what is remembered is bounded."""
    tokens = TokenAuthority(keys=[SigningKey.generate()], issuer="http://i", audience="http://a", clock=clock)
    token, _ = tokens.issue(TokenClaims("x", 218, ["Public.Job.Read"], None, 300))
    assert tokens.verify(token).client_id == "x"
    assert tokens.verify(token).client_id == "x"  # remembered
    clock.advance(300)
    with pytest.raises(Unauthenticated, match="expired"):
        tokens.verify(token)

    revoked: set[str] = set()
    tokens = TokenAuthority(keys=[SigningKey.generate()], issuer="http://i", audience="http://a", clock=clock,
                            revoked=RecentlyRevoked(lambda: set(revoked)))
    token, _ = tokens.issue(TokenClaims("x", 218, ["Public.Job.Read"], None, 300))
    assert tokens.verify(token).client_id == "x"
    revoked.add("x")
    tokens.forget_revocations()
    with pytest.raises(Unauthenticated, match="revoked"):
        tokens.verify(token)


def test_remembered_tokens_are_bounded(monkeypatch: pytest.MonkeyPatch, clock: FrozenClock):
    monkeypatch.setattr(auth, "VERIFIED_TOKENS", 3)
    tokens = TokenAuthority(keys=[SigningKey.generate()], issuer="http://i", audience="http://a", clock=clock)
    for n in range(10):
        tokens.verify(tokens.issue(TokenClaims(f"c{n}", 218, [], None, 300))[0])
    assert len(tokens._verified) == 3


def test_requests_that_find_a_reload_due_share_one(clock: FrozenClock):
    """Eight requests that find the revocations due at once wait for one reload, and each then sees it."""
    loads: list[int] = []
    started, release = threading.Event(), threading.Event()

    def load() -> set[str]:
        loads.append(1)
        started.set()
        release.wait(10)
        return {"revoked-client"}

    tokens = TokenAuthority(keys=[SigningKey.generate()], issuer="http://i", audience="http://a", clock=clock,
                            revoked=RecentlyRevoked(load))
    good = tokens.issue(TokenClaims("x", 218, [], None, 300))[0]
    bad = tokens.issue(TokenClaims("revoked-client", 218, [], None, 300))[0]

    async def admit_all() -> list[object]:
        waiting = [asyncio.ensure_future(tokens.admit(good if n % 2 else bad)) for n in range(8)]
        await asyncio.to_thread(started.wait, 10)
        await asyncio.sleep(0.05)  # every request has found the reload due and is waiting
        release.set()
        return await asyncio.gather(*waiting, return_exceptions=True)

    answers = asyncio.run(admit_all())
    assert len(loads) == 1
    assert [isinstance(a, Unauthenticated) for a in answers] == [n % 2 == 0 for n in range(8)]
    assert tokens._reloading is None  # nothing left in flight


def test_a_key_ring_read_again_parses_no_key_twice():
    """The ring is read every few seconds; parsing an RSA key costs tens of milliseconds, so a key already
    seen is not parsed again (every request in flight when a reload fell due used to stall on it)."""
    pem = SigningKey.generate().private_pem()
    first, again = SigningKey.from_pem(pem), SigningKey.from_pem(pem)
    assert again.private_key is first.private_key and again.kid == first.kid
    assert SigningKey.from_pem(SigningKey.generate().private_pem()).kid != first.kid
