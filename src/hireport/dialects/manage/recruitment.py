"""A tenant's recruitment records: jobs, applicants, applications, offers and documents."""

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status
from fastapi.responses import Response

from hireport.dialects.manage.auth import OnTenant
from hireport.dialects.manage.schemas import (
    ApplicantRead,
    ApplicationRead,
    CheckOrder,
    CheckRead,
    Cursor,
    DocumentRead,
    JobCreate,
    JobRead,
    Limit,
    OfferCreate,
    OfferProcess,
    OfferRead,
    OnboardingFormSubmit,
    PageOf,
    page_of,
)
from hireport.kit.auth import Caller
from hireport.kit.bounds import RowId
from hireport.kit.dialect import DOCUMENT_BODY
from hireport.kit.web import DbSession, RuntimeDep, content_disposition
from hireport.models import Document, DocumentOwner, JobStatus, Offer
from hireport.services import applicants, applications, checks, documents, jobs, offers, portal
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields
from hireport.services.jobs import JobFields
from hireport.services.offers import OfferView
from hireport.web.candidates import postman

router = APIRouter(prefix="/tenants/{tenant_id}")


@router.post("/jobs", status_code=status.HTTP_201_CREATED, tags=["jobs"])
def create_job(body: JobCreate, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> JobRead:
    """Create a job in any status (operators seed data; the vendor dialects enforce the lifecycle)."""
    fields = JobFields(**body.model_dump(exclude={"status"}, exclude_unset=True))
    return JobRead.model_validate(jobs.create(session, caller, fields, clock=rt.clock, status=body.status))


@router.get("/jobs", tags=["jobs"])
def list_jobs(session: DbSession, caller: OnTenant, limit: Limit = 50, cursor: Cursor = None,
              status: JobStatus | None = None) -> PageOf[JobRead]:
    return page_of(jobs.list_page(session, caller, limit=limit, cursor=cursor, status=status), JobRead.model_validate)


@router.get("/jobs/{job_id}", tags=["jobs"])
def get_job(job_id: RowId, session: DbSession, caller: OnTenant) -> JobRead:
    return JobRead.model_validate(jobs.get(session, caller, job_id))


@router.patch("/jobs/{job_id}", tags=["jobs"])
def update_job(job_id: RowId, body: JobFields, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> JobRead:
    job = jobs.update(session, caller, jobs.get(session, caller, job_id), body, clock=rt.clock)
    return JobRead.model_validate(job)


@router.post("/applicants", status_code=status.HTTP_201_CREATED, tags=["applicants"])
def create_applicant(body: ApplicantFields, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> ApplicantRead:
    return ApplicantRead.model_validate(applicants.create(session, caller, body, clock=rt.clock))


@router.get("/applicants", tags=["applicants"])
def list_applicants(session: DbSession, caller: OnTenant, limit: Limit = 50,
                    cursor: Cursor = None) -> PageOf[ApplicantRead]:
    return page_of(applicants.list_page(session, caller, limit=limit, cursor=cursor), ApplicantRead.model_validate)


@router.get("/applicants/{applicant_id}", tags=["applicants"])
def get_applicant(applicant_id: RowId, session: DbSession, caller: OnTenant) -> ApplicantRead:
    return ApplicantRead.model_validate(applicants.get(session, caller, applicant_id))


@router.post("/applications", status_code=status.HTTP_201_CREATED, tags=["applications"])
def create_application(body: ApplicationFields, session: DbSession, rt: RuntimeDep,
                       caller: OnTenant) -> ApplicationRead:
    """Create an application of an applicant to a job, with its application-form answers."""
    return ApplicationRead.model_validate(applications.create(session, caller, body, clock=rt.clock))


@router.get("/applications", tags=["applications"])
def list_applications(session: DbSession, caller: OnTenant, limit: Limit = 50, cursor: Cursor = None,
                      job_id: RowId | None = None) -> PageOf[ApplicationRead]:
    page = applications.list_page(session, caller, limit=limit, cursor=cursor, job_id=job_id)
    return page_of(page, ApplicationRead.model_validate)


@router.get("/applications/{application_id}", tags=["applications"])
def get_application(application_id: RowId, session: DbSession, caller: OnTenant) -> ApplicationRead:
    return ApplicationRead.model_validate(applications.get(session, caller, application_id))


@router.post("/offers", status_code=status.HTTP_201_CREATED, tags=["offers"])
def create_offer(body: OfferCreate, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> OfferRead:
    """Make an offer on an application; unless `notify_candidate` is false, its candidate is mailed a link to
    it in their portal, where they accept or decline it and then fill in the new-starter form."""
    offer = offers.create(session, caller, body.application_id, body, clock=rt.clock)
    if body.notify_candidate:
        portal.announce_offer(session, caller, postman(rt), offer.id)
    return one_offer_view(session, caller, offer)


@router.get("/offers", tags=["offers"])
def list_offers(session: DbSession, caller: OnTenant, limit: Limit = 50, cursor: Cursor = None,
                application_id: RowId | None = None) -> PageOf[OfferRead]:
    page = offers.list_page(session, caller, limit=limit, cursor=cursor, application_id=application_id)
    views = offers.views(session, caller, [o.id for o in page.items])
    return PageOf(items=[offer_view(v, o) for v, o in zip(views, page.items, strict=True)],
                  next_cursor=page.next_cursor)


@router.get("/offers/{offer_id}", tags=["offers"])
def get_offer(offer_id: RowId, session: DbSession, caller: OnTenant) -> OfferRead:
    return one_offer_view(session, caller, offers.get(session, caller, offer_id))


@router.post("/offers/{offer_id}/accept", tags=["offers"])
def accept_offer(offer_id: RowId, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> OfferRead:
    """The candidate's act: accept the offer (idempotent)."""
    offer = offers.accept(session, caller, offers.get(session, caller, offer_id), clock=rt.clock)
    return one_offer_view(session, caller, offer)


@router.post("/offers/{offer_id}/onboarding-form", tags=["offers"])
def submit_onboarding_form(offer_id: RowId, body: OnboardingFormSubmit, session: DbSession, rt: RuntimeDep,
                           caller: OnTenant) -> OfferRead:
    """The new starter's act: submit the new-starter form of an accepted offer."""
    offer = offers.get(session, caller, offer_id)
    offers.complete_onboarding_form(session, caller, offer, body.answers, clock=rt.clock)
    return one_offer_view(session, caller, offer)


@router.post("/offers/{offer_id}/process", tags=["offers"])
def process_offer(offer_id: RowId, body: OfferProcess, session: DbSession, rt: RuntimeDep,
                  caller: OnTenant) -> OfferRead:
    """Mark the offer processed for an offer action type (0 = the default); twice is harmless."""
    offer = offers.get(session, caller, offer_id)
    offers.mark_processed(session, caller, offer, clock=rt.clock, action_type_id=body.action_type_id)
    return one_offer_view(session, caller, offer)


@router.post("/background-checks", status_code=status.HTTP_201_CREATED, tags=["background checks"])
def order_check(body: CheckOrder, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> CheckRead:
    """Order a background check on an application from a provider the tenant uses; it starts pending."""
    check = checks.order(session, caller, application_id=body.application_id, partner_code=body.partner,
                         package_code=body.package_code, package_name=body.package_name, clock=rt.clock)
    return CheckRead.model_validate(check)


@router.get("/background-checks", tags=["background checks"])
def list_checks(session: DbSession, caller: OnTenant, limit: Limit = 50, cursor: Cursor = None,
                application_id: RowId | None = None) -> PageOf[CheckRead]:
    page = checks.list_page(session, caller, limit=limit, cursor=cursor, application_id=application_id)
    return page_of(page, CheckRead.model_validate)


@router.get("/background-checks/{check_id}", tags=["background checks"])
def get_check(check_id: RowId, session: DbSession, caller: OnTenant) -> CheckRead:
    """A check with the provider's status, reference number, report links and reason for failure."""
    return CheckRead.model_validate(checks.get(session, caller, check_id))


@router.post("/documents", status_code=status.HTTP_201_CREATED, tags=["documents"], openapi_extra=DOCUMENT_BODY)
def upload_document(
    session: DbSession, rt: RuntimeDep, caller: OnTenant, file: Annotated[UploadFile, File()],
    owner_type: Annotated[DocumentOwner, Form()], owner_id: Annotated[RowId, Form()],
    title: Annotated[str | None, Form(max_length=255)] = None,
    category: Annotated[str | None, Form(max_length=100)] = None,
) -> DocumentRead:
    """Upload a file (multipart) and attach it to a job, an application or an offer."""
    document = documents.upload(
        session, caller, rt.storage, owner=owner_type, owner_id=owner_id, file_name=file.filename or "",
        data=file.file.read(), clock=rt.clock, max_bytes=rt.settings.max_document_bytes, title=title,
        mime_type=file.content_type, category=category)
    return document_view(document)


@router.get("/documents/{document_id}", tags=["documents"])
def get_document(document_id: RowId, session: DbSession, caller: OnTenant) -> DocumentRead:
    return document_view(documents.get(session, caller, document_id))


@router.get("/documents/{document_id}/content", tags=["documents"], response_class=Response)
def download_document(document_id: RowId, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> Response:
    document = documents.get(session, caller, document_id)
    return Response(documents.read_bytes(rt.storage, document), media_type=document.mime_type,
                    headers={"Content-Disposition": content_disposition(document.file_name)})


def offer_view(view: OfferView, offer: Offer) -> OfferRead:
    """The offer's read model, with its new-starter form answers (which the model leaves out)."""
    return OfferRead(**{name: getattr(view, name) for name in OfferRead.model_fields if name != "onboarding_answers"},
                     onboarding_answers=offer.onboarding_answers)


def one_offer_view(session: DbSession, caller: Caller, offer: Offer) -> OfferRead:
    return offer_view(offers.view(session, caller, offer.id), offer)


def document_view(document: Document) -> DocumentRead:
    owner_type, owner_id = document.owner
    return DocumentRead(owner_type=owner_type, owner_id=owner_id, extension=document.extension,
                        **{n: getattr(document, n) for n in DocumentRead.model_fields
                           if n not in {"owner_type", "owner_id", "extension"}})
