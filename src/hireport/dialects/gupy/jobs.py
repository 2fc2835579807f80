"""Jobs: create (always a draft), list with filters, read, and patch through the lifecycle."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from hireport.dialects.gupy import shapes
from hireport.dialects.gupy.auth import endpoint
from hireport.dialects.gupy.scopes import Scope
from hireport.kit.auth import Caller
from hireport.kit.bounds import PageNumber, RowId
from hireport.kit.kept import kept_fields
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import Job, JobStatus
from hireport.services import jobs
from hireport.services.jobs import JobFields

router = APIRouter(prefix="/v1/jobs", tags=["Jobs"])

JobsRead = Annotated[Caller, Depends(endpoint(Scope.jobs_read))]
JobsWrite = Annotated[Caller, Depends(endpoint(Scope.jobs_write))]
PerPage = Annotated[int, Query(ge=1, le=100)]

_NEUTRAL = {"name": "title", "code": "code", "type": "job_type", "numVacancies": "num_vacancies",
            "quickApply": "quick_apply", "hiringDeadline": "hiring_deadline",
            "applicationDeadline": "application_deadline", "description": "description",
            "careerPageId": "career_page_id", "customFields": "custom_fields", "cancelReason": "cancel_reason"}
_IN_ATTRIBUTES = shapes.KEPT_FIELDS + shapes.VENDOR_FIELDS


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a job")
def create_job(body: shapes.JobCreate, session: DbSession, rt: RuntimeDep, caller: JobsWrite) -> shapes.Job:
    """Always creates a `draft`. `code` is generated (the job's id) when absent, and must be unique."""
    return view(jobs.create(session, caller, _fields(body), clock=rt.clock))


@router.get("", summary="List jobs")
def list_jobs(session: DbSession, caller: JobsRead,
              code: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
              name: Annotated[str | None, Query(min_length=1, max_length=255)] = None,
              status: JobStatus | None = None, page: PageNumber = 1, perPage: PerPage = 10,
              ) -> shapes.Page[shapes.Job]:
    found = jobs.search(session, caller, page=page, page_size=perPage, code=code, name=name, status=status)
    return shapes.Page(results=[view(j) for j in found.items], totalResults=found.total, page=found.page,
                       totalPages=-(-found.total // perPage))


@router.get("/{jobId}", summary="Get a job")
def get_job(jobId: RowId, session: DbSession, caller: JobsRead) -> shapes.Job:
    return view(jobs.get(session, caller, jobId))


@router.patch("/{jobId}", summary="Update a job")
async def update_job(jobId: RowId, body: shapes.JobPatch, rt: RuntimeDep, caller: JobsWrite) -> shapes.Job:
    """Any subset of the fields, plus `status`, moved through the lifecycle with the fields of the same
    request applied first. A refused move is a 409 whose `detail` names the rule."""
    fields = _fields(body)

    def change(session: DbSession) -> shapes.Job:
        return view(jobs.update(session, caller, jobs.get(session, caller, jobId), fields, clock=rt.clock,
                                status=body.status))

    return await rt.db.write(change)


def _fields(body: shapes.JobPatch) -> JobFields:
    sent = body.model_dump(exclude_unset=True, mode="json", exclude={"status"})
    values: dict[str, Any] = {_NEUTRAL[k]: v for k, v in sent.items() if k in _NEUTRAL}
    vendor = {k: v for k, v in sent.items() if k in _IN_ATTRIBUTES}
    if vendor:
        values["attributes"] = vendor
    return JobFields.model_validate(values)


def view(j: Job) -> shapes.Job:
    vendor = {k: v for k, v in j.attributes.items() if k in shapes.VENDOR_FIELDS}
    kept = kept_fields(j.attributes, shapes.Job, shapes.KEPT_FIELDS)
    return shapes.Job(
        id=j.id, code=j.code, name=j.title, status=j.status, type=j.job_type, numVacancies=j.num_vacancies,
        careerPageId=j.career_page_id, quickApply=j.quick_apply, hiringDeadline=j.hiring_deadline,
        applicationDeadline=j.application_deadline, description=j.description, cancelReason=j.cancel_reason,
        customFields=j.custom_fields, createdAt=j.created_at, updatedAt=j.updated_at, **kept, **vendor,
    )
