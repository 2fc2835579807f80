"""The candidate's side, as an operator manages it: career pages and their branding, the forms candidates fill
in, documents asked of a candidate, and a candidate's data (a copy, erasure)."""

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Response, UploadFile, status

from hireport.dialects.manage.auth import OnTenant
from hireport.dialects.manage.schemas import (
    CareerPageCreate,
    CareerPageRead,
    Cursor,
    DocumentRequestCreate,
    DocumentRequestRead,
    FormRead,
    Limit,
    PageOf,
    page_of,
)
from hireport.kit.bounds import Id32, RowId
from hireport.kit.dialect import DOCUMENT_BODY
from hireport.kit.runtime import Runtime
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import CareerPage
from hireport.services import career_pages, careers, forms, portal, privacy
from hireport.services.careers import Branding
from hireport.services.forms import FormDefinition
from hireport.web.candidates import postman

router = APIRouter(prefix="/tenants/{tenant_id}")


def career_page_view(rt: Runtime, page: CareerPage) -> CareerPageRead:
    return CareerPageRead(id=page.id, name=page.name, url=page.url, primary_color=page.primary_color,
                          accent_color=page.accent_color, has_logo=page.logo_key is not None,
                          public_url=f"{rt.settings.issuer}/careers/{page.tenant_id}/{page.id}/",
                          created_at=page.created_at)


@router.post("/career-pages", status_code=status.HTTP_201_CREATED, tags=["career pages"])
def create_career_page(body: CareerPageCreate, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> CareerPageRead:
    page = career_pages.create(session, caller, name=body.name, url=body.url, clock=rt.clock)
    return career_page_view(rt, page)


@router.get("/career-pages", tags=["career pages"])
def list_career_pages(session: DbSession, rt: RuntimeDep, caller: OnTenant, limit: Limit = 50,
                      cursor: Cursor = None) -> PageOf[CareerPageRead]:
    page = career_pages.list_page(session, caller, limit=limit, cursor=cursor)
    return page_of(page, lambda career_page: career_page_view(rt, career_page))


@router.patch("/career-pages/{page_id}", tags=["career pages"])
def brand_career_page(page_id: Id32, body: Branding, session: DbSession, rt: RuntimeDep,
                      caller: OnTenant) -> CareerPageRead:
    """Name, link and colours (`#rrggbb`; each must contrast 4.5:1 with white, as WCAG AA asks of text)."""
    return career_page_view(rt, careers.brand(session, caller, page_id, body))


@router.put("/career-pages/{page_id}/logo", tags=["career pages"], openapi_extra=DOCUMENT_BODY)
def set_logo(page_id: Id32, session: DbSession, rt: RuntimeDep, caller: OnTenant, after: BackgroundTasks,
             file: Annotated[UploadFile | None, File(description="The image (required)")] = None) -> CareerPageRead:
    """A logo (multipart `file`): PNG, JPEG, GIF or WebP, at most 512 KiB (no SVG: it can carry script)."""
    page, old = careers.set_logo(session, caller, rt.storage, page_id, file_name=file.filename or "" if file else "",
                                 data=file.file.read(careers.LOGO_BYTES + 1) if file else b"")
    if old:
        after.add_task(rt.storage.delete, old)  # once the change is committed (before the answer is sent)
    return career_page_view(rt, page)


@router.delete("/career-pages/{page_id}/logo", tags=["career pages"])
def remove_logo(page_id: Id32, session: DbSession, rt: RuntimeDep, caller: OnTenant,
                after: BackgroundTasks) -> CareerPageRead:
    old = careers.remove_logo(session, caller, page_id)
    if old:
        after.add_task(rt.storage.delete, old)
    return career_page_view(rt, careers.career_page(session, caller, page_id))


@router.get("/forms/application", tags=["forms"])
def get_application_form(session: DbSession, caller: OnTenant) -> FormRead:
    """The tenant's default application form (a job without its own asks these)."""
    return FormRead(questions=forms.own_form(session, caller, forms.APPLICATION))


@router.put("/forms/application", tags=["forms"])
def set_application_form(body: FormDefinition, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> FormRead:
    return FormRead(questions=forms.define(session, caller, forms.APPLICATION, body.questions, clock=rt.clock))


@router.get("/jobs/{job_id}/application-form", tags=["forms"])
def get_job_form(job_id: RowId, session: DbSession, caller: OnTenant) -> FormRead:
    """The questions candidates answer when they apply for this job (its own, else the tenant's default)."""
    return FormRead(questions=forms.application_form(session, caller, job_id))


@router.put("/jobs/{job_id}/application-form", tags=["forms"])
def set_job_form(job_id: RowId, body: FormDefinition, session: DbSession, rt: RuntimeDep,
                 caller: OnTenant) -> FormRead:
    return FormRead(questions=forms.define(session, caller, forms.APPLICATION, body.questions, clock=rt.clock,
                                           job_id=job_id))


@router.get("/forms/new-starter", tags=["forms"])
def get_new_starter_form(session: DbSession, caller: OnTenant) -> FormRead:
    return FormRead(questions=forms.new_starter_form(session, caller))


@router.put("/forms/new-starter", tags=["forms"])
def set_new_starter_form(body: FormDefinition, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> FormRead:
    """The new-starter form a candidate fills in, in their portal, after accepting an offer."""
    return FormRead(questions=forms.define(session, caller, forms.NEW_STARTER, body.questions, clock=rt.clock))


@router.post("/document-requests", status_code=status.HTTP_201_CREATED, tags=["documents"])
def ask_for_document(body: DocumentRequestCreate, session: DbSession, rt: RuntimeDep,
                     caller: OnTenant) -> DocumentRequestRead:
    """Ask an application's candidate for a document: they are mailed a link to upload it in their portal."""
    request = portal.ask_for_document(session, caller, postman(rt), application_id=body.application_id,
                                      title=body.title)
    return DocumentRequestRead.model_validate(request)


@router.get("/applicants/{applicant_id}/export", tags=["applicants"])
def export_applicant(applicant_id: RowId, session: DbSession, caller: OnTenant) -> dict[str, Any]:
    """Everything held about a candidate (what the candidate downloads from their portal)."""
    return privacy.export(session, caller, applicant_id)


@router.post("/applicants/{applicant_id}/erase", status_code=status.HTTP_204_NO_CONTENT, tags=["applicants"])
def erase_applicant(applicant_id: RowId, session: DbSession, rt: RuntimeDep, caller: OnTenant,
                    after: BackgroundTasks) -> Response:
    """Erase a candidate's personal data (as the candidate can from their portal): the applicant is
    anonymised, their answers, documents and mail removed; statuses and dates stay."""
    for key in privacy.erase(session, caller, applicant_id, clock=rt.clock):
        after.add_task(rt.storage.delete, key)  # the bytes go once the rows are gone (committed)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
