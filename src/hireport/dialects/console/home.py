"""The tenant picker: the tenants the person is a member of (with one, straight to it)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from hireport.dialects.console.shared import Reader, account_of, home
from hireport.kit.web import DbSession
from hireport.services import accounts
from hireport.web import pages
from hireport.web.people import PersonDep

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@router.get("/")
def picker(request: Request, person: PersonDep, session: DbSession) -> Response:
    tenants = accounts.memberships(session, account_of(person))
    if len(tenants) == 1:
        return pages.redirect(f"{home(tenants[0][0].id)}/jobs")
    return pages.page(request, "console/home.html", title="Your tenants", tenants=tenants)


@router.get("/{tenant_id}")
def tenant(member: Reader) -> Response:
    return pages.redirect(f"{home(member.tenant_id)}/jobs")
