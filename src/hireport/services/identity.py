"""Tenants, partners, clients, operator credentials, signing keys, and the client-credentials grant."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import Session

from hireport.kit import tenant_settings as tenant_settings_registry
from hireport.kit.auth import MAX_TOKEN_LIFETIME, TokenAuthority, TokenClaims, TokenState
from hireport.kit.cache import RecentlyConfirmed
from hireport.kit.clock import Clock
from hireport.kit.db import Database, Reader
from hireport.kit.errors import Conflict, DomainError, InvalidInput, NotFound, Unauthenticated
from hireport.kit.keys import SEALED, KeyEncryptionKey, SigningKey
from hireport.kit.pagination import Page, keyset_page
from hireport.kit.query import Query
from hireport.kit.scopes import Holder, parse_scopes
from hireport.kit.secrets import hash_secret, new_secret, secret_matches
from hireport.models import OAuthClient, OperatorCredential, Partner, PartnerKind, SigningKeyRow, Tenant, TenantPartner

# -- tenants and partners ---------------------------------------------------------------------------

def tenant_settings(session: Session, tenant_id: int, *, remembered: RecentlyConfirmed) -> dict[str, Any]:
    """A tenant's settings (the dialects declare them: `hireport.kit.tenant_settings`), defaults filled in,
    remembered for a few seconds (`remembered`, keyed by `settings_key`): the process that changes them
    forgets them at once (`update_tenant`'s caller, after the commit), another process sees the change once
    `remembered` lets it go (its time bound, 10 s)."""
    key = settings_key(tenant_id)
    found: dict[str, Any] | None = remembered.get(key)
    if found is None:
        found = {**tenant_settings_registry.defaults(), **get_tenant(session, tenant_id).settings}
        remembered.add(key, found)
    return found


def settings_key(tenant_id: int) -> tuple[str, int]:
    return ("tenant-settings", tenant_id)


def create_tenant(session: Session, *, tenant_id: int, name: str, clock: Clock) -> Tenant:
    if tenant_id <= 0:
        raise InvalidInput("tenant id must be a positive integer", field="id")
    if session.get(Tenant, tenant_id) is not None:
        raise Conflict(f"tenant {tenant_id} already exists")
    tenant = Tenant(id=tenant_id, name=name, settings={}, created_at=clock.now())
    session.add(tenant)
    session.flush()
    return tenant


def get_tenant(session: Session, tenant_id: int) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound(f"tenant {tenant_id} not found")
    return tenant


def update_tenant(session: Session, tenant_id: int, *, name: str | None = None,
                  settings: dict[str, Any] | None = None) -> Tenant:
    tenant = get_tenant(session, tenant_id)
    if settings:
        known = tenant_settings_registry.known()
        unknown = set(settings) - set(known)
        if unknown:
            raise InvalidInput(f"unknown tenant setting(s): {', '.join(sorted(unknown))}", field="settings")
        for key, value in settings.items():
            if not isinstance(value, known[key].kind):
                raise InvalidInput(f"setting {key} must be a {known[key].kind.__name__}", field="settings")
        tenant.settings = {**tenant.settings, **settings}
    if name is not None:
        tenant.name = name
    session.flush()
    return tenant


def list_tenants(session: Session) -> list[Tenant]:
    return list(session.scalars(select(Tenant).order_by(Tenant.id)))


def tenants_page(session: Session, *, limit: int, cursor: str | None) -> Page[Tenant]:
    return keyset_page(session, select(Tenant), Tenant.id, limit=limit, cursor=cursor)


def create_partner(session: Session, *, code: str, name: str, kind: str, clock: Clock) -> Partner:
    if kind not in set(PartnerKind):
        raise InvalidInput(f"a partner's kind is one of {', '.join(PartnerKind)}", field="kind")
    if not code or not code.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput("partner code must be letters, digits, '-' or '_'", field="code")
    if session.scalar(select(Partner).where(Partner.code == code)) is not None:
        raise Conflict(f"partner {code!r} already exists")
    partner = Partner(code=code, name=name, kind=kind, created_at=clock.now())
    session.add(partner)
    session.flush()
    return partner


def get_partner(session: Session, code: str) -> Partner:
    partner = session.scalar(select(Partner).where(Partner.code == code))
    if partner is None:
        raise NotFound(f"partner {code!r} not found")
    return partner


def list_partners(session: Session) -> list[Partner]:
    return list(session.scalars(select(Partner).order_by(Partner.id)))


def partners_page(session: Session, *, limit: int, cursor: str | None) -> Page[Partner]:
    return keyset_page(session, select(Partner), Partner.id, limit=limit, cursor=cursor)


def enable_partner(session: Session, *, tenant_id: int, partner_code: str, clock: Clock) -> Partner:
    """Let tenant use partner (idempotent): the partner's clients may then get tokens for it."""
    get_tenant(session, tenant_id)
    partner = get_partner(session, partner_code)
    if session.get(TenantPartner, (tenant_id, partner.id)) is None:
        session.add(TenantPartner(tenant_id=tenant_id, partner_id=partner.id, created_at=clock.now()))
        session.flush()
    return partner


def tenant_partners(session: Session, tenant_id: int) -> list[Partner]:
    stmt = (select(Partner).join(TenantPartner, TenantPartner.partner_id == Partner.id)
            .where(TenantPartner.tenant_id == tenant_id).order_by(Partner.id))
    return list(session.scalars(stmt))


def tenant_partners_page(session: Session, tenant_id: int, *, limit: int, cursor: str | None) -> Page[Partner]:
    """The partners the tenant uses, oldest first."""
    stmt = (select(Partner).join(TenantPartner, TenantPartner.partner_id == Partner.id)
            .where(TenantPartner.tenant_id == tenant_id))
    return keyset_page(session, stmt, Partner.id, limit=limit, cursor=cursor)


# -- clients ----------------------------------------------------------------------------------------

MAX_REDIRECT_URIS, MAX_REDIRECT_URI_LENGTH = 10, 2000
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def create_client(session: Session, *, name: str, scopes: str | list[str], clock: Clock,
                  tenant_id: int | None = None, partner_code: str | None = None,
                  token_lifetime: int = 300, redirect_uris: list[str] | None = None) -> tuple[OAuthClient, str]:
    """A client of a tenant, or of a partner. Returns it with its secret, which is never shown again.

    A tenant's client may hold only the scopes a tenant's client may (not a partner's, such as a provider's).
    With `redirect_uris`, it is also an application that people authorize (authorization code with PKCE,
    then refresh tokens): it is sent back only to one of these exact URIs."""
    if (tenant_id is None) == (partner_code is None):
        raise InvalidInput("a client belongs to exactly one tenant or one partner", field="tenant")
    if not 30 <= token_lifetime <= 86_400:
        raise InvalidInput("token_lifetime must be between 30 and 86400 seconds", field="token_lifetime")
    uris = checked_redirect_uris(redirect_uris or [])
    partner_id = get_partner(session, partner_code).id if partner_code else None
    if tenant_id is not None:
        get_tenant(session, tenant_id)
    secret = new_secret()
    client = OAuthClient(
        client_id=new_secret()[:24].replace("-", "x").replace("_", "y"),
        secret_hash=hash_secret(secret), name=name, tenant_id=tenant_id, partner_id=partner_id,
        scopes=parse_scopes(scopes, holder=Holder.client if tenant_id is not None else None),
        token_lifetime=token_lifetime, created_at=clock.now(), redirect_uris=uris,
    )
    session.add(client)
    session.flush()
    return client, secret


def checked_redirect_uris(uris: list[str]) -> list[str]:
    """Redirect URIs a client may register, without duplicates: absolute, without a fragment (RFC 6749
    3.1.2), without user info, https, or http to a loopback host only (RFC 8252 7.3), where a code sent in
    clear stays on the machine."""
    if len(uris) > MAX_REDIRECT_URIS:
        raise InvalidInput(f"a client has at most {MAX_REDIRECT_URIS} redirect URIs", field="redirect_uris")
    for uri in uris:
        problem = _redirect_uri_problem(uri)
        if problem:
            shown = uri if len(uri) <= 100 else uri[:100] + "..."
            raise InvalidInput(f"redirect URI {shown!r}: {problem}", field="redirect_uris")
    return list(dict.fromkeys(uris))


def _redirect_uri_problem(uri: str) -> str | None:
    if not uri:
        return "a redirect URI is not empty"
    if len(uri) > MAX_REDIRECT_URI_LENGTH:
        return f"longer than {MAX_REDIRECT_URI_LENGTH} characters"
    if not uri.isprintable() or " " in uri:
        return "spaces and control characters are not allowed"
    if "#" in uri:
        return "a redirect URI has no fragment"
    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port
    except ValueError:
        return "not a valid URI (its host or port)"
    if parts.scheme not in ("http", "https") or not host or port == 0:
        return "an absolute http or https URI is needed"
    if "@" in parts.netloc:
        return "a redirect URI carries no user name or password"
    if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
        return "http is allowed only for a loopback host (127.0.0.1, localhost, [::1]); use https"
    return None


def rotate_client_secret(session: Session, client: OAuthClient) -> str:
    """A new secret for the client, returned once; the old one stops working (its tokens run out)."""
    if client.revoked_at is not None:
        raise Conflict(f"client {client.client_id!r} is revoked")
    secret = new_secret()
    client.secret_hash = hash_secret(secret)
    session.flush()
    return secret


def revoke_client(session: Session, client: OAuthClient, *, clock: Clock) -> OAuthClient:
    """The client gets no more tokens, and the ones it has are refused within seconds (idempotent)."""
    if client.revoked_at is None:
        client.revoked_at = clock.now()
        session.flush()
    return client


def revoked_client_ids(db: Database, *, clock: Clock) -> set[str]:
    """Clients revoked recently enough that a token they were given may not have expired yet."""
    since = clock.now() - timedelta(seconds=MAX_TOKEN_LIFETIME)
    with db.transaction(write=False) as session:
        return set(session.scalars(select(OAuthClient.client_id).where(OAuthClient.revoked_at > since)))


def get_client(session: Session, client_id: str) -> OAuthClient:
    client = session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    if client is None:
        raise NotFound(f"client {client_id!r} not found")
    return client


def list_clients(session: Session, *, tenant_id: int | None = None) -> list[OAuthClient]:
    """Every client, oldest first; with `tenant_id`, those that may act for that tenant: its own, and those of
    the partners it uses."""
    return list(session.scalars(_clients(tenant_id).order_by(OAuthClient.id)))


def clients_page(session: Session, *, tenant_id: int | None, limit: int, cursor: str | None) -> Page[OAuthClient]:
    """`list_clients`, a page at a time."""
    return keyset_page(session, _clients(tenant_id), OAuthClient.id, limit=limit, cursor=cursor)


def _clients(tenant_id: int | None) -> Select[tuple[OAuthClient]]:
    stmt = select(OAuthClient)
    if tenant_id is None:
        return stmt
    uses = select(TenantPartner.partner_id).where(TenantPartner.tenant_id == tenant_id)
    return stmt.where((OAuthClient.tenant_id == tenant_id) | OAuthClient.partner_id.in_(uses))


def tenant_clients(session: Session, tenant_id: int, *, limit: int, cursor: str | None) -> Page[OAuthClient]:
    """The clients of one tenant (not those of the partners it uses), oldest first."""
    return keyset_page(session, select(OAuthClient).where(OAuthClient.tenant_id == tenant_id), OAuthClient.id,
                       limit=limit, cursor=cursor)


def get_tenant_client(session: Session, tenant_id: int, client_id: str) -> OAuthClient:
    """A client of this tenant; another tenant's, a partner's, or none: the same NotFound."""
    client = session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id,
                                                      OAuthClient.tenant_id == tenant_id))
    if client is None:
        raise NotFound(f"client {client_id!r} not found")
    return client


def partner_code_of(session: Session, client: OAuthClient) -> str | None:
    return None if client.partner_id is None else partner_code_by_id(session, client.partner_id)


# -- the client-credentials grant -------------------------------------------------------------------

class GrantError(StrEnum):
    invalid_request = "invalid_request"
    invalid_client = "invalid_client"
    invalid_grant = "invalid_grant"
    invalid_scope = "invalid_scope"
    unsupported_grant_type = "unsupported_grant_type"


class TokenRequestError(DomainError):
    """A refused token request; the token dialect renders it as an RFC 6749 error body."""

    status_code = 400

    def __init__(self, error: GrantError, description: str) -> None:
        super().__init__(description)
        self.error = error


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    expires_in: int
    scopes: list[str]


def client_credentials(reader: Reader, *, client_id: str, client_secret: str, scope: str | None,
                       instance_id: str | None) -> TokenClaims:
    """What a client's credentials are granted: the claims of its access token (signed by the caller, off
    the event loop). It only reads, with statements built once, so it runs on what `Database.read` gives
    (inline on SQLite: no thread hop for the token service's busiest grant)."""
    client = authenticated_client(reader, client_id, client_secret)
    requested = scope.split() if scope and scope.strip() else list(client.scopes)
    not_granted = [s for s in requested if s not in client.scopes]
    if not_granted:
        raise TokenRequestError(GrantError.invalid_scope,
                                f"the client may not ask for scope {' '.join(not_granted)}")
    tenant_id = _tenant_for(reader, client, instance_id)
    return TokenClaims(client_id=client.client_id, tenant_id=tenant_id, scopes=list(dict.fromkeys(requested)),
                       partner_id=client.partner_id, lifetime=client.token_lifetime)


def app_credentials(reader: Reader, *, client_id: str, client_secret: str, lifetime: int) -> TokenClaims:
    """What an app's credentials are granted, for token services where an app has one tenant or none (no
    tenant is asked for): every scope of the client, for its tenant; a partner's client acts for no
    tenant (it manages its customers' apps, and no tenant's data is open to it)."""
    client = authenticated_client(reader, client_id, client_secret)
    return TokenClaims(client_id=client.client_id, tenant_id=client.tenant_id, scopes=list(client.scopes),
                       partner_id=client.partner_id, lifetime=lifetime)


def introspect(reader: Reader, tokens: TokenAuthority, *, client_id: str, client_secret: str,
               token: str) -> TokenState:
    """How one of the client's own access tokens stands (active or expired); `invalid_client` for wrong
    credentials or a revoked client, `invalid_request` for a token this server did not sign or gave another
    client."""
    client = authenticated_client(reader, client_id, client_secret)
    try:
        state = tokens.inspect(token)
    except Unauthenticated:
        raise TokenRequestError(GrantError.invalid_request, "the token is not valid") from None
    if state.caller.client_id != client.client_id:
        raise TokenRequestError(GrantError.invalid_request, "the token is not valid")  # says nothing of others'
    return state


@dataclass(slots=True)
class ClientRecord:
    """What the grants read of a client."""

    client_id: str
    name: str
    secret_hash: str
    tenant_id: int | None
    partner_id: int | None
    scopes: list[str]
    redirect_uris: list[str]
    token_lifetime: int
    revoked_at: datetime | None


_CLIENT = Query(select(OAuthClient.client_id, OAuthClient.name, OAuthClient.secret_hash, OAuthClient.tenant_id,
                       OAuthClient.partner_id, OAuthClient.scopes, OAuthClient.redirect_uris,
                       OAuthClient.token_lifetime, OAuthClient.revoked_at)
                .where(OAuthClient.client_id == bindparam("client_id")))
_PARTNER_SERVES = Query(select(TenantPartner.tenant_id).where(TenantPartner.tenant_id == bindparam("tenant_id"),
                                                             TenantPartner.partner_id == bindparam("partner_id")))


def authenticated_client(reader: Reader, client_id: str, client_secret: str) -> ClientRecord:
    """The active client these credentials prove, or `invalid_client` (RFC 6749 5.2) for every grant."""
    row = _CLIENT.first(reader, {"client_id": client_id})
    client = None if row is None else ClientRecord(*row)
    if client is None or client.revoked_at is not None or not secret_matches(client_secret, client.secret_hash):
        raise TokenRequestError(GrantError.invalid_client, "unknown client or wrong client secret")
    return client


def _tenant_for(reader: Reader, client: ClientRecord, instance_id: str | None) -> int:
    if instance_id is None or not instance_id.strip():
        if client.tenant_id is not None:
            return client.tenant_id
        raise TokenRequestError(GrantError.invalid_request, "{instance_id} is required for a partner client")
    try:
        tenant_id = int(instance_id)
    except ValueError:
        raise TokenRequestError(GrantError.invalid_request, "{instance_id} must be a tenant id (an integer)") from None
    if client.tenant_id is not None:
        allowed = tenant_id == client.tenant_id
    else:
        allowed = _PARTNER_SERVES.first(reader, {"tenant_id": tenant_id, "partner_id": client.partner_id}) is not None
    if not allowed:
        raise TokenRequestError(GrantError.invalid_grant, f"the client may not act for {{instance_id}} {tenant_id}")
    return tenant_id


# -- operators ---------------------------------------------------------------------------------------

OPERATOR_PREFIX = "hro_"


def create_operator_credential(session: Session, *, name: str, clock: Clock) -> str:
    secret = new_secret(OPERATOR_PREFIX)
    session.add(OperatorCredential(name=name, secret_hash=hash_secret(secret), created_at=clock.now()))
    session.flush()
    return secret


def ensure_first_operator(session: Session, *, clock: Clock) -> str | None:
    """Create the first operator credential if there is none; returns its secret that one time."""
    if session.scalar(select(OperatorCredential.id).limit(1)) is not None:
        return None
    return create_operator_credential(session, name="first operator", clock=clock)


def list_operators(session: Session) -> list[OperatorCredential]:
    return list(session.scalars(select(OperatorCredential).order_by(OperatorCredential.id)))


def operators_page(session: Session, *, limit: int, cursor: str | None) -> Page[OperatorCredential]:
    return keyset_page(session, select(OperatorCredential), OperatorCredential.id, limit=limit, cursor=cursor)


def get_operator(session: Session, operator_id: int) -> OperatorCredential:
    row = session.get(OperatorCredential, operator_id)
    if row is None:
        raise NotFound(f"operator credential {operator_id} not found")
    return row


def revoke_operator(session: Session, operator_id: int, *, clock: Clock) -> OperatorCredential:
    """The credential stops working (idempotent). The last active one cannot be revoked: the management
    API would lock itself out (`hireport operators create` makes another first)."""
    row = get_operator(session, operator_id)
    if row.revoked_at is None:
        others = session.scalar(select(OperatorCredential.id).where(
            OperatorCredential.revoked_at.is_(None), OperatorCredential.id != row.id).limit(1))
        if others is None:
            raise Conflict("this is the last active operator credential; create another before revoking it")
        row.revoked_at = clock.now()
        session.flush()
    return row


def rotate_operator(session: Session, operator_id: int) -> tuple[OperatorCredential, str, str]:
    """A new secret for the credential, returned once with the old one's digest; the old secret stops."""
    row = get_operator(session, operator_id)
    if row.revoked_at is not None:
        raise Conflict(f"operator credential {operator_id} is revoked")
    old_hash, secret = row.secret_hash, new_secret(OPERATOR_PREFIX)
    row.secret_hash = hash_secret(secret)
    session.flush()
    return row, secret, old_hash


def operator_exists(session: Session, secret: str) -> bool:
    row = session.scalar(select(OperatorCredential).where(
        OperatorCredential.secret_hash == hash_secret(secret), OperatorCredential.revoked_at.is_(None)))
    return row is not None


# -- signing keys ------------------------------------------------------------------------------------

def signing_keys(db: Database, *, clock: Clock, kek: KeyEncryptionKey) -> list[SigningKey]:
    """The keys that sign and verify tokens, newest first, unsealed; the first call on a new database creates
    one, and a key found in clear (a database from before sealing) is sealed on the way."""
    with db.transaction(write=False) as session:
        rows = [(r.kid, r.sealed_key, r.created_at) for r in session.scalars(select(SigningKeyRow))]
    if not rows:
        rotate_signing_key(db, clock=clock, kek=kek)
        return signing_keys(db, clock=clock, kek=kek)
    clear = [(kid, sealed) for kid, sealed, _ in rows if not sealed.startswith(SEALED)]
    if clear:
        with db.transaction() as session:
            for kid, pem in clear:
                session.execute(update(SigningKeyRow).where(SigningKeyRow.kid == kid)
                                .values(sealed_key=kek.seal(pem)))
    keys = [SigningKey.from_pem(sealed if not sealed.startswith(SEALED) else kek.unseal(sealed), created)
            for _, sealed, created in rows]
    return sorted(keys, key=lambda k: k.created_at or clock.now(), reverse=True)


def rotate_signing_key(db: Database, *, clock: Clock, kek: KeyEncryptionKey) -> SigningKey:
    """A new key that signs from now on; the older ones verify until their last tokens expire."""
    key = SigningKey.generate()
    with db.transaction() as session:
        session.add(SigningKeyRow(kid=key.kid, sealed_key=kek.seal(key.private_pem()), created_at=clock.now()))
    return key


def partner_code_by_id(session: Session, partner_id: int) -> str:
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise NotFound(f"partner {partner_id} not found")
    return partner.code
