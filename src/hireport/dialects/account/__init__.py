"""Pages for people: sign in, sign out, reset a password (and, for applications people authorize, the
consent page of the authorization server). Every route is public at the door; each page finds the person
from the session cookie itself."""

from hireport.dialects.account import authorize, signin
from hireport.kit.dialect import Dialect
from hireport.web.pages import ErrorPage, render_problem

DESCRIPTION = """
Sign-in, sign-out and password-reset pages for people with an account (HTML forms, CSRF-protected).
A session is a server-side row behind an `HttpOnly`, `SameSite=Lax` cookie; sign-in attempts are throttled
per account and per client address.
"""

DIALECT = Dialect(
    name="account", title="hireport account pages", prefix="/account", routers=(signin.router, authorize.router),
    render=render_problem, error_model=ErrorPage, description=DESCRIPTION, setup=signin.setup,
    pages=True,
)
