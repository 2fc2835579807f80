"""A job's applications (by status, in order of merit or another order), and an application with its
candidate, form answers, documents, offers (and where each stands) and background checks."""

from enum import StrEnum
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from hireport.dialects.console.checks import provider_names
from hireport.dialects.console.shared import PAGE_SIZE, Cursor, Reader, Recruiter, done, home, show
from hireport.kit.bounds import PageNumber, RowId
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import ApplicationStatus, DocumentOwner
from hireport.services import applicants, applications, checks, documents, jobs, offers, portal
from hireport.services.applications import OrderBy
from hireport.web.candidates import postman
from hireport.web.people import CheckedForm

router = APIRouter(prefix="/{tenant_id}", default_response_class=HTMLResponse, include_in_schema=False)


class Order(StrEnum):
    merit = "merit"
    score = "score"
    newest = "newest"
    oldest = "oldest"


ORDERS = {Order.merit: (OrderBy.order_of_merit, False), Order.score: (OrderBy.score, True),
          Order.newest: (OrderBy.created_at, True), Order.oldest: (OrderBy.id, False)}


@router.get("/jobs/{job_id}/applications")
def job_applications(request: Request, member: Reader, session: DbSession, job_id: RowId,
                     status: ApplicationStatus | Literal[""] = "", order: Order = Order.merit,
                     page: PageNumber = 1) -> Response:
    job = jobs.get(session, member.caller, job_id)
    order_by, descending = ORDERS[order]
    found = applications.search_for_job(session, member.caller, job.id, page=page, page_size=PAGE_SIZE,
                                        status=status or None, order_by=order_by, descending=descending)
    attached = documents.attached_to(session, member.caller, DocumentOwner.application, [a.id for a in found.items])
    return show(request, member, "applications.html", section="jobs", job=job, found=found, attached=attached,
                chosen=status, order=order, statuses=list(ApplicationStatus), orders=list(Order))


@router.get("/applications/{application_id}")
def application_page(request: Request, member: Reader, session: DbSession, application_id: RowId,
                     after: Cursor = None) -> Response:
    """`after`: where the previous page of the application's background checks ended."""
    caller = member.caller
    application = applications.get(session, caller, application_id)
    offer_rows = offers.for_application(session, caller, application.id)
    found_checks = checks.list_page(session, caller, limit=PAGE_SIZE, cursor=after, application_id=application.id)
    return show(
        request, member, "application.html", section="jobs", application=application,
        applicant=applicants.get(session, caller, application.applicant_id),
        job=jobs.get(session, caller, application.job_id),
        documents=documents.attached_to(session, caller, DocumentOwner.application, [application.id])[application.id],
        offers=list(zip(offers.views(session, caller, [o.id for o in offer_rows]), offer_rows, strict=True)),
        checks=found_checks, providers=provider_names(session, member.tenant_id, found_checks.items),
        partners=checks.providers(session, member.tenant_id),
        requests=portal.requests_of(session, caller, application.id))


@router.post("/applications/{application_id}/document-requests")
def ask_for_document(member: Recruiter, form: CheckedForm, session: DbSession, rt: RuntimeDep,
                     application_id: RowId) -> Response:
    """Ask the candidate for a document: they are mailed a link to upload it in their portal."""
    portal.ask_for_document(session, member.caller, postman(rt), application_id=application_id,
                            title=str(form.get("title") or ""))
    return done(f"{home(member.tenant_id)}/applications/{application_id}", "document-requested")
