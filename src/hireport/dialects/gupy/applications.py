"""A job's applications, and template e-mail to a candidate."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse

from hireport.dialects.gupy import shapes
from hireport.dialects.gupy.auth import endpoint
from hireport.dialects.gupy.jobs import PerPage
from hireport.dialects.gupy.scopes import Scope
from hireport.kit.auth import Caller
from hireport.kit.bounds import PageNumber, RowId
from hireport.kit.db import Reader
from hireport.kit.errors import InvalidInput
from hireport.kit.pagination import NumberedPage
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import ApplicationStatus, Message
from hireport.services import applications, jobs, messaging
from hireport.services.applications import ApplicationView, OrderBy
from hireport.services.jobs import JobRef

router = APIRouter(prefix="/v1/jobs/{jobId}/applications")

ApplicationsRead = Annotated[Caller, Depends(endpoint(Scope.applications_read))]
MessagesWrite = Annotated[Caller, Depends(endpoint(Scope.messages_write))]


@router.get("", tags=["Applications"], summary="List a job's applications")
async def list_applications(
    jobId: RowId, rt: RuntimeDep, caller: ApplicationsRead,
    status: ApplicationStatus | None = None,
    order: Annotated[str, Query(max_length=20,
                                description="`id`, `score` or `createdAt`, then `asc` or `desc`")] = "id asc",
    fields: Annotated[str | None, Query(min_length=1, max_length=500,
                                        description="Comma-separated fields to return (default: all)")] = None,
    page: PageNumber = 1, perPage: PerPage = 10,
) -> JSONResponse:
    order_by, descending = _order(order)

    def read(reader: Reader) -> tuple[JobRef, NumberedPage[ApplicationView]]:
        job = jobs.ref(reader, caller, jobId)
        return job, applications.search_for_job(reader, caller, job.id, page=page, page_size=perPage,
                                                status=status, order_by=order_by, descending=descending)

    job, found = await rt.db.read(read)
    items = [view(a, job).model_dump(mode="json") for a in found.items]
    if fields:
        wanted = {f.strip() for f in fields.split(",") if f.strip()}
        unknown = wanted - set(shapes.Application.model_fields)
        if unknown:
            raise InvalidInput(f"unknown field(s): {', '.join(sorted(unknown))}", field="fields")
        items = [{k: v for k, v in item.items() if k in wanted} for item in items]
    return JSONResponse({"results": items, "totalResults": found.total, "page": found.page,
                         "totalPages": -(-found.total // perPage)})


@router.post("/{applicationId}/messages", status_code=status.HTTP_201_CREATED, tags=["Messages"],
             summary="Send a template e-mail to the candidate")
def send_message(jobId: RowId, applicationId: RowId, body: shapes.MessageCreate, session: DbSession,
                 rt: RuntimeDep, caller: MessagesWrite) -> shapes.Message:
    """Renders the template for this candidate and queues the e-mail; it is sent once this request has been
    committed. `allowReply: false` sends it from the no-reply address."""
    message = messaging.message_candidate(
        session, caller, job_id=jobId, application_id=applicationId, template_id=body.templateId,
        allow_reply=body.allowReply, reply_address=rt.settings.mail_from, noreply_address=rt.settings.mail_noreply,
        clock=rt.clock)
    return message_view(message)


ORDER_FIELDS = {"id": OrderBy.id, "score": OrderBy.score, "createdAt": OrderBy.created_at}


def _order(order: str) -> tuple[OrderBy, bool]:
    """Gupy's `order`: "id|score|createdAt asc|desc"."""
    name, _, direction = order.strip().partition(" ")
    direction = direction.strip().lower()
    if name not in ORDER_FIELDS or direction not in ("", "asc", "desc"):
        raise InvalidInput("order must be id, score or createdAt, then asc or desc", field="order")
    return ORDER_FIELDS[name], direction == "desc"


def view(a: ApplicationView, job: JobRef) -> shapes.Application:
    return shapes.Application(
        id=a.id, source=a.source, status=a.status.value, score=a.score, createdAt=a.created_at,
        updatedAt=a.updated_at, endedAt=a.ended_at, tags=a.tags, hiringDate=a.hired_at,
        candidate=shapes.Candidate(id=a.applicant_id, name=a.first_name, lastName=a.last_name, email=a.email),
        job=shapes.JobRef(id=job.id, name=job.title),
        currentStep=shapes.Step(id=None, name=a.current_step, status=a.status.value),
    )


def message_view(m: Message) -> shapes.Message:
    return shapes.Message(id=m.id, applicationId=m.application_id, templateId=m.template_id, to=m.to_address,
                          subject=m.subject, status=m.status.value, createdAt=m.created_at)
