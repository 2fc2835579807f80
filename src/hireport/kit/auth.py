"""Who is calling: access tokens (RS256 JWTs) in and out, and the `Caller` every service takes."""

import asyncio
import itertools
import math
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from starlette.concurrency import run_in_threadpool

from hireport.kit.clock import Clock
from hireport.kit.errors import Forbidden, TokenExpired, Unauthenticated
from hireport.kit.keys import SigningKey


@dataclass(frozen=True)
class Caller:
    """The authenticated party of a request: a client of a tenant or partner, or an operator; with
    `account_id`, a person (signed in, or through an application they authorized)."""

    client_id: str
    tenant_id: int | None = None
    partner_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    is_operator: bool = False
    account_id: int | None = None

    def require_tenant(self) -> int:
        if self.tenant_id is None:
            raise Forbidden("this credential is not bound to a tenant")
        return self.tenant_id

    def require_scopes(self, *needed: str) -> None:
        missing = [s for s in needed if s not in self.scopes]
        if missing and not self.is_operator:
            raise Forbidden(f"the access token lacks the scope {' '.join(missing)}")

    def require_partner(self) -> int:
        if self.partner_id is None:
            raise Forbidden("the access token carries no partner_id claim; ask for a partner client")
        return self.partner_id

    @classmethod
    def operator(cls, tenant_id: int | None = None) -> "Caller":
        """An operator acting through the management API, optionally on one tenant."""
        return cls(client_id="operator", tenant_id=tenant_id, is_operator=True)


@dataclass(frozen=True)
class TokenClaims:
    client_id: str
    tenant_id: int | None  # None: a partner's app acting for no tenant (it manages its customers' apps)
    scopes: list[str]
    partner_id: int | None
    lifetime: int
    subject: int | None = None  # the person's account id, for a token issued on their behalf


@dataclass(frozen=True, slots=True)
class _Verified:
    """What a token whose signature was checked says."""

    caller: Caller
    not_before: float
    expires: float
    kid: str


@dataclass(frozen=True, slots=True)
class TokenState:
    """What an access token says, and how its time stands now: `active`, `expired` or `not yet valid`."""

    caller: Caller
    issued: int  # epoch seconds
    expires: int
    status: str

    @property
    def active(self) -> bool:
        return self.status == "active"


VERIFIED_TOKENS = 10_000  # verified tokens remembered (the least recently used forgotten first)
MAX_TOKEN_LIFETIME = 86_400  # seconds: the longest a client's tokens may live
RING_REFRESH = 5.0  # seconds between reloads of the key ring (a rotation elsewhere reaches us within this)
REVOCATION_REFRESH = 2.0  # seconds between reloads of the revoked clients


class RecentlyRevoked:
    """The clients revoked recently enough that tokens they were given may not have expired yet, reloaded
    from the database at most every `REVOCATION_REFRESH` seconds of wall time (one indexed query), and at
    once in the process that revoked (`forget`)."""

    def __init__(self, load: Callable[[], set[str]]) -> None:
        self._load, self._ids, self._loaded = load, frozenset[str](), -math.inf

    def __contains__(self, client_id: object) -> bool:
        if self.due():
            self.reload()
        return self.holds(client_id)

    def holds(self, client_id: object) -> bool:
        """Whether `client_id` was revoked, as last loaded (no reload)."""
        return client_id in self._ids

    def due(self) -> bool:
        return time.monotonic() - self._loaded >= REVOCATION_REFRESH

    def reload(self) -> None:
        self._ids, self._loaded = frozenset(self._load()), time.monotonic()

    def forget(self) -> None:
        self._loaded = -math.inf


class TokenAuthority:
    """Signs and verifies access tokens. Expiry is judged by the injected clock, never the wall.

    The newest key signs. An older key still verifies until the last token it could have signed has
    expired (its successor's start + `MAX_TOKEN_LIFETIME`); the JWKS lists every key that verifies. With
    `reload`, the ring is read again every `RING_REFRESH` seconds and on a `kid` it does not know, so a
    rotation by another process is followed. With `revoked`, a revoked client's tokens are refused.

    A token's signature is checked once: what it says is then remembered (`VERIFIED_TOKENS` at most) and
    only its expiry, its key and its client's revocation are judged again on each use."""

    def __init__(self, *, keys: list[SigningKey], issuer: str, audience: str, clock: Clock,
                 reload: Callable[[], list[SigningKey]] | None = None, revoked: RecentlyRevoked | None = None) -> None:
        self.issuer = issuer
        self.audience = audience
        self.clock = clock
        self.revoked = revoked
        self._reload = reload
        self._verified: OrderedDict[str, _Verified] = OrderedDict()
        self._reloading: tuple[asyncio.AbstractEventLoop, asyncio.Future[None]] | None = None  # the one in flight
        self._signer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hireport-signer")  # started on first use
        self._use(keys)

    def _use(self, keys: list[SigningKey]) -> None:
        if not keys:
            raise ValueError("at least one signing key is needed")
        self._ring = sorted(keys, key=lambda k: k.created_at or datetime.max.replace(tzinfo=UTC), reverse=True)
        self._signing = self._ring[0]
        self._loaded = time.monotonic()

    def _refresh(self, *, unknown_kid: bool = False) -> None:
        if self._ring_due(unknown_kid=unknown_kid):
            assert self._reload is not None
            self._use(self._reload())

    def _ring_due(self, *, unknown_kid: bool = False) -> bool:
        age = time.monotonic() - self._loaded
        return self._reload is not None and (age >= RING_REFRESH or (unknown_kid and age >= 0.5))

    def _reload_due(self, token: str) -> None:
        """Reload what is due: the key ring (also for a token signed by a key it does not know), the revoked."""
        self._refresh(unknown_kid=self._unknown_kid(token))
        if self.revoked is not None and self.revoked.due():
            self.revoked.reload()

    def _unknown_kid(self, token: str) -> bool:
        if token in self._verified:
            return False
        try:
            kid = str(jwt.get_unverified_header(token).get("kid"))
        except jwt.PyJWTError:
            return False  # refused by `verify` as it is
        return all(k.kid != kid for k in self._ring)

    def forget_revocations(self) -> None:
        """A client was revoked in this process: look again at once."""
        if self.revoked is not None:
            self.revoked.forget()

    def verifying_keys(self) -> list[SigningKey]:
        """The newest key, and every older one whose tokens may not all have expired yet."""
        now = self.clock.now()
        keys = [self._ring[0]]
        for newer, older in itertools.pairwise(self._ring):
            if newer.created_at is None or now < newer.created_at + timedelta(seconds=MAX_TOKEN_LIFETIME):
                keys.append(older)
        return keys

    @property
    def jwks(self) -> dict[str, Any]:
        self._refresh()
        return {"keys": [k.public_jwk() for k in self.verifying_keys()]}

    def issue(self, claims: TokenClaims) -> tuple[str, datetime]:
        self._refresh()
        now = self.clock.now()
        issued = int(now.timestamp())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "nbf": issued,
            "iat": issued,
            "exp": issued + claims.lifetime,
            "aud": self.audience,
            "client_id": claims.client_id,
            "scope": claims.scopes,
            "jti": uuid.uuid4().hex,
        }
        if claims.tenant_id is not None:
            payload["instanceid"] = str(claims.tenant_id)
        if claims.partner_id is not None:
            payload["partner_id"] = str(claims.partner_id)
        if claims.subject is not None:
            payload["sub"] = str(claims.subject)
        token = jwt.encode(payload, self._signing.private_key, algorithm="RS256",
                           headers={"kid": self._signing.kid, "typ": "at+jwt"})
        return token, now

    async def issue_off_loop(self, claims: TokenClaims) -> tuple[str, datetime]:
        """`issue` for the event loop: the RS256 signature (about 250 µs of C that releases the GIL) is made
        on the authority's own signing thread, so the loop serves other requests meanwhile instead of stopping
        for it. One thread, not a pool: measured with bench.basic (one worker, 2 cores), 0.079-0.083 of the
        JSON floor against 0.073 signed inline and 0.061-0.072 through asyncio's default pool."""
        return await asyncio.get_running_loop().run_in_executor(self._signer, self.issue, claims)

    def _key(self, kid: str, *, reload: bool) -> Any:
        if reload:
            self._refresh()
        keys = {k.kid: k.public_key for k in self.verifying_keys()}
        if kid not in keys and reload:
            self._refresh(unknown_kid=True)
            keys = {k.kid: k.public_key for k in self.verifying_keys()}
        return keys.get(kid)

    async def admit(self, token: str) -> Caller:
        """`verify` for the event loop: a reload it needs (key ring, revoked clients) runs in a worker thread,
        one at a time: the requests that find it due while it runs wait for that one (it reads every key and
        every revocation, so it serves them all) instead of each starting its own."""
        if self._ring_due(unknown_kid=self._unknown_kid(token)) or (self.revoked is not None and self.revoked.due()):
            loop = asyncio.get_running_loop()
            if self._reloading is None or self._reloading[0] is not loop:
                reloading = asyncio.ensure_future(run_in_threadpool(self._reload_due, token))
                self._reloading = loop, reloading
                reloading.add_done_callback(self._reloaded)
            await asyncio.shield(self._reloading[1])
        return self.verify(token, reload=False)

    def _reloaded(self, reloading: "asyncio.Future[None]") -> None:
        if self._reloading is not None and self._reloading[1] is reloading:  # not a later one, of another loop
            self._reloading = None

    def verify(self, token: str, *, reload: bool = True) -> Caller:
        """The caller a token speaks for, or a 401. With `reload`, what is due is reloaded here (blocking)."""
        if reload and self.revoked is not None and self.revoked.due():
            self.revoked.reload()
        verified = self._verified.get(token)
        if verified is None:
            verified = self._decode(token, reload=reload)
            self._verified[token] = verified
            while len(self._verified) > VERIFIED_TOKENS:
                self._verified.popitem(last=False)
        else:
            self._verified.move_to_end(token)
            if self._key(verified.kid, reload=reload) is None:
                raise Unauthenticated("the access token was not signed by this server (or its key was retired)")
        now = self.clock.now().timestamp()
        if now >= verified.expires:
            raise TokenExpired("the access token has expired")
        if now < verified.not_before:
            raise Unauthenticated("the access token is not valid yet")
        if self.revoked is not None and self.revoked.holds(verified.caller.client_id):
            raise Unauthenticated("the client of this access token was revoked")
        return verified.caller

    def inspect(self, token: str) -> TokenState:
        """What a token this server signed says, and whether its time is good (`verify` refuses a token whose
        time is not); `Unauthenticated` for a token it did not sign, or whose signature or claims do not hold.
        Its client's revocation is not judged: the caller has authenticated that client."""
        verified = self._decode(token, reload=True)
        now = self.clock.now().timestamp()
        status = "expired" if now >= verified.expires else "not yet valid" if now < verified.not_before else "active"
        return TokenState(verified.caller, issued=int(verified.not_before), expires=int(verified.expires),
                          status=status)

    def _decode(self, token: str, *, reload: bool) -> _Verified:
        """Check the token's signature, issuer, audience and claims."""
        try:
            kid = str(jwt.get_unverified_header(token).get("kid"))
            key = self._key(kid, reload=reload)
            if key is None:
                raise Unauthenticated("the access token was not signed by this server (or its key was retired)")
            claims = jwt.decode(
                token, key, algorithms=["RS256"], audience=self.audience, issuer=self.issuer,
                options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                         "require": ["exp", "nbf", "client_id"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid access token: {exc}") from exc
        scopes = claims.get("scope") or []
        if isinstance(scopes, str):
            scopes = scopes.split()
        try:
            tenant_id = int(claims["instanceid"]) if "instanceid" in claims else None
            partner = claims.get("partner_id")
            partner_id = int(partner) if partner is not None else None
            subject = claims.get("sub")
            account_id = int(subject) if subject is not None else None
        except (TypeError, ValueError) as exc:
            raise Unauthenticated("malformed access token claims") from exc
        caller = Caller(client_id=str(claims["client_id"]), tenant_id=tenant_id, partner_id=partner_id,
                        scopes=frozenset(scopes), account_id=account_id)
        return _Verified(caller, not_before=claims["nbf"], expires=claims["exp"], kid=kid)


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer ...` header, or a 401."""
    if not authorization:
        raise Unauthenticated("missing Authorization header")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    return token.strip()
