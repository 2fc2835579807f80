"""Who is calling: access tokens (RS256 JWTs) in and out, and the `Caller` every service takes."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
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


class TokenAuthority:
    """Signs and verifies access tokens. Expiry is judged by the injected clock, never the wall."""

    def __init__(self, *, keys: list[SigningKey], issuer: str, audience: str, clock: Clock) -> None:
        if not keys:
            raise ValueError("at least one signing key is needed")
        self._signing = keys[0]
        self._public = {k.kid: k.public_key for k in keys}
        self._jwks = {"keys": [k.public_jwk() for k in keys]}
        self.issuer = issuer
        self.audience = audience
        self.clock = clock

    @property
    def jwks(self) -> dict[str, Any]:
        return self._jwks

    def issue(self, claims: TokenClaims) -> tuple[str, datetime]:
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

    def verify(self, token: str) -> Caller:
        try:
            header = jwt.get_unverified_header(token)
            key = self._public.get(str(header.get("kid")))
            if key is None:
                raise Unauthenticated("the access token was not signed by this server")
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
