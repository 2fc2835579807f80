"""A tenant's e-mail templates, Gupy API tokens, and the messages sent to candidates."""

from fastapi import APIRouter, Response, status

from hireport.dialects.manage.auth import OnTenant
from hireport.dialects.manage.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    Cursor,
    Limit,
    MessageRead,
    PageOf,
    TemplateCreate,
    TemplateRead,
    page_of,
)
from hireport.kit.bounds import RowId
from hireport.kit.invalidation import API_TOKENS
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import ApiToken
from hireport.services import api_tokens, messaging

router = APIRouter(prefix="/tenants/{tenant_id}")


@router.post("/email-templates", status_code=status.HTTP_201_CREATED, tags=["e-mail templates"])
def create_template(body: TemplateCreate, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> TemplateRead:
    """A template that does not render with the documented placeholders is refused."""
    template = messaging.create_template(session, caller, name=body.name, subject=body.subject, body=body.body,
                                         clock=rt.clock)
    return TemplateRead.model_validate(template)


@router.get("/email-templates", tags=["e-mail templates"])
def list_templates(session: DbSession, caller: OnTenant, limit: Limit = 50,
                   cursor: Cursor = None) -> PageOf[TemplateRead]:
    return page_of(messaging.templates_page(session, caller, limit=limit, cursor=cursor), TemplateRead.model_validate)


@router.delete("/email-templates/{template_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["e-mail templates"])
def delete_template(template_id: RowId, session: DbSession, caller: OnTenant) -> Response:
    """409 if a message was sent from it: integrations depend on its id."""
    messaging.delete_template(session, caller, template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/api-tokens", status_code=status.HTTP_201_CREATED, tags=["API tokens"])
def create_api_token(body: ApiTokenCreate, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> ApiTokenCreated:
    """A Gupy-style bearer token for the chosen endpoints; the token is in this answer and nowhere else."""
    row, secret = api_tokens.create(session, caller, name=body.name, scopes=body.endpoints, clock=rt.clock)
    return ApiTokenCreated(**token_view(row).model_dump(), token=secret)


@router.get("/api-tokens", tags=["API tokens"])
def list_api_tokens(session: DbSession, caller: OnTenant, limit: Limit = 50,
                    cursor: Cursor = None) -> PageOf[ApiTokenRead]:
    return page_of(api_tokens.list_page(session, caller, limit=limit, cursor=cursor), token_view)


@router.delete("/api-tokens/{token_id}", tags=["API tokens"])
def revoke_api_token(token_id: RowId, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> ApiTokenRead:
    """The token stops working at once here, and in other processes at once with Redis (else within 10
    seconds)."""
    row = api_tokens.revoke(session, caller, token_id, clock=rt.clock)
    rt.bus.publish_on_commit(session, API_TOKENS, row.token_hash)
    return token_view(row)


@router.post("/api-tokens/{token_id}/secret", tags=["API tokens"])
def rotate_api_token(token_id: RowId, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> ApiTokenCreated:
    """A new secret for the same endpoints, in this answer only; the old one stops (at once here; in other
    processes at once with Redis, else within 10 seconds)."""
    row, secret, old_hash = api_tokens.rotate(session, caller, token_id)
    rt.bus.publish_on_commit(session, API_TOKENS, old_hash)
    return ApiTokenCreated(**token_view(row).model_dump(), token=secret)


@router.get("/messages/{message_id}", tags=["messages"])
def get_message(message_id: RowId, session: DbSession, caller: OnTenant) -> MessageRead:
    """A message with its delivery status, attempts and last error."""
    return MessageRead.model_validate(messaging.get_message(session, caller, message_id))


def token_view(row: ApiToken) -> ApiTokenRead:
    return ApiTokenRead(id=row.id, name=row.name, endpoints=row.scopes, created_at=row.created_at,
                        revoked_at=row.revoked_at)


