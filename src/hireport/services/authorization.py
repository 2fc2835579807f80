"""The authorization server for people: an application (an OAuth client with redirect URIs) asks a person
to let it act for them in one of their tenants; the authorization-code grant with PKCE (RFC 6749 4.1,
RFC 7636, S256 only), refresh tokens that rotate, and revocation (RFC 7009), as RFC 9700 advises.

- The authorization request names its client and one of the client's registered redirect URIs, exactly.
  When either is wrong nobody is redirected: the person is told on a page (`NotRedirectable`), so the
  server never sends a browser to a URI the client did not register (RFC 6749 10.15). Every other refusal
  goes back to the client (`Redirected`), with the request's `state`, which is required.
- A code lives `CODE_SECONDS` and is spent by its first presentation, right or wrong (a conditional UPDATE,
  so two concurrent exchanges cannot both win): a wrong verifier or redirect URI burns it. A code presented
  again revokes the refresh tokens issued from it (RFC 6749 10.5); its access tokens run out on their own.
- A refresh token is spent by its use, and its successor (same `family`) issued with it. A spent one
  presented again means two parties hold the family: every token of it is revoked, the newest too.
- Only SHA-256 digests of codes and refresh tokens are stored; access tokens are the JWTs the token
  service signs, with `sub` the person's account id and `instanceid` the tenant they chose.

Authlib supplies the PKCE rules (the verifier and challenge syntax, the S256 comparison). Its
`AuthorizationServer` and grants were not used: they spend a code in two steps (query, then delete after
the token is made) where one conditional UPDATE is needed; a refusal that must commit (a replay revoking
its family) is an exception that would roll back; they refuse http issuers unless an environment variable
says otherwise; and they log issued tokens, refresh tokens included, at debug level.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar, cast
from urllib.parse import urlencode, urlsplit, urlunsplit

from authlib.oauth2.rfc7636.challenge import (  # type: ignore[import-untyped]
    CODE_CHALLENGE_PATTERN,
    CODE_VERIFIER_PATTERN,
    compare_s256_code_challenge,
)
from sqlalchemy import Update, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from hireport.kit.auth import TokenAuthority, TokenClaims
from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.kit.errors import DomainError, Forbidden
from hireport.kit.secrets import hash_secret, new_secret
from hireport.models import Account, AuthorizationCode, OAuthClient, RefreshToken, TenantPartner
from hireport.services import accounts, identity
from hireport.services.identity import GrantError, TokenGrant, TokenRequestError

CODE_SECONDS = 60
REFRESH_SECONDS = 30 * 86_400  # each refresh token's; its successor gets as long again
MAX_STATE = 2000  # characters of `state` passed through (it travels in URLs)
S256_LENGTH = 43  # base64url of a SHA-256 digest, unpadded
CODE_PREFIX, REFRESH_PREFIX = "hrc_", "hrr_"  # so a leaked one is recognisable (secret scanners, logs)
PARAMETERS = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
              "code_challenge_method")
T = TypeVar("T")


# -- the authorization request ----------------------------------------------------------------------

class AuthorizationError(StrEnum):
    """The error codes the client hears at its redirect URI (RFC 6749 4.1.2.1)."""

    invalid_request = "invalid_request"
    access_denied = "access_denied"
    unsupported_response_type = "unsupported_response_type"
    invalid_scope = "invalid_scope"


class NotRedirectable(DomainError):
    """An authorization request with no known client or an unregistered redirect URI: shown to the person,
    never redirected."""

    status_code = 400
    code = "invalid_request"


class Redirected(DomainError):
    """A refusal the client hears at its redirect URI: `location` carries `error`, `error_description` and
    the request's `state` (unless the state itself was the problem)."""

    status_code = 400
    code = "invalid_request"

    def __init__(self, error: AuthorizationError, description: str, *, redirect_uri: str, state: str | None) -> None:
        super().__init__(description)
        self.error = error
        self.location = _error_location(redirect_uri, error, description, state)


@dataclass(frozen=True)
class AuthorizationRequest:
    """A valid authorization request: what the consent page shows, and what its form carries back."""

    client_id: str
    client_name: str
    client_tenant_id: int | None
    client_partner_id: int | None
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str
    code_challenge: str

    def parameters(self) -> list[tuple[str, str]]:
        """The request as its parameters again (the consent form sends them back, to be checked again)."""
        return [("response_type", "code"), ("client_id", self.client_id), ("redirect_uri", self.redirect_uri),
                ("scope", " ".join(self.scopes)), ("state", self.state), ("code_challenge", self.code_challenge),
                ("code_challenge_method", "S256")]


@dataclass(frozen=True)
class TenantChoice:
    tenant_id: int
    name: str


def authorization_request(session: Session, params: Iterable[tuple[str, str]]) -> AuthorizationRequest:
    """Check an authorization request's parameters (others are ignored): its client and redirect URI
    first (`NotRedirectable`), then the rest (`Redirected`). No scope asked for means every scope of the
    client; a scope it may not have is refused rather than dropped, so the client learns of it."""
    given: dict[str, list[str]] = {}
    for name, value in params:
        if name in PARAMETERS:
            given.setdefault(name, []).append(value)
    client_id, redirect_uri = _one(given, "client_id"), _one(given, "redirect_uri")
    client = None if not client_id or len(client_id) > 100 else session.scalar(
        select(OAuthClient).where(OAuthClient.client_id == client_id))
    if client is None or client.revoked_at is not None or not client.redirect_uris:
        raise NotRedirectable("The application that sent you here is not known to hireport (client_id "
                              "missing, repeated, unknown or revoked). Nothing was authorized.")
    if not redirect_uri or redirect_uri not in client.redirect_uris:
        raise NotRedirectable(f"{client.name} asked to send you back to an address it has not registered "
                              "(redirect_uri missing, repeated or not registered). Nothing was authorized; you "
                              "were not sent there.")

    def refuse(error: AuthorizationError, description: str, *, with_state: bool = True) -> Redirected:
        return Redirected(error, description, redirect_uri=redirect_uri, state=state if with_state else None)

    state = _one(given, "state")
    if not state:
        raise refuse(AuthorizationError.invalid_request, "state is required (exactly once)", with_state=False)
    if len(state) > MAX_STATE:
        raise refuse(AuthorizationError.invalid_request, f"state is longer than {MAX_STATE} characters",
                     with_state=False)
    repeated = sorted(name for name, values in given.items() if len(values) > 1)
    if repeated:
        raise refuse(AuthorizationError.invalid_request, f"{', '.join(repeated)} given more than once")
    response_type = _one(given, "response_type")
    if not response_type:
        raise refuse(AuthorizationError.invalid_request, "response_type is required")
    if response_type != "code":
        raise refuse(AuthorizationError.unsupported_response_type, "only response_type code is supported")
    challenge, method = _one(given, "code_challenge"), _one(given, "code_challenge_method")
    if not challenge:
        raise refuse(AuthorizationError.invalid_request, "code_challenge is required (PKCE with S256)")
    if method != "S256":
        raise refuse(AuthorizationError.invalid_request, "code_challenge_method must be S256 (plain, or none "
                                                         "given, is not accepted)")
    if len(challenge) != S256_LENGTH or not CODE_CHALLENGE_PATTERN.match(challenge):
        raise refuse(AuthorizationError.invalid_request, f"an S256 code_challenge is {S256_LENGTH} characters "
                                                         "of base64url")
    scope = _one(given, "scope") or ""
    scopes = tuple(dict.fromkeys(scope.split() or client.scopes))
    refused = [s for s in scopes if s not in client.scopes]
    if refused:
        raise refuse(AuthorizationError.invalid_scope,
                     f"the application may not ask for scope {_printable(' '.join(refused))}")
    return AuthorizationRequest(client.client_id, client.name, client.tenant_id, client.partner_id, redirect_uri,
                                scopes, state, challenge)


def tenant_choices(session: Session, request: AuthorizationRequest, account_id: int) -> list[TenantChoice]:
    """The tenants the person may let the application act for: theirs, that the client may act for (a
    tenant's client its own tenant only; a partner's client every tenant that uses the partner)."""
    allowed = _client_tenants(session, request.client_tenant_id, request.client_partner_id)
    return [TenantChoice(tenant.id, tenant.name) for tenant, _ in accounts.memberships(session, account_id)
            if tenant.id in allowed]


def approve(session: Session, request: AuthorizationRequest, *, account_id: int, tenant_id: int | None,
            clock: Clock) -> str:
    """The person allows the request for a tenant of theirs: a code for it, and where it is sent (the
    redirect URI with `code` and `state`)."""
    if tenant_id not in {c.tenant_id for c in tenant_choices(session, request, account_id)}:
        raise Forbidden(f"You cannot authorize {request.client_name} for that tenant: choose one of yours that "
                        "it may act for.")
    role = dict((tenant.id, role) for tenant, role in accounts.memberships(session, account_id))[tenant_id]
    if not accounts.may_grant(role, request.scopes):
        raise Forbidden(f"As a {role.value} you may only let applications read: {request.client_name} asks to "
                        "change things too. Ask an administrator or recruiter of the tenant.")
    code, now = new_secret(CODE_PREFIX), clock.now()
    session.add(AuthorizationCode(code_hash=hash_secret(code), client_id=request.client_id, account_id=account_id,
                                  tenant_id=tenant_id, redirect_uri=request.redirect_uri, scopes=list(request.scopes),
                                  code_challenge=request.code_challenge, created_at=now,
                                  expires_at=now + timedelta(seconds=CODE_SECONDS)))
    session.flush()
    return _with_params(request.redirect_uri, _answer(code=code, state=request.state))


def denied(request: AuthorizationRequest) -> str:
    """Where the person is sent when they deny the request."""
    return _error_location(request.redirect_uri, AuthorizationError.access_denied, "the person denied the request",
                           request.state)


# -- the token endpoint: codes and refresh tokens ---------------------------------------------------

@dataclass(frozen=True)
class PersonGrant(TokenGrant):
    """Tokens on a person's behalf: an access token and the refresh token that succeeds the used one."""

    refresh_token: str


def exchange_code(db: Database, tokens: TokenAuthority, *, client_id: str, client_secret: str, code: str | None,
                  redirect_uri: str | None, code_verifier: str | None, clock: Clock) -> PersonGrant:
    """`grant_type=authorization_code`: the code, the redirect URI of its request and the PKCE verifier."""
    code, redirect_uri, verifier = (_required("code", code), _required("redirect_uri", redirect_uri),
                                    _required("code_verifier", code_verifier))
    if not CODE_VERIFIER_PATTERN.match(verifier):
        raise TokenRequestError(GrantError.invalid_request,
                                "code_verifier is 43 to 128 characters of letters, digits, '-', '.', '_', '~'")

    def work(session: Session) -> PersonGrant:
        client = identity.authenticated_client(session, client_id, client_secret)
        now, digest = clock.now(), hash_secret(code)
        row = session.scalar(select(AuthorizationCode).where(AuthorizationCode.code_hash == digest,
                                                             AuthorizationCode.client_id == client.client_id))
        if row is None:
            raise TokenRequestError(GrantError.invalid_grant, "unknown code (or issued to another client)")
        if not _claimed(session, update(AuthorizationCode).where(
                AuthorizationCode.id == row.id, AuthorizationCode.used_at.is_(None),
                AuthorizationCode.expires_at > now).values(used_at=now)):
            session.refresh(row)
            if row.used_at is None:
                raise TokenRequestError(GrantError.invalid_grant, f"the code expired ({CODE_SECONDS} s)")
            _revoke_family(session, digest, now)
            raise TokenRequestError(GrantError.invalid_grant, "the code was used already; the tokens issued from "
                                                              "it are revoked")
        if redirect_uri != row.redirect_uri:
            raise TokenRequestError(GrantError.invalid_grant, "redirect_uri differs from the authorization "
                                                              "request's; the code is spent")
        if not compare_s256_code_challenge(verifier, row.code_challenge):
            raise TokenRequestError(GrantError.invalid_grant, "code_verifier does not match the code_challenge; "
                                                              "the code is spent")
        return _issue(session, tokens, client, account_id=row.account_id, tenant_id=row.tenant_id,
                      scopes=row.scopes, granted=row.scopes, family=digest)

    return _committed(db, work)


def refresh(db: Database, tokens: TokenAuthority, *, client_id: str, client_secret: str, refresh_token: str | None,
            scope: str | None, clock: Clock) -> PersonGrant:
    """`grant_type=refresh_token`: a new access token (for `scope`, at most the scopes granted) and the
    token's successor, which keeps the granted scopes (RFC 6749 6)."""
    presented = _required("refresh_token", refresh_token)

    def work(session: Session) -> PersonGrant:
        client = identity.authenticated_client(session, client_id, client_secret)
        now = clock.now()
        row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == hash_secret(presented),
                                                        RefreshToken.client_id == client.client_id))
        if row is None:
            raise TokenRequestError(GrantError.invalid_grant, "unknown refresh token (or issued to another client)")
        asked = list(dict.fromkeys(scope.split())) if scope and scope.strip() else row.scopes
        beyond = [s for s in asked if s not in row.scopes]
        if beyond:
            raise TokenRequestError(GrantError.invalid_scope,
                                    f"scope {_printable(' '.join(beyond))} was not granted to this refresh token")
        if not _claimed(session, update(RefreshToken).where(
                RefreshToken.id == row.id, RefreshToken.used_at.is_(None), RefreshToken.revoked_at.is_(None),
                RefreshToken.expires_at > now).values(used_at=now)):
            session.refresh(row)
            if row.revoked_at is not None:
                raise TokenRequestError(GrantError.invalid_grant, "the refresh token was revoked")
            if row.used_at is None:
                raise TokenRequestError(GrantError.invalid_grant, "the refresh token expired")
            _revoke_family(session, row.family, now)
            raise TokenRequestError(GrantError.invalid_grant, "the refresh token was used already: every token "
                                                              "of its family is revoked")
        return _issue(session, tokens, client, account_id=row.account_id, tenant_id=row.tenant_id,
                      scopes=row.scopes, granted=asked, family=row.family)

    return _committed(db, work)


def revoke(db: Database, *, client_id: str, client_secret: str, token: str | None, clock: Clock) -> None:
    """RFC 7009: the refresh token and its whole family stop working. A token this client does not hold (an
    unknown one, another client's, an access token) is answered the same and nothing changes; access tokens
    are not kept, they run out within their lifetime. The hint (`token_type_hint`) is not needed."""
    digest = hash_secret(_required("token", token))
    with db.transaction() as session:
        client = identity.authenticated_client(session, client_id, client_secret)
        family = session.scalar(select(RefreshToken.family).where(RefreshToken.token_hash == digest,
                                                                  RefreshToken.client_id == client.client_id))
        if family is not None:
            _revoke_family(session, family, clock.now())


# -- rules of both ----------------------------------------------------------------------------------

def _issue(session: Session, tokens: TokenAuthority, client: identity.ClientRecord, *, account_id: int, tenant_id: int,
           scopes: list[str], granted: list[str], family: str) -> PersonGrant:
    """An access token for `granted` and a new refresh token of `family` for `scopes`, if the person still
    may: their account is active, they are still a member of the tenant with a role that may grant these
    scopes, and the client may still act for it. If not, the grant ends here (the token or code presented is spent)."""
    account = session.get(Account, account_id)
    roles = {tenant.id: role for tenant, role in accounts.memberships(session, account_id)}
    if (account is None or account.disabled_at is not None or tenant_id not in roles
            or not accounts.may_grant(roles[tenant_id], scopes)
            or tenant_id not in _client_tenants(session, client.tenant_id, client.partner_id)):
        raise TokenRequestError(GrantError.invalid_grant, "the person may no longer authorize this client for "
                                                          "this tenant")
    access, issued = tokens.issue(TokenClaims(client_id=client.client_id, tenant_id=tenant_id, scopes=granted,
                                              partner_id=client.partner_id, lifetime=client.token_lifetime,
                                              subject=account_id))
    secret = new_secret(REFRESH_PREFIX)
    session.add(RefreshToken(token_hash=hash_secret(secret), family=family, client_id=client.client_id,
                             account_id=account_id, tenant_id=tenant_id, scopes=scopes, created_at=issued,
                             expires_at=issued + timedelta(seconds=REFRESH_SECONDS)))
    session.flush()
    return PersonGrant(access_token=access, expires_in=client.token_lifetime, scopes=granted, refresh_token=secret)


def _client_tenants(session: Session, tenant_id: int | None, partner_id: int | None) -> set[int]:
    if tenant_id is not None:
        return {tenant_id}
    return set(session.scalars(select(TenantPartner.tenant_id).where(TenantPartner.partner_id == partner_id)))


def _claimed(session: Session, statement: Update) -> bool:
    """Whether a conditional UPDATE (`... WHERE used_at IS NULL ...`) changed its row: of two concurrent
    requests for one code or refresh token, only one does."""
    return cast(CursorResult[Any], session.execute(statement)).rowcount == 1


def _revoke_family(session: Session, family: str, now: datetime) -> None:
    session.execute(update(RefreshToken).where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
                    .values(revoked_at=now))


def _committed(db: Database, work: Callable[[Session], T]) -> T:
    """Run `work` in one transaction that commits even when it refuses the request: what a refusal spent
    stays spent (the code presented with a wrong verifier; the family of a replayed token, revoked). A
    refusal before that changed nothing."""
    refusal: TokenRequestError
    with db.transaction() as session:
        try:
            return work(session)
        except TokenRequestError as exc:
            refusal = exc
    raise refusal


# -- wire helpers -----------------------------------------------------------------------------------

def _required(name: str, value: str | None) -> str:
    if not value:
        raise TokenRequestError(GrantError.invalid_request, f"{name} is required")
    return value


def _one(given: dict[str, list[str]], name: str) -> str | None:
    """The parameter's value if it was given exactly once."""
    values = given.get(name, [])
    return values[0] if len(values) == 1 else None


def _answer(**params: str | None) -> list[tuple[str, str]]:
    return [(name, value) for name, value in params.items() if value is not None]


def _error_location(redirect_uri: str, error: AuthorizationError, description: str, state: str | None) -> str:
    return _with_params(redirect_uri, _answer(error=error.value, error_description=description, state=state))


def _with_params(uri: str, params: list[tuple[str, str]]) -> str:
    """The URI with `params` added to its query, which is kept as registered (RFC 6749 3.1.2)."""
    parts = urlsplit(uri)
    added = urlencode(params)
    return urlunsplit(parts._replace(query=f"{parts.query}&{added}" if parts.query else added))


def _printable(text: str, limit: int = 200) -> str:
    """Client input quoted in an error_description: the characters RFC 6749 allows there, bounded."""
    kept = "".join(c for c in text if " " <= c <= "~" and c not in '"\\')
    return kept if len(kept) <= limit else kept[:limit] + "..."
