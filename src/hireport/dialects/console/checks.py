"""Background checks: every check of the tenant with its status, reference and result links; a check
ordered for an application from a provider the tenant uses."""

from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from hireport.dialects.console.shared import PAGE_SIZE, Cursor, Reader, Recruiter, done, home, read_form, show
from hireport.kit.bounds import RowId
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import BackgroundCheck
from hireport.services import applications, checks, identity
from hireport.web.people import CheckedForm

router = APIRouter(prefix="/{tenant_id}", default_response_class=HTMLResponse, include_in_schema=False)


class CheckOrder(BaseModel):
    partner: Annotated[str, Field(min_length=1, max_length=50)]
    package_code: Annotated[str, Field(min_length=1, max_length=100)]
    package_name: Annotated[str | None, Field(max_length=200)] = None


@router.get("/checks")
def checks_page(request: Request, member: Reader, session: DbSession, after: Cursor = None) -> Response:
    found = checks.list_page(session, member.caller, limit=PAGE_SIZE, cursor=after)
    return show(request, member, "checks.html", section="checks", found=found,
                providers=provider_names(session, member.tenant_id, found.items),
                candidacies=applications.candidacies(session, member.caller, (c.application_id for c in found.items)))


@router.post("/applications/{application_id}/checks")
def order_check(member: Recruiter, form: CheckedForm, session: DbSession, rt: RuntimeDep,
                application_id: RowId) -> Response:
    wanted = read_form(form, CheckOrder)
    checks.order(session, member.caller, application_id=application_id, partner_code=wanted.partner,
                 package_code=wanted.package_code, package_name=wanted.package_name, clock=rt.clock)
    return done(f"{home(member.tenant_id)}/applications/{application_id}", "check-ordered")


def provider_names(session: DbSession, tenant_id: int, found: Iterable[BackgroundCheck]) -> dict[int, str]:
    """The name of the provider of each check (those the tenant uses, and any other a check names)."""
    names = {p.id: p.name for p in identity.tenant_partners(session, tenant_id)}
    for partner_id in {c.partner_id for c in found} - set(names):
        names[partner_id] = identity.partner_code_by_id(session, partner_id)
    return names
