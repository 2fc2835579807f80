"""The referral programme's orders: every referral with its recruiter, the person recruited and where its order
stands; a recruiter confirms an order (the recruiter is credited the campaign's points, once) or cancels it."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from hireport.dialects.console.shared import PAGE_SIZE, Reader, Recruiter, done, home, show
from hireport.kit.bounds import RowId
from hireport.kit.web import DbSession, RuntimeDep
from hireport.services import referrals
from hireport.web.people import CheckedForm

router = APIRouter(prefix="/{tenant_id}", default_response_class=HTMLResponse, include_in_schema=False)


@router.get("/referrals")
def referrals_page(request: Request, member: Reader, session: DbSession) -> Response:
    """The newest orders (a page of them)."""
    return show(request, member, "referrals.html", section="referrals",
                rows=referrals.order_rows(session, member.caller, limit=PAGE_SIZE * 4))


@router.post("/orders/{order_id}/confirm")
def confirm(member: Recruiter, _: CheckedForm, session: DbSession, rt: RuntimeDep, order_id: RowId) -> Response:
    referrals.decide(session, member.caller, order_id, confirm=True, clock=rt.clock)
    return done(f"{home(member.tenant_id)}/referrals", "order-confirmed")


@router.post("/orders/{order_id}/cancel")
def cancel(member: Recruiter, _: CheckedForm, session: DbSession, rt: RuntimeDep, order_id: RowId) -> Response:
    referrals.decide(session, member.caller, order_id, confirm=False, clock=rt.clock)
    return done(f"{home(member.tenant_id)}/referrals", "order-cancelled")
