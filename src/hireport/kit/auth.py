"""Who is calling: access tokens (RS256 JWTs) in and out, and the `Caller` every service takes."""

import itertools
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from hireport.kit.clock import Clock
from hireport.kit.errors import Forbidden, Unauthenticated
from hireport.kit.keys import SigningKey


@dataclass(frozen=True)
class Caller:
    """The authenticated party of a request: a client of a tenant or partner, or an operator."""

    client_id: str
    tenant_id: int | None = None
    partner_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    is_operator: bool = False

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
    tenant_id: int
    scopes: list[str]
    partner_id: int | None
    lifetime: int


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
        if time.monotonic() - self._loaded >= REVOCATION_REFRESH:
            self._ids, self._loaded = frozenset(self._load()), time.monotonic()
        return client_id in self._ids

    def forget(self) -> None:
        self._loaded = -math.inf


class TokenAuthority:
    """Signs and verifies access tokens. Expiry is judged by the injected clock, never the wall.

    The newest key signs. An older key still verifies until the last token it could have signed has
    expired (its successor's start + `MAX_TOKEN_LIFETIME`); the JWKS lists every key that verifies. With
    `reload`, the ring is read again every `RING_REFRESH` seconds and on a `kid` it does not know, so a
    rotation by another process is followed. With `revoked`, a revoked client's tokens are refused."""

    def __init__(self, *, keys: list[SigningKey], issuer: str, audience: str, clock: Clock,
                 reload: Callable[[], list[SigningKey]] | None = None, revoked: RecentlyRevoked | None = None) -> None:
        self.issuer = issuer
        self.audience = audience
        self.clock = clock
        self.revoked = revoked
        self._reload = reload
        self._use(keys)

    def _use(self, keys: list[SigningKey]) -> None:
        if not keys:
            raise ValueError("at least one signing key is needed")
        self._ring = sorted(keys, key=lambda k: k.created_at or datetime.max.replace(tzinfo=UTC), reverse=True)
        self._signing = self._ring[0]
        self._loaded = time.monotonic()

    def _refresh(self, *, unknown_kid: bool = False) -> None:
        age = time.monotonic() - self._loaded
        if self._reload is not None and (age >= RING_REFRESH or (unknown_kid and age >= 0.5)):
            self._use(self._reload())

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
            "instanceid": str(claims.tenant_id),
            "jti": uuid.uuid4().hex,
        }
        if claims.partner_id is not None:
            payload["partner_id"] = str(claims.partner_id)
        token = jwt.encode(payload, self._signing.private_key, algorithm="RS256",
                           headers={"kid": self._signing.kid, "typ": "at+jwt"})
        return token, now

    def _key(self, kid: str) -> Any:
        self._refresh()
        keys = {k.kid: k.public_key for k in self.verifying_keys()}
        if kid not in keys:
            self._refresh(unknown_kid=True)
            keys = {k.kid: k.public_key for k in self.verifying_keys()}
        return keys.get(kid)

    def verify(self, token: str) -> Caller:
        try:
            header = jwt.get_unverified_header(token)
            key = self._key(str(header.get("kid")))
            if key is None:
                raise Unauthenticated("the access token was not signed by this server (or its key was retired)")
            claims = jwt.decode(
                token, key, algorithms=["RS256"], audience=self.audience, issuer=self.issuer,
                options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                         "require": ["exp", "nbf", "client_id", "instanceid"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid access token: {exc}") from exc
        now = self.clock.now().timestamp()
        if now >= claims["exp"]:
            raise Unauthenticated("the access token has expired")
        if now < claims["nbf"]:
            raise Unauthenticated("the access token is not valid yet")
        if self.revoked is not None and str(claims["client_id"]) in self.revoked:
            raise Unauthenticated("the client of this access token was revoked")
        scopes = claims.get("scope") or []
        if isinstance(scopes, str):
            scopes = scopes.split()
        try:
            tenant_id = int(claims["instanceid"])
            partner = claims.get("partner_id")
            partner_id = int(partner) if partner is not None else None
        except (TypeError, ValueError) as exc:
            raise Unauthenticated("malformed access token claims") from exc
        return Caller(client_id=str(claims["client_id"]), tenant_id=tenant_id,
                      partner_id=partner_id, scopes=frozenset(scopes))


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer ...` header, or a 401."""
    if not authorization:
        raise Unauthenticated("missing Authorization header")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    return token.strip()
