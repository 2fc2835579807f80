"""API tokens: long-lived bearer tokens of one tenant, limited to the scopes (endpoints) chosen."""

import uuid

from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, InvalidInput, NotFound
from hireport.kit.pagination import Page, keyset_page
from hireport.kit.scopes import Holder, parse_scopes
from hireport.kit.secrets import hash_secret
from hireport.kit.tenancy import across_tenants, get_scoped, scoped
from hireport.models import ApiToken, Tenant


def create(session: Session, caller: Caller, *, name: str, scopes: str | list[str],
           clock: Clock) -> tuple[ApiToken, str]:
    """A new token (a UUID) for the caller's tenant; returned once, stored as a digest."""
    tenant_id = caller.require_tenant()
    if session.get(Tenant, tenant_id) is None:
        raise NotFound(f"tenant {tenant_id} not found")
    chosen = parse_scopes(scopes, holder=Holder.api_token)
    if not chosen:
        raise InvalidInput("an API token needs at least one scope", field="scopes")
    secret = str(uuid.uuid4())
    row = ApiToken(tenant_id=caller.require_tenant(), name=name, token_hash=hash_secret(secret), scopes=chosen,
                   created_at=clock.now())
    session.add(row)
    session.flush()
    return row, secret


def list_all(session: Session, caller: Caller) -> list[ApiToken]:
    return list(session.scalars(scoped(ApiToken, caller).order_by(ApiToken.id)))


def list_page(session: Session, caller: Caller, *, limit: int, cursor: str | None) -> Page[ApiToken]:
    return keyset_page(session, scoped(ApiToken, caller), ApiToken.id, limit=limit, cursor=cursor)


def revoke(session: Session, caller: Caller, token_id: int, *, clock: Clock) -> ApiToken:
    row = get_scoped(session, ApiToken, caller, token_id, what="API token")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        session.flush()
    return row


def rotate(session: Session, caller: Caller, token_id: int) -> tuple[ApiToken, str, str]:
    """A new secret for the token (same scopes), returned once with the old one's digest; the old stops."""
    row = get_scoped(session, ApiToken, caller, token_id, what="API token")
    if row.revoked_at is not None:
        raise Conflict(f"API token {token_id} is revoked")
    old_hash, secret = row.token_hash, str(uuid.uuid4())
    row.token_hash = hash_secret(secret)
    session.flush()
    return row, secret, old_hash


def authenticate(session: Session, secret: str) -> Caller | None:
    """The caller an API token stands for, or None if it is unknown or revoked."""
    row = session.scalar(across_tenants(ApiToken).where(ApiToken.token_hash == hash_secret(secret),
                                                ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    return Caller(client_id=f"api-token:{row.id}", tenant_id=row.tenant_id, scopes=frozenset(row.scopes))
