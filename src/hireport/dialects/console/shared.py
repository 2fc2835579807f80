"""What every console page shares: the person acting in the tenant of the path (with what their role
allows), the page around each template, links that change one query parameter, posted forms read into
shapes, and what a page says after a change."""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from pydantic import BaseModel
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, Response

from hireport.kit.bounds import Id32
from hireport.kit.dialect import Problem
from hireport.kit.errors import DomainError, Unauthenticated
from hireport.kit.web import DbSession, dialect_of, request_id_of
from hireport.services import accounts
from hireport.services.accounts import Action, Member
from hireport.web import pages
from hireport.web.people import CSRF_FIELD, Person, PersonDep

M = TypeVar("M", bound=BaseModel)

PAGE_SIZE = 25  # rows of every console list
Cursor = Annotated[str | None, Query(min_length=1, max_length=20, description="Where the previous page ended")]

NOTICES = {
    "moved": "Done: the job's status changed.",
    "order-confirmed": "The order is confirmed: the recruiter is credited the campaign's points.",
    "order-cancelled": "The order is cancelled: it credits no points.",
    "career-page-branded": "Saved: the careers page shows it now.",
    "document-requested": "Asked: the candidate is mailed a link to upload it in their portal.",
    "check-ordered": "The background check is ordered. It stays pending until the provider picks it up.",
    "client-revoked": "The client is revoked: it gets no more tokens, and the tokens it has are refused now.",
    "token-revoked": "The API token is revoked: it is refused from now on.",
}


def account_of(person: Person) -> int:
    if person.account_id is None:  # a person always has one; a caller without is no person
        raise Unauthenticated("sign in to continue", headers={"Location": pages.SIGN_IN})
    return person.account_id


def _member(person: PersonDep, session: DbSession, tenant_id: Id32) -> Member:
    """The signed-in person acting in the tenant of the path; a tenant they are no member of is not found."""
    return accounts.member(session, accounts.get(session, account_of(person)), tenant_id)


def _allowed(action: Action) -> Callable[[Member], Member]:
    def allowed(member: Annotated[Member, Depends(_member)]) -> Member:
        member.require(action)
        return member

    return allowed


Reader = Annotated[Member, Depends(_allowed(Action.read))]
Recruiter = Annotated[Member, Depends(_allowed(Action.recruit))]
Admin = Annotated[Member, Depends(_allowed(Action.administer))]


def show(request: Request, member: Member, template: str, *, status: int = 200, section: str = "",
         **context: Any) -> HTMLResponse:
    """A console page: the template under `console/` with the tenant, what the role may do, and the
    notice a change left in the query (`?done=`)."""
    context.setdefault("notice", NOTICES.get(request.query_params.get("done", "")))
    return pages.page(request, f"console/{template}", status, member=member, section=section,
                      can={action.value: member.may(action) for action in Action}, home=home(member.tenant_id),
                      query=lambda **changes: pages.with_query(request, **changes), **context)


def home(tenant_id: int) -> str:
    return f"/console/{tenant_id}"


def done(location: str, notice: str) -> Response:
    """After a change: see the page again, with what was done."""
    return pages.redirect(f"{location}?{urlencode({'done': notice})}")


def read_form(form: FormData, shape: type[M], *, lists: tuple[str, ...] = ()) -> M:
    """A posted form in its shape (a 400 page names the fields that do not fit); an empty field is one
    not given."""
    values: dict[str, Any] = {key: form.get(key) for key in form if key != CSRF_FIELD and key not in lists}
    values = {key: value for key, value in values.items() if value != ""}
    values.update({key: form.getlist(key) for key in lists})
    return shape.model_validate(values)


def problem(request: Request, exc: DomainError) -> Problem:
    """A refusal as this dialect says it: the service's message, its fields spelled as on every page."""
    return dialect_of(request).problem(exc, request_id_of(request))
