"""The tenant's integrations, for its admins: OAuth clients and API tokens, created (the secret shown once,
on the page that answers the form) and revoked (refused at once: the revocation is published like the
management API's); and the apps partners provisioned for the tenant, with the integrations requested through
them and where each stands."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from hireport.dialects.console.shared import PAGE_SIZE, Admin, Cursor, done, home, read_form, show
from hireport.kit.bounds import MAX_ITEMS, Count, RowId
from hireport.kit.invalidation import API_TOKENS, REVOKED_CLIENTS
from hireport.kit.scopes import Holder, held_by
from hireport.kit.web import DbSession, RuntimeDep
from hireport.services import api_tokens, identity
from hireport.services import integrations as partner_integrations
from hireport.services.accounts import Member
from hireport.web.people import CheckedForm

router = APIRouter(prefix="/{tenant_id}/integrations", default_response_class=HTMLResponse,
                   include_in_schema=False)

ScopeName = Annotated[str, Field(min_length=1, max_length=100)]
ClientId = Annotated[str, Path(min_length=1, max_length=100)]


class NewClient(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    scopes: Annotated[list[ScopeName], Field(max_length=MAX_ITEMS)]
    token_lifetime: Count | None = None
    redirect_uris: Annotated[str, Field(max_length=25_000)] = ""  # one per line: an application people authorize


class NewToken(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    scopes: Annotated[list[ScopeName], Field(max_length=MAX_ITEMS)]


@dataclass(frozen=True)
class Created:
    """What was just made, with its secret: shown on this one page, kept nowhere."""

    what: str
    name: str
    identifier: str
    secret: str


@router.get("")
def integrations(request: Request, member: Admin, session: DbSession, clients: Cursor = None,
                 tokens: Cursor = None) -> Response:
    """`clients`, `tokens`: where the previous page of each list ended."""
    return _page(request, member, session, clients=clients, tokens=tokens)


@router.post("/clients")
def create_client(request: Request, member: Admin, form: CheckedForm, session: DbSession,
                  rt: RuntimeDep) -> Response:
    wanted = read_form(form, NewClient, lists=("scopes",))
    client, secret = identity.create_client(
        session, name=wanted.name, scopes=wanted.scopes, tenant_id=member.tenant_id, clock=rt.clock,
        token_lifetime=wanted.token_lifetime or rt.settings.token_lifetime,
        redirect_uris=[line.strip() for line in wanted.redirect_uris.splitlines() if line.strip()])
    return _page(request, member, session, created=Created("client", client.name, client.client_id, secret))


@router.post("/clients/{client_id}/revoke")
def revoke_client(member: Admin, _: CheckedForm, session: DbSession, rt: RuntimeDep,
                  client_id: ClientId) -> Response:
    client = identity.get_tenant_client(session, member.tenant_id, client_id)
    identity.revoke_client(session, client, clock=rt.clock)
    rt.bus.publish_on_commit(session, REVOKED_CLIENTS, client.client_id)
    return done(f"{home(member.tenant_id)}/integrations", "client-revoked")


@router.post("/tokens")
def create_token(request: Request, member: Admin, form: CheckedForm, session: DbSession,
                 rt: RuntimeDep) -> Response:
    wanted = read_form(form, NewToken, lists=("scopes",))
    row, secret = api_tokens.create(session, member.caller, name=wanted.name, scopes=wanted.scopes, clock=rt.clock)
    return _page(request, member, session, created=Created("API token", row.name, str(row.id), secret))


@router.post("/tokens/{token_id}/revoke")
def revoke_token(member: Admin, _: CheckedForm, session: DbSession, rt: RuntimeDep,
                 token_id: RowId) -> Response:
    row = api_tokens.revoke(session, member.caller, token_id, clock=rt.clock)
    rt.bus.publish_on_commit(session, API_TOKENS, row.token_hash)
    return done(f"{home(member.tenant_id)}/integrations", "token-revoked")


def _page(request: Request, member: Member, session: DbSession, *, clients: str | None = None,
          tokens: str | None = None, created: Created | None = None) -> Response:
    return show(request, member, "integrations.html", section="integrations", created=created,
                clients=identity.tenant_clients(session, member.tenant_id, limit=PAGE_SIZE, cursor=clients),
                tokens=api_tokens.list_page(session, member.caller, limit=PAGE_SIZE, cursor=tokens),
                partner_apps=partner_integrations.of_tenant(session, member.tenant_id),
                client_scopes=held_by(Holder.client), token_scopes=held_by(Holder.api_token))
