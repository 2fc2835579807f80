"""The tenant's career pages, for its admins: where each is, and its branding (name, colours, logo)."""

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile
from starlette.responses import Response

from hireport.dialects.console.shared import Admin, done, home, read_form, show
from hireport.kit.bounds import Id32
from hireport.kit.errors import DomainError, InvalidInput
from hireport.kit.web import DbSession, RuntimeDep
from hireport.services import career_pages, careers
from hireport.services.accounts import Member
from hireport.services.careers import Branding
from hireport.web.pages import said
from hireport.web.people import CheckedForm

router = APIRouter(prefix="/{tenant_id}/careers", default_response_class=HTMLResponse, include_in_schema=False)


@router.get("")
def careers_page(request: Request, member: Admin, session: DbSession) -> Response:
    return _page(request, member, session)


def _page(request: Request, member: Member, session: DbSession, *, error: DomainError | None = None,
          page_id: int | None = None) -> Response:
    return show(request, member, "careers.html", status=error.status_code if error else 200, section="careers",
                pages=career_pages.list_all(session, member.caller), error=said(error) if error else "",
                error_page=page_id)


@router.post("/{page_id}")
def brand(request: Request, member: Admin, form: CheckedForm, session: DbSession, page_id: Id32) -> Response:
    try:
        careers.brand(session, member.caller, page_id, read_form(form, Branding))
    except DomainError as exc:
        session.rollback()
        return _page(request, member, session, error=exc, page_id=page_id)
    return done(f"{home(member.tenant_id)}/careers", "career-page-branded")


@router.post("/{page_id}/logo")
def logo(request: Request, member: Admin, form: CheckedForm, session: DbSession, rt: RuntimeDep, page_id: Id32,
         after: BackgroundTasks) -> Response:
    upload = form.get("logo")
    try:
        careers.career_page(session, member.caller, page_id)
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("Choose an image file for the logo.", field="logo")
        _, old = careers.set_logo(session, member.caller, rt.storage, page_id, file_name=upload.filename,
                                  data=upload.file.read(careers.LOGO_BYTES + 1))
    except DomainError as exc:
        session.rollback()
        return _page(request, member, session, error=exc, page_id=page_id)
    if old:
        after.add_task(rt.storage.delete, old)  # once the change is committed
    return done(f"{home(member.tenant_id)}/careers", "career-page-branded")
