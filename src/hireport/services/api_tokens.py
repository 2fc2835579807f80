"""Gupy-style API tokens: long-lived bearer tokens of one tenant, limited to chosen endpoints."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import InvalidInput
from hireport.kit.scopes import GUPY_SCOPES, parse_scopes
from hireport.kit.secrets import hash_secret
from hireport.kit.tenancy import get_scoped, scoped
from hireport.models import ApiToken


def create(session: Session, caller: Caller, *, name: str, scopes: str | list[str],
           clock: Clock) -> tuple[ApiToken, str]:
    """A new token (a UUID, as Gupy's look) for the caller's tenant; returned once, stored as a digest."""
    chosen = parse_scopes(scopes)
    outside = [s for s in chosen if s not in GUPY_SCOPES]
    if not chosen or outside:
        raise InvalidInput(f"an API token may hold only the Gupy endpoints: {', '.join(GUPY_SCOPES)}",
                           field="endpoints")
    secret = str(uuid.uuid4())
    row = ApiToken(tenant_id=caller.require_tenant(), name=name, token_hash=hash_secret(secret), scopes=chosen,
                   created_at=clock.now())
    session.add(row)
    session.flush()
    return row, secret


def list_all(session: Session, caller: Caller) -> list[ApiToken]:
    return list(session.scalars(scoped(ApiToken, caller).order_by(ApiToken.id)))


def revoke(session: Session, caller: Caller, token_id: int, *, clock: Clock) -> ApiToken:
    row = get_scoped(session, ApiToken, caller, token_id, what="API token")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        session.flush()
    return row


def authenticate(session: Session, secret: str) -> Caller | None:
    """The caller an API token stands for, or None if it is unknown or revoked."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret),
                                                ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    return Caller(client_id=f"api-token:{row.id}", tenant_id=row.tenant_id, scopes=frozenset(row.scopes))
