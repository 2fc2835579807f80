"""Tenants, partners and clients."""

from typing import Annotated

from fastapi import APIRouter, Path, status

from hireport.dialects.manage.auth import Operator
from hireport.dialects.manage.schemas import (
    ClientCreate,
    ClientCreated,
    ClientRead,
    Cursor,
    Limit,
    OperatorRead,
    OperatorRotated,
    PageOf,
    PartnerCreate,
    PartnerRead,
    TenantCreate,
    TenantPartnerCreate,
    TenantRead,
    TenantUpdate,
    page_of,
)
from hireport.kit.bounds import Id32
from hireport.kit.invalidation import OPERATORS, REVOKED_CLIENTS, TENANT_SETTINGS
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import OAuthClient
from hireport.services import identity

router = APIRouter()

PartnerCode = Annotated[str, Path(min_length=1, max_length=50)]
ClientId = Annotated[str, Path(min_length=1, max_length=100)]


@router.post("/tenants", status_code=status.HTTP_201_CREATED, tags=["tenants"])
def create_tenant(body: TenantCreate, session: DbSession, rt: RuntimeDep, _: Operator) -> TenantRead:
    tenant = identity.create_tenant(session, tenant_id=body.id, name=body.name, clock=rt.clock)
    return TenantRead.model_validate(tenant)


@router.patch("/tenants/{tenant_id}", tags=["tenants"])
async def update_tenant(tenant_id: Id32, body: TenantUpdate, rt: RuntimeDep, _: Operator) -> TenantRead:
    """Settings change at once in this process, and in every other at once with Redis (else within 10 s)."""

    def update(session: DbSession) -> TenantRead:
        tenant = identity.update_tenant(session, tenant_id, name=body.name, settings=body.settings)
        rt.bus.publish_on_commit(session, TENANT_SETTINGS, str(tenant_id))
        return TenantRead.model_validate(tenant)

    return await rt.db.write(update, inline=False)  # it publishes to Redis on commit: not on the loop


@router.get("/tenants", tags=["tenants"])
def list_tenants(session: DbSession, _: Operator, limit: Limit = 50, cursor: Cursor = None) -> PageOf[TenantRead]:
    return page_of(identity.tenants_page(session, limit=limit, cursor=cursor), TenantRead.model_validate)


@router.get("/tenants/{tenant_id}", tags=["tenants"])
def get_tenant(tenant_id: Id32, session: DbSession, _: Operator) -> TenantRead:
    return TenantRead.model_validate(identity.get_tenant(session, tenant_id))


@router.post("/partners", status_code=status.HTTP_201_CREATED, tags=["partners"])
def create_partner(body: PartnerCreate, session: DbSession, rt: RuntimeDep, _: Operator) -> PartnerRead:
    partner = identity.create_partner(session, code=body.code, name=body.name, kind=body.kind, clock=rt.clock)
    return PartnerRead.model_validate(partner)


@router.get("/partners", tags=["partners"])
def list_partners(session: DbSession, _: Operator, limit: Limit = 50, cursor: Cursor = None) -> PageOf[PartnerRead]:
    return page_of(identity.partners_page(session, limit=limit, cursor=cursor), PartnerRead.model_validate)


@router.get("/partners/{code}", tags=["partners"])
def get_partner(code: PartnerCode, session: DbSession, _: Operator) -> PartnerRead:
    return PartnerRead.model_validate(identity.get_partner(session, code))


@router.post("/tenants/{tenant_id}/partners", status_code=status.HTTP_201_CREATED, tags=["partners"])
def enable_partner(tenant_id: Id32, body: TenantPartnerCreate, session: DbSession, rt: RuntimeDep,
                   _: Operator) -> PartnerRead:
    """Let the tenant use a partner, so the partner's clients may get tokens for it (idempotent)."""
    partner = identity.enable_partner(session, tenant_id=tenant_id, partner_code=body.code, clock=rt.clock)
    return PartnerRead.model_validate(partner)


@router.get("/tenants/{tenant_id}/partners", tags=["partners"])
def tenant_partners(tenant_id: Id32, session: DbSession, _: Operator, limit: Limit = 50,
                    cursor: Cursor = None) -> PageOf[PartnerRead]:
    """The partners the tenant uses."""
    identity.get_tenant(session, tenant_id)
    page = identity.tenant_partners_page(session, tenant_id, limit=limit, cursor=cursor)
    return page_of(page, PartnerRead.model_validate)


@router.post("/clients", status_code=status.HTTP_201_CREATED, tags=["clients"])
def create_client(body: ClientCreate, session: DbSession, rt: RuntimeDep, _: Operator) -> ClientCreated:
    """Create a client of a tenant or of a partner. Its secret is in this answer and nowhere else. With
    `redirect_uris`, people may authorize it (authorization code with PKCE at `/account/authorize`)."""
    client, secret = identity.create_client(
        session, name=body.name, scopes=body.scopes, tenant_id=body.tenant_id, partner_code=body.partner,
        token_lifetime=body.token_lifetime or rt.settings.token_lifetime, redirect_uris=body.redirect_uris,
        clock=rt.clock)
    return ClientCreated(**client_view(session, client).model_dump(), client_secret=secret)


@router.get("/clients", tags=["clients"])
def list_clients(session: DbSession, _: Operator, limit: Limit = 50, cursor: Cursor = None,
                 tenant_id: Id32 | None = None) -> PageOf[ClientRead]:
    """Every client; with `tenant_id`, those that may act for that tenant: its own, and those of the partners
    it uses."""
    page = identity.clients_page(session, tenant_id=tenant_id, limit=limit, cursor=cursor)
    return page_of(page, lambda client: client_view(session, client))


@router.get("/clients/{client_id}", tags=["clients"])
def get_client(client_id: ClientId, session: DbSession, _: Operator) -> ClientRead:
    return client_view(session, identity.get_client(session, client_id))


@router.delete("/clients/{client_id}", tags=["clients"])
def revoke_client(client_id: ClientId, session: DbSession, rt: RuntimeDep, _: Operator) -> ClientRead:
    """The client gets no more tokens, and the tokens it has are refused at once here, and in every other
    process at once with Redis (else within 2 s)."""
    client = identity.revoke_client(session, identity.get_client(session, client_id), clock=rt.clock)
    rt.bus.publish_on_commit(session, REVOKED_CLIENTS, client_id)
    return client_view(session, client)


@router.post("/clients/{client_id}/secret", tags=["clients"])
def rotate_client_secret(client_id: ClientId, session: DbSession, _: Operator) -> ClientCreated:
    """A new secret, in this answer only; the old one gets no more tokens (those it got run out)."""
    client = identity.get_client(session, client_id)
    secret = identity.rotate_client_secret(session, client)
    return ClientCreated(**client_view(session, client).model_dump(), client_secret=secret)


@router.get("/operators", tags=["operators"])
def list_operators(session: DbSession, _: Operator, limit: Limit = 50,
                   cursor: Cursor = None) -> PageOf[OperatorRead]:
    return page_of(identity.operators_page(session, limit=limit, cursor=cursor), OperatorRead.model_validate)


@router.delete("/operators/{operator_id}", tags=["operators"])
def revoke_operator(operator_id: Id32, session: DbSession, rt: RuntimeDep, _: Operator) -> OperatorRead:
    """The credential stops working at once here, and in other processes at once with Redis (else within
    10 seconds). The last active credential cannot be revoked (409)."""
    row = identity.revoke_operator(session, operator_id, clock=rt.clock)
    rt.bus.publish_on_commit(session, OPERATORS, row.secret_hash)
    return OperatorRead.model_validate(row)


@router.post("/operators/{operator_id}/secret", tags=["operators"])
def rotate_operator(operator_id: Id32, session: DbSession, rt: RuntimeDep, _: Operator) -> OperatorRotated:
    """A new secret, in this answer only; the old one stops (at once here; elsewhere at once with Redis,
    else within 10 s)."""
    row, secret, old_hash = identity.rotate_operator(session, operator_id)
    rt.bus.publish_on_commit(session, OPERATORS, old_hash)
    return OperatorRotated(**OperatorRead.model_validate(row).model_dump(), operator_credential=secret)


def client_view(session: DbSession, client: OAuthClient) -> ClientRead:
    return ClientRead(client_id=client.client_id, name=client.name, tenant_id=client.tenant_id,
                      partner=identity.partner_code_of(session, client), scopes=client.scopes,
                      token_lifetime=client.token_lifetime, redirect_uris=client.redirect_uris,
                      created_at=client.created_at,
                      revoked_at=client.revoked_at)
