"""The person behind a browser: the session cookie, the signed-in `Person`, and the CSRF token of forms.

The session cookie is `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` when hireport is reached over
https. Before sign-in, a browser gets a pre-session cookie so that the sign-in form has a CSRF token too
(a form posted from another site carries neither the cookie's value nor the token).
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, Headers
from starlette.requests import cookie_parser
from starlette.responses import Response

from hireport.kit.auth import Caller
from hireport.kit.errors import Forbidden, Unauthenticated
from hireport.kit.runtime import Runtime
from hireport.kit.secrets import new_secret
from hireport.kit.web import RuntimeDep
from hireport.services import signin
from hireport.web.pages import SIGN_IN

SESSION_COOKIE = "hireport_session"
PRESESSION_COOKIE = "hireport_presession"
CSRF_FIELD = "csrf"
_CSRF_KEY = "csrf-key"


@dataclass(frozen=True)
class Person(Caller):
    """A signed-in person, as the door found them: their account and browser session."""

    email: str = ""
    display_name: str = ""
    session_id: int = 0
    session_token: str = ""


def csrf_key(rt: Runtime) -> bytes:
    key: bytes | None = rt.state.get(_CSRF_KEY)
    if key is None:
        key = rt.state[_CSRF_KEY] = rt.kek.derive(b"csrf tokens")
    return key


def _resolve(rt: Runtime, token: str) -> signin.SignedIn | None:
    """The session, read without the write lock; its use written only every `signin.SEEN_EVERY` seconds."""
    with rt.db.transaction(write=False) as session:
        found = signin.resolve(session, token, clock=rt.clock, idle=rt.settings.session_idle)
    if found is not None and found.seen_due:
        with rt.db.transaction() as session:
            signin.seen(session, found.session_id, clock=rt.clock)
    return found


async def find_person(rt: Runtime, headers: Headers) -> Person | None:
    token = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    found = await run_in_threadpool(_resolve, rt, token)
    if found is None:
        return None
    return Person(client_id=f"session:{found.session_id}", account_id=found.account_id, email=found.email,
                  display_name=found.display_name, session_id=found.session_id, session_token=token)


async def authenticate(rt: Runtime, headers: Headers) -> Caller:
    """A page dialect's door: the signed-in person, or off to the sign-in page."""
    person = await find_person(rt, headers)
    if person is None:
        raise Unauthenticated("sign in to continue", headers={"Location": SIGN_IN})
    return person


def person_of(request: Request, rt: RuntimeDep) -> Person:
    """The person the door let in (on a page dialect whose door is `authenticate`)."""
    caller = request.scope.get("state", {}).get("caller")
    if not isinstance(caller, Person):
        raise Unauthenticated("sign in to continue", headers={"Location": SIGN_IN})
    _remember(request, rt, caller)
    return caller


async def optional_person(request: Request, rt: RuntimeDep) -> Person | None:
    """The signed-in person on a page that anyone may open (sign-in, consent)."""
    person = await find_person(rt, request.headers)
    if person is not None:
        _remember(request, rt, person)
    return person


def _remember(request: Request, rt: Runtime, person: Person) -> None:
    """What the page layout shows: the person, and the CSRF token of their forms."""
    state = request.scope.setdefault("state", {})
    state["person"] = person
    state["csrf"] = signin.csrf_token(csrf_key(rt), person.session_token)


def csrf_token_of(rt: Runtime, request: Request) -> str:
    """The CSRF token for this browser's forms (its session's; before sign-in, its pre-session's)."""
    known: str | None = request.scope.get("state", {}).get("csrf")  # the signed-in person's (`_remember`)
    return known or signin.csrf_token(csrf_key(rt), presession_of(request))


def presession_of(request: Request) -> str:
    token = request.cookies.get(PRESESSION_COOKIE)
    if not token:
        token = request.scope.setdefault("state", {}).setdefault("new_presession", new_secret())
    return token


def keep_presession(request: Request, response: Response, rt: Runtime) -> None:
    """Set the pre-session cookie if this request made one."""
    token = request.scope.get("state", {}).get("new_presession")
    if token:
        response.set_cookie(PRESESSION_COOKIE, token, httponly=True, samesite="lax", path="/",
                            secure=rt.settings.secure_cookies)


async def checked_form(request: Request, rt: RuntimeDep) -> FormData:
    """The posted form, if it carries this browser's CSRF token; else a 403 (and nothing changes). Declare it
    after the person (`PersonDep` or `OptionalPerson`), whose session the token belongs to."""
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    person = request.scope.get("state", {}).get("person")
    secret = person.session_token if isinstance(person, Person) else request.cookies.get(PRESESSION_COOKIE)
    if not isinstance(sent, str) or not secret or not signin.csrf_matches(csrf_key(rt), secret, sent):
        raise Forbidden("This form has expired or did not come from this site. Go back, reload the page and try "
                        "again.")
    return form


def set_session_cookie(response: Response, rt: Runtime, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=rt.settings.secure_cookies, max_age=rt.settings.session_lifetime)


def clear_session_cookie(response: Response, rt: Runtime) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=rt.settings.secure_cookies)


PersonDep = Annotated[Person, Depends(person_of)]
OptionalPerson = Annotated[Person | None, Depends(optional_person)]
CheckedForm = Annotated[FormData, Depends(checked_form)]
