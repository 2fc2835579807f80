"""What the candidate's pages share (careers pages and the candidate portal): their forms' CSRF tokens and
rate limit, reading posted forms with files, the branding around a page, and the portal's session cookie.

A careers page's forms are CSRF-protected with the browser's pre-session cookie (as the sign-in form is);
the portal's with its own session cookie. Every form a candidate posts counts against one limit per client
address (`HIREPORT_CANDIDATE_FORM_LIMIT`), kept in the runtime's rate-limit storage.
"""

from dataclasses import dataclass

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response

from hireport.kit.dialect import Problem
from hireport.kit.errors import Forbidden, InvalidInput
from hireport.kit.ratelimit import Limiter
from hireport.kit.runtime import Runtime
from hireport.models import CareerPage
from hireport.services import portal, signin
from hireport.web import pages
from hireport.web.pages import ErrorPage
from hireport.web.people import CSRF_FIELD, csrf_key, keep_presession, presession_of

__all__ = ["ErrorPage", "render_problem"]

PORTAL_COOKIE = "hireport_candidate"
LIMITER = "candidate-forms"
MAX_FIELDS = 80


def setup(rt: Runtime) -> None:
    """The one limiter of every candidate form (made once per runtime, whichever dialect asks first)."""
    if LIMITER not in rt.state:
        rt.state[LIMITER] = Limiter(rt.settings.candidate_form_limit, rt.rate_limits, namespace=LIMITER,
                                    refusal="Too many forms were sent from here in a short time. Wait a minute, "
                                            "then try again.")


def postman(rt: Runtime) -> portal.Postman:
    return portal.Postman(rt.settings.issuer, rt.settings.mail_from, rt.urls, rt.kek, rt.clock)


TITLES = {400: "That did not work", 403: "Not allowed", 404: "Not found", 408: "That took too long",
          409: "That cannot be done now", 413: "That file is too large", 414: "That address is too long",
          415: "That file cannot be accepted", 429: "Too many attempts", 500: "Something went wrong"}


def render_problem(problem: Problem) -> Response:
    """The candidate pages' error shape: a page that says what went wrong, in words for a candidate; a visit
    without a portal session is sent where a candidate asks for a new link."""
    if problem.status == 401 and "Location" in problem.headers:
        return pages.redirect(problem.headers["Location"])
    return pages.render("candidate/error.html", problem.status, headers=problem.headers,
                        title=TITLES.get(problem.status, "Error"), problem=problem, brand=None)


def count_form(rt: Runtime, request: Request) -> None:
    """Count a posted form against its address's limit: a 429 page past it."""
    address = request.client.host if request.client else ""
    limiter: Limiter = rt.state[LIMITER]
    limiter.hit(address)


def public_csrf(rt: Runtime, request: Request) -> str:
    """The CSRF token of a public form (before any session): the browser's pre-session's."""
    return signin.csrf_token(csrf_key(rt), presession_of(request))


def portal_csrf(rt: Runtime, session_token: str) -> str:
    return signin.csrf_token(csrf_key(rt), session_token)


async def posted(rt: Runtime, request: Request, secret: str | None, *, max_files: int = 0) -> FormData:
    """A posted form (with up to `max_files` files) that carries the CSRF token of `secret` (the pre-session
    or portal cookie); counted against the address's limit. Else a 403 page, and nothing changes.

    What can be checked without the body is checked before a byte of it is read: the limit, and that the
    browser holds the cookie its token is made from (a form posted from another site comes without it)."""
    count_form(rt, request)
    if not secret:
        raise Forbidden(_EXPIRED)
    try:
        form = await request.form(max_files=max_files, max_fields=MAX_FIELDS)
    except (HTTPException, MultiPartException) as exc:  # a malformed or over-full multipart body
        raise InvalidInput("The form could not be read. Go back and send it again.") from exc
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not signin.csrf_matches(csrf_key(rt), secret, sent):
        raise Forbidden(_EXPIRED)
    return form


_EXPIRED = "This form has expired or did not come from this site. Go back, reload the page and try again."


def text_fields(form: FormData) -> dict[str, str]:
    """The form's text fields (the last of each name), without its CSRF token."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}


async def file_bytes(upload: UploadFile, limit: int) -> bytes:
    """An uploaded file's bytes, read to at most one byte past `limit` (the service refuses it then)."""
    return await upload.read(limit + 1)


def with_presession(request: Request, response: Response, rt: Runtime) -> Response:
    keep_presession(request, response, rt)
    return response


@dataclass(frozen=True)
class Brand:
    """What a candidate's page shows of the employer."""

    tenant_id: int
    page_id: int | None
    name: str
    has_logo: bool
    themed: bool

    @classmethod
    def of(cls, page: CareerPage | None, tenant_id: int, fallback: str) -> "Brand":
        if page is None:
            return cls(tenant_id, None, fallback, False, False)
        return cls(tenant_id, page.id, page.name, page.logo_key is not None,
                   bool(page.primary_color or page.accent_color))

    @property
    def home(self) -> str:
        return f"/careers/{self.tenant_id}/{self.page_id}/" if self.page_id else f"/portal/{self.tenant_id}/"

    @property
    def assets(self) -> str:
        return f"/careers/{self.tenant_id}/{self.page_id}"


def theme_css(page: CareerPage) -> str:
    """The page's colours, as the style sheet's variables (the colours were checked when they were set)."""
    rules = []
    if page.primary_color:
        rules.append(f"--brand: {page.primary_color};")
    if page.accent_color:
        rules.append(f"--accent: {page.accent_color};")
    return ":root { " + " ".join(rules) + " }\n"


def set_portal_cookie(response: Response, rt: Runtime, tenant_id: int, token: str) -> None:
    response.set_cookie(PORTAL_COOKIE, token, httponly=True, samesite="lax", path=f"/portal/{tenant_id}",
                        secure=rt.settings.secure_cookies, max_age=portal.SESSION_SECONDS)


def clear_portal_cookie(response: Response, rt: Runtime, tenant_id: int) -> None:
    response.delete_cookie(PORTAL_COOKIE, path=f"/portal/{tenant_id}", httponly=True, samesite="lax",
                           secure=rt.settings.secure_cookies)
