"""SearchApplications and application actions."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from hireport.dialects.pageup import shapes, views
from hireport.dialects.pageup.auth import hire
from hireport.dialects.pageup.jobs import IdType, IdTypeQuery, JobId, PageSize, job_number
from hireport.dialects.pageup.scopes import Scope
from hireport.kit.auth import Caller
from hireport.kit.bounds import INT64_MAX, PageNumber, RowId
from hireport.kit.db import Reader
from hireport.kit.web import DbSession, Json, RuntimeDep
from hireport.models import DocumentOwner
from hireport.services import applicants, applications, documents, jobs, offers
from hireport.services.applications import MAX_RANKS
from hireport.services.offers import OfferFields

router = APIRouter(prefix="/{tenantId}/recruitment/hire")

ApplicationRead = Annotated[Caller, Depends(hire(Scope.application_read))]
ApplicationWrite = Annotated[Caller, Depends(hire(Scope.application_write))]
ApplicantRead = Annotated[Caller, Depends(hire(Scope.applicant_read, Scope.application_read))]
OfferRead = Annotated[Caller, Depends(hire(Scope.offer_read))]
OfferWrite = Annotated[Caller, Depends(hire(Scope.offer_write))]


@router.get("/jobs/{jobId}/applications", tags=["SearchApplications"], summary="Search applications by job",
            response_model=shapes.Page[shapes.ApplicationSummary])
async def job_applications(jobId: JobId, rt: RuntimeDep, caller: ApplicationRead,
                           idType: IdTypeQuery = IdType.lJobID, page: PageNumber = 1, pageSize: PageSize = 50) -> Json:
    """The job's applications, oldest first. `jobId` is an lJobID, or an sExternalJobID with
    `idType=sExternalJobID`."""
    job_id = job_number(jobId, idType)

    def read(reader: Reader) -> dict[str, Any]:
        job = jobs.ref(reader, caller, job_id) if job_id is not None else jobs.ref_by_external_id(reader, caller, jobId)
        found = applications.search_for_job(reader, caller, job.id, page=page, page_size=pageSize)
        docs = documents.attached_to(reader, caller, DocumentOwner.application, [a.id for a in found.items])
        return {"Page": found.page, "PageSize": found.page_size, "TotalCount": found.total,
                "Items": [views.application_summary(a, job.external_id, docs[a.id]) for a in found.items]}

    return Json(await rt.db.read(read))


@router.get("/applicants/{applicantId}", tags=["SearchApplications"], summary="Get an applicant")
def get_applicant(applicantId: RowId, session: DbSession, caller: ApplicantRead) -> shapes.ApplicantShape:
    """Needs Public.Applicant.Read or Public.Application.Read (PageUp lists it under SearchApplications)."""
    return views.applicant(applicants.get(session, caller, applicantId))


@router.get("/applications/{applicationId}/applicationForm", tags=["SearchApplications"],
            summary="Get an application's form answers")
def application_form(applicationId: RowId, session: DbSession,
                     caller: ApplicationRead) -> shapes.ApplicationForm:
    application = applications.get(session, caller, applicationId)
    return views.application_form(application, jobs.get(session, caller, application.job_id).external_id)


@router.get("/applications/{applicationId}/offer", tags=["Offer"], summary="Get an application's offers",
            response_model=shapes.ApplicationOffers)
def application_offers(applicationId: RowId, session: DbSession, caller: OfferRead) -> Json:
    """Every offer made on the application, oldest first (an empty list if none)."""
    found = offers.for_application(session, caller, applicationId)
    return Json({"ApplicationInfo": {"PUReferenceID": applicationId},
                 "Offers": views.offers(offers.views(session, caller, [o.id for o in found]))})


@router.post("/applications/{applicationId}/changeapplicationstatusbycode", tags=["SearchApplications"],
             summary="Change an application's status by code")
def change_status_by_code(applicationId: RowId, body: shapes.StatusCodeWrite, session: DbSession,
                          rt: RuntimeDep, caller: ApplicationWrite) -> shapes.StatusCodeResult:
    application = applications.get(session, caller, applicationId)
    applications.change_status_code(session, caller, application, body.applicationStatusCode, clock=rt.clock)
    return shapes.StatusCodeResult(ApplicationInfo=shapes.RefInfo(PUReferenceID=application.id),
                                   ApplicationStatusCode=application.status_code or "")


@router.post("/applications/changeorderofmerit", tags=["SearchApplications"], summary="Change order of merit")
def change_order_of_merit(body: Annotated[list[shapes.MeritRank], Body(max_length=MAX_RANKS)], session: DbSession,
                          rt: RuntimeDep,
                          caller: ApplicationWrite) -> list[shapes.MeritResult]:
    """Ranks applications of one job. Duplicate ids, duplicate ranks and unknown ids are refused; the
    job's other ranked applications keep their order and take the free ranks. At most 1,000 at a time.
    Answers the job's ranking."""
    ranked = applications.change_order_of_merit(session, caller, [(r.applicationId, r.orderOfMerit) for r in body],
                                                clock=rt.clock)
    return [shapes.MeritResult(ApplicationInfo=shapes.RefInfo(PUReferenceID=a.id), OrderOfMerit=a.order_of_merit or 0)
            for a in ranked]


@router.post("/applications/{applicationId}/offer", tags=["Offer"], summary="Create an offer",
             response_model=shapes.OfferShape)
def create_offer(applicationId: RowId, body: shapes.OfferWrite, session: DbSession, rt: RuntimeDep,
                 caller: OfferWrite, parentOfferID: Annotated[int, Query(ge=0, le=INT64_MAX)] = 0) -> Json:
    """`parentOfferID=0` (the default) makes a first offer; another offer id makes a revised one."""
    fields = OfferFields(
        parent_offer_id=parentOfferID or None, offer_made_at=body.OfferMadeDate, start_date=body.StartDate,
        end_date=body.EndDate, probation_end_date=body.ProbationEndDate, hours_per_week=body.HoursPerWeek,
        hours_per_month=body.HoursPerMonth, comments=body.Comments,
        pay_scale_id=body.PayScaleID, attributes=body.model_extra or {})
    offer = offers.create(session, caller, applicationId, fields, clock=rt.clock)
    return Json(views.offer(offers.view(session, caller, offer.id)))


@router.post("/applications/{applicationId}/offers/status", tags=["Offer"], summary="Set the offer status",
             response_model=shapes.OfferShape)
def set_offer_status(applicationId: RowId, body: shapes.OfferStatusWrite, session: DbSession,
                     rt: RuntimeDep, caller: OfferWrite) -> Json:
    """Sets the status of the application's first offer; with no offer, creates a "shell offer"."""
    offer = offers.set_status(session, caller, applicationId, body.OfferStatus, note=body.ExtraNote, clock=rt.clock)
    return Json(views.offer(offers.view(session, caller, offer.id)))
