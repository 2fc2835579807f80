"""Jobs: list, read (by lJobID or sExternalJobID), create and update."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from hireport.dialects.pageup import shapes, views
from hireport.dialects.pageup.auth import hire
from hireport.dialects.pageup.scopes import Scope
from hireport.kit.auth import Caller
from hireport.kit.bounds import INT64_MAX, PageNumber
from hireport.kit.errors import InvalidInput
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import DocumentOwner, Job, JobStatus
from hireport.services import documents, jobs
from hireport.services.jobs import JobFields

router = APIRouter(prefix="/{tenantId}/recruitment/hire", tags=["Job"])

JobRead = Annotated[Caller, Depends(hire(Scope.job_read))]
JobWriteCaller = Annotated[Caller, Depends(hire(Scope.job_write))]
PageSize = Annotated[int, Query(ge=1, le=500)]


class IdType(StrEnum):
    lJobID = "lJobID"
    sExternalJobID = "sExternalJobID"


IdTypeQuery = Annotated[IdType, Query(alias="idType", description="Which id `jobId` is (default lJobID)")]
JobId = Annotated[str, Path(min_length=1, max_length=100, description="An lJobID, or an sExternalJobID")]


def find_job(session: DbSession, caller: Caller, job_id: str, id_type: IdType) -> Job:
    number = job_number(job_id, id_type)
    return jobs.get(session, caller, number) if number else jobs.get_by_external_id(session, caller, job_id)


def job_number(job_id: str, id_type: IdType) -> int | None:
    """The lJobID that `jobId` is, or None when it is an sExternalJobID."""
    if id_type == IdType.sExternalJobID:
        return None
    if not job_id.isascii() or not job_id.isdigit() or not 1 <= int(job_id) <= INT64_MAX:
        raise InvalidInput(f"jobId {job_id!r} is not an lJobID (1 to {INT64_MAX}); pass idType=sExternalJobID "
                           "for an external id", field="jobId")
    return int(job_id)


@router.get("/jobs", summary="List jobs")
def list_jobs(session: DbSession, caller: JobRead, page: PageNumber = 1,
              pageSize: PageSize = 50) -> shapes.Page[shapes.JobShape]:
    found = jobs.search(session, caller, page=page, page_size=pageSize)
    docs = documents.attached_to(session, caller, DocumentOwner.job, [j.id for j in found.items])
    return shapes.Page(Page=found.page, PageSize=found.page_size, TotalCount=found.total,
                       Items=[views.job(j, docs[j.id]) for j in found.items])


@router.get("/jobs/{jobId}", summary="Get a job by lJobID or sExternalJobID")
def get_job(jobId: JobId, session: DbSession, caller: JobRead,
            idType: IdTypeQuery = IdType.lJobID) -> shapes.JobShape:
    job = find_job(session, caller, jobId, idType)
    return views.job(job, documents.attached_to(session, caller, DocumentOwner.job, [job.id])[job.id])


@router.post("/jobs", summary="Create a job")
def create_job(body: shapes.JobWrite, session: DbSession, rt: RuntimeDep, caller: JobWriteCaller) -> shapes.JobShape:
    """Creates a job (status draft unless `JobStatusID` says otherwise, reached through the job lifecycle).
    `JobID` becomes the job's sExternalJobID. Fields this API does not know are kept and returned."""
    job = jobs.create_and_move(session, caller, _fields(body), clock=rt.clock, status=_status(body.JobStatusID))
    return views.job(job, [])


@router.put("/jobs/{jobId}", summary="Update a job")
def update_job(jobId: JobId, body: shapes.JobWrite, session: DbSession, rt: RuntimeDep,
               caller: JobWriteCaller, idType: IdTypeQuery = IdType.lJobID) -> shapes.JobShape:
    """Updates the fields sent; fields left out keep their values. A new `JobStatusID` moves the job
    through the lifecycle (see the API description), or is refused with the rule that failed."""
    job = find_job(session, caller, jobId, idType)
    jobs.update(session, caller, job, _fields(body), clock=rt.clock, status=_status(body.JobStatusID))
    return views.job(job, documents.attached_to(session, caller, DocumentOwner.job, [job.id])[job.id])


_FIELDS = {"JobID": "external_id", "Title": "title", "NewPositions": "num_vacancies",
           "ReplacementPositions": "replacement_positions", "Expiry": "expires_at", "Salary": "salary",
           "Summary": "summary", "Description": "description"}


def _fields(body: shapes.JobWrite) -> JobFields:
    sent = body.model_dump(exclude_unset=True)
    values: dict[str, Any] = {_FIELDS[k]: v for k, v in sent.items() if k in _FIELDS}
    kept = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in sent.items() if k in views.KEPT_FIELDS}
    attributes = {**(body.model_extra or {}), **kept}
    if attributes:
        values["attributes"] = attributes
    return JobFields(**values)


def _status(job_status_id: str | None) -> JobStatus | None:
    if job_status_id is None:
        return None
    if job_status_id in views.STATUS_BY_ID:
        return views.STATUS_BY_ID[job_status_id]
    if job_status_id in JobStatus.__members__:
        return JobStatus(job_status_id)
    raise InvalidInput(f"unknown JobStatusID {job_status_id!r}", field="JobStatusID")
