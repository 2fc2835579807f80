"""Sign in, sign out, and reset a forgotten password."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hireport.kit.dialect import PUBLIC
from hireport.kit.errors import DomainError, InvalidInput, RateLimited
from hireport.kit.runtime import Runtime
from hireport.kit.web import RuntimeDep
from hireport.services import accounts, signin
from hireport.web import pages
from hireport.web.people import (
    PRESESSION_COOKIE,
    CheckedForm,
    OptionalPerson,
    clear_session_cookie,
    csrf_token_of,
    keep_presession,
    set_session_cookie,
)

router = APIRouter(tags=["account"], default_response_class=HTMLResponse, include_in_schema=False)
THROTTLE = "signin-throttle"


def setup(rt: Runtime) -> None:
    rt.state[THROTTLE] = signin.Throttle(rt.rate_limits, per_account=rt.settings.signin_limit_account,
                                         per_address=rt.settings.signin_limit_address)


def _form_page(request: Request, rt: Runtime, template: str, status: int = 200, **context: object) -> Response:
    """A page with a form, before or after sign-in: its CSRF token is the browser's (pre-)session's."""
    response = pages.page(request, template, status, csrf=csrf_token_of(rt, request), **context)
    keep_presession(request, response, rt)
    return response


def _refused(page: Response, exc: DomainError) -> Response:
    """The form page again, saying why, with what the refusal tells a client (a 429's Retry-After)."""
    page.headers.update(exc.headers)
    return page


@router.get("/signin", openapi_extra=PUBLIC, summary="The sign-in page")
def signin_page(request: Request, rt: RuntimeDep, person: OptionalPerson, next: str = "",
                changed: bool = False) -> Response:
    if person is not None:
        return pages.redirect(pages.safe_next(next))
    return _form_page(request, rt, "signin.html", next=pages.safe_next(next), email="",
                      notice="Your password was changed. Sign in with the new one." if changed else "")


@router.post("/signin", openapi_extra=PUBLIC, summary="Sign in with e-mail and password")
async def signin_submit(request: Request, rt: RuntimeDep, person: OptionalPerson, form: CheckedForm) -> Response:
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    next_path = pages.safe_next(str(form.get("next") or ""))
    address = request.client.host if request.client else ""
    try:
        token = await run_in_threadpool(_sign_in, rt, email, password, address)
    except (InvalidInput, RateLimited) as exc:
        return _refused(_form_page(request, rt, "signin.html", exc.status_code, next=next_path, email=email[:320],
                                   error=exc.message), exc)
    response = pages.redirect(next_path)
    set_session_cookie(response, rt, token)
    response.delete_cookie(PRESESSION_COOKIE, path="/")
    return response


def _sign_in(rt: Runtime, email: str, password: str, address: str) -> str:
    with rt.db.transaction() as session:
        account = signin.check_password(session, rt.state[THROTTLE], email=email, password=password, address=address)
        return signin.start(session, account, clock=rt.clock, lifetime=rt.settings.session_lifetime)


@router.post("/signout", openapi_extra=PUBLIC, summary="Sign out (ends the browser session)")
async def signout(request: Request, rt: RuntimeDep, person: OptionalPerson, form: CheckedForm) -> Response:
    if person is not None:
        await run_in_threadpool(_sign_out, rt, person.session_token)
    response = pages.redirect(pages.SIGN_IN)
    clear_session_cookie(response, rt)
    return response


def _sign_out(rt: Runtime, token: str) -> None:
    with rt.db.transaction() as session:
        signin.end(session, token, clock=rt.clock)


# The reset pages are the same for whoever opens them: they do not look for a signed-in person, so their
# forms carry the pre-session's CSRF token, never a session's (a crafted link cannot aim one elsewhere).

@router.get("/reset", openapi_extra=PUBLIC, summary="Ask for a password-reset link")
def reset_page(request: Request, rt: RuntimeDep) -> Response:
    return _form_page(request, rt, "reset_request.html", sent=False)


@router.post("/reset", openapi_extra=PUBLIC, summary="Mail a password-reset link (the answer never says whether "
             "the e-mail has an account)")
async def reset_submit(request: Request, rt: RuntimeDep, form: CheckedForm) -> Response:
    email = str(form.get("email") or "")
    address = request.client.host if request.client else ""
    try:
        await run_in_threadpool(_request_reset, rt, email, address)
    except RateLimited as exc:
        return _refused(_form_page(request, rt, "reset_request.html", exc.status_code, sent=False, error=exc.message),
                        exc)
    return _form_page(request, rt, "reset_request.html", sent=True, minutes=signin.RESET_SECONDS // 60)


def _request_reset(rt: Runtime, email: str, address: str) -> None:
    with rt.db.transaction() as session:
        signin.request_reset(session, rt.state[THROTTLE], email, address=address,
                             link=f"{rt.settings.issuer}/account/reset/", kek=rt.kek,
                             sender=rt.settings.mail_noreply, clock=rt.clock)


@router.get("/reset/{token}", openapi_extra=PUBLIC, summary="Choose a new password")
def new_password_page(request: Request, rt: RuntimeDep, token: str) -> Response:
    return _reset_page(request, rt, token)


@router.post("/reset/{token}", openapi_extra=PUBLIC, summary="Set the new password (the link works once)")
async def new_password_submit(request: Request, rt: RuntimeDep, form: CheckedForm, token: str) -> Response:
    if not signin.looks_like_token(token):
        return _reset_page(request, rt, token)
    password = str(form.get("password") or "")
    try:
        await run_in_threadpool(_reset, rt, token, password)
    except InvalidInput as exc:
        return _reset_page(request, rt, token, status=400, error=pages.said(exc))
    response = pages.redirect(pages.SIGN_IN + "?changed=1")
    clear_session_cookie(response, rt)
    return response


def _reset_page(request: Request, rt: Runtime, token: str, *, status: int = 200, error: str = "") -> Response:
    """The new-password form, for a link that looks like one of ours (only such a token goes in its action)."""
    if not signin.looks_like_token(token):
        return _form_page(request, rt, "reset.html", 400, token=None,
                          error="This reset link is not valid. Ask for a new one.")
    return _form_page(request, rt, "reset.html", status, token=token, min=accounts.PASSWORD_MIN, error=error)


def _reset(rt: Runtime, token: str, password: str) -> None:
    with rt.db.transaction() as session:
        signin.reset_password(session, token, password, clock=rt.clock)
