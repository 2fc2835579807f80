"""The authorization endpoint: the consent page where a person lets an application act for them in one of
their tenants (the authorization-code grant; the rules are `hireport.services.authorization`'s).

The request is checked before anything else, so a bad one is refused before the person signs in: an
unknown client or unregistered redirect URI on an error page, anything else back at the client. The form
carries the request's parameters back and they are checked again on submission, with the CSRF token of
the person's session.
"""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hireport.kit.dialect import PUBLIC
from hireport.kit.errors import Unauthenticated
from hireport.kit.runtime import Runtime
from hireport.kit.web import RuntimeDep
from hireport.services import authorization
from hireport.services.authorization import AuthorizationRequest, Redirected, TenantChoice
from hireport.web import pages
from hireport.web.people import CheckedForm, OptionalPerson

router = APIRouter(tags=["account"], default_response_class=HTMLResponse, include_in_schema=False)
Params = list[tuple[str, str]]


@router.get("/authorize", openapi_extra=PUBLIC, summary="Authorize an application (the consent page)")
async def authorize_page(request: Request, rt: RuntimeDep, person: OptionalPerson) -> Response:
    """The consent page for a valid request; before it, the sign-in page (which sends the person back here)."""
    params = list(request.query_params.multi_items())
    try:
        checked, tenants = await run_in_threadpool(_consent, rt, params, person.account_id if person else None)
    except Redirected as exc:
        return pages.redirect(exc.location)
    if person is None:
        return pages.redirect(pages.sign_in_url(f"{request.url.path}?{request.url.query}"))
    return pages.page(request, "consent.html", authorization=checked, tenants=tenants)


@router.post("/authorize", openapi_extra=PUBLIC, summary="Allow or deny an application")
async def authorize_submit(request: Request, rt: RuntimeDep, person: OptionalPerson, form: CheckedForm) -> Response:
    """`decision=allow` with a `tenant` of the person's gives the application a code; anything else denies."""
    if person is None or person.account_id is None:
        raise Unauthenticated("sign in to continue")
    params = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    allow, tenant = form.get("decision") == "allow", str(form.get("tenant") or "")
    tenant_id = int(tenant) if tenant.isascii() and tenant.isdigit() and len(tenant) <= 10 else None
    try:
        location = await run_in_threadpool(_decide, rt, params, person.account_id, allow=allow, tenant_id=tenant_id)
    except Redirected as exc:
        location = exc.location
    return pages.redirect(location)


def _consent(rt: Runtime, params: Params, account_id: int | None) -> tuple[AuthorizationRequest, list[TenantChoice]]:
    with rt.db.transaction(write=False) as session:
        checked = authorization.authorization_request(session, params)
        return checked, [] if account_id is None else authorization.tenant_choices(session, checked, account_id)


def _decide(rt: Runtime, params: Params, account_id: int, *, allow: bool, tenant_id: int | None) -> str:
    with rt.db.transaction() as session:
        checked = authorization.authorization_request(session, params)
        if not allow:
            return authorization.denied(checked)
        return authorization.approve(session, checked, account_id=account_id, tenant_id=tenant_id, clock=rt.clock)
