"""Server-rendered pages: one Jinja2 environment (autoescaped), the security headers every page carries,
the page dialects' error page, and hireport's own static files (htmx, the style sheet; no CDN).

Every page answers with a Content-Security-Policy that allows no inline script or style and no framing
(`frame-ancestors 'none'`, with `X-Frame-Options: DENY` for older browsers), `Referrer-Policy:
same-origin`, `nosniff`, and `Cache-Control: no-store` (pages show people's data). A page that is meant
to be embedded says so with `frame_ancestors`.
"""

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from hireport.kit.dialect import Problem
from hireport.kit.errors import DomainError

STATIC = Path(__file__).parent / "static"
SIGN_IN = "/account/signin"

_ENV = Environment(loader=PackageLoader("hireport.web", "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)


def security_headers(*, frame_ancestors: str = "'none'") -> dict[str, str]:
    headers = {
        "Content-Security-Policy": (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                    f"object-src 'none'; base-uri 'none'; frame-ancestors {frame_ancestors}"),
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    if frame_ancestors == "'none'":
        headers["X-Frame-Options"] = "DENY"
    return headers


def render(template: str, status: int = 200, *, headers: dict[str, str] | None = None,
           frame_ancestors: str = "'none'", **context: Any) -> HTMLResponse:
    """A page from `templates/`, with the security headers (framed only by `frame_ancestors`)."""
    html = _ENV.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status,
                        headers={**security_headers(frame_ancestors=frame_ancestors), **(headers or {})})


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """`render` with what every page's layout reads: the request, the signed-in person if any, and the CSRF
    token of their forms (see `hireport.web.people`)."""
    state = request.scope.get("state", {})
    context.setdefault("csrf", state.get("csrf", ""))
    return render(template, status, request=request, person=state.get("person"), **context)


def with_query(request: Request, **changes: object) -> str:
    """This page's query with some parameters changed (None or "" drops one; a change's notice, `done`, is
    dropped too), as a relative link."""
    params = {key: value for key, value in request.query_params.items() if key not in changes and key != "done"}
    params.update({key: str(value) for key, value in changes.items() if value not in (None, "")})
    return "?" + urlencode(params)


def said(exc: DomainError) -> str:
    """An error's message with the problem of each field it names, on one line."""
    fields = "; ".join(str(d["message"]) for d in exc.details if d.get("message") not in (None, "", exc.message))
    return exc.message + (f" ({fields})" if fields else "")


def redirect(location: str, status_code: int = 303) -> Response:
    """See other (after a form: the browser follows with a GET), or another redirect, with the security headers."""
    return RedirectResponse(location, status_code=status_code, headers=security_headers())


def sign_in_url(next_path: str = "") -> str:
    return SIGN_IN + (f"?next={quote(next_path, safe='')}" if next_path else "")


def safe_next(next_path: str | None, default: str = "/console/") -> str:
    """A place of this site's to go after signing in: a path, never another origin (`//host`, `/\\host`)."""
    if not next_path or not next_path.startswith("/") or next_path.startswith(("//", "/\\")):
        return default
    return next_path


class ErrorPage(BaseModel):
    """Pages answer an error with a page that says what went wrong (documented as text/html)."""

    status: int
    message: str


def render_problem(problem: Problem) -> Response:
    """The page dialects' error shape: a page that says what went wrong; an unauthenticated visit is sent to
    sign in instead."""
    if problem.status == 401:
        return redirect(problem.headers.get("Location", SIGN_IN))
    titles = {400: "That did not work", 403: "Not allowed", 404: "Not found", 409: "Refused",
              429: "Too many attempts", 500: "Something went wrong"}
    headers = {k: v for k, v in problem.headers.items() if k.lower() != "location"}
    return render("error.html", problem.status, headers=headers, title=titles.get(problem.status, "Error"),
                  problem=problem, person=None)


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC)
