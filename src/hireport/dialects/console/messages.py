"""The outbox: every mail of the tenant with its delivery status, attempts and last error."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from hireport.dialects.console.shared import PAGE_SIZE, Cursor, Reader, show
from hireport.kit.web import DbSession
from hireport.services import applications, messaging

router = APIRouter(prefix="/{tenant_id}", default_response_class=HTMLResponse, include_in_schema=False)


@router.get("/messages")
def outbox(request: Request, member: Reader, session: DbSession, after: Cursor = None) -> Response:
    found = messaging.list_page(session, member.caller, limit=PAGE_SIZE, cursor=after)
    return show(request, member, "messages.html", section="messages", found=found,
                candidacies=applications.candidacies(session, member.caller, (m.application_id for m in found.items)))
