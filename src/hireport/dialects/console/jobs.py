"""Jobs: the board by status, and a job with its documents and its lifecycle moves as buttons: the moves
the transition table allows from the job's status. The service decides; a move it refuses shows the job
again with the rule that failed, in the words the APIs use."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.responses import Response

from hireport.dialects.console import shared
from hireport.dialects.console.shared import PAGE_SIZE, Reader, Recruiter, done, home, read_form, show
from hireport.kit.bounds import PageNumber, RowId
from hireport.kit.dialect import Problem
from hireport.kit.errors import InvalidTransition
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import DocumentOwner, Job, JobStatus
from hireport.services import documents, jobs
from hireport.services.accounts import Member
from hireport.services.jobs import JobFields
from hireport.web.people import CheckedForm

router = APIRouter(prefix="/{tenant_id}", default_response_class=HTMLResponse, include_in_schema=False)

BOARD_SIZE = 8  # jobs shown in each column of the board; the column links to all of them


class Move(BaseModel):
    status: JobStatus
    cancel_reason: Annotated[str | None, Field(max_length=100)] = None


@router.get("/jobs")
def board(request: Request, member: Reader, session: DbSession, status: JobStatus | None = None,
          page: PageNumber = 1) -> Response:
    """Every status with its first jobs; with `status`, all the jobs in it, page by page."""
    if status is not None:
        found = jobs.search(session, member.caller, page=page, page_size=PAGE_SIZE, status=status)
        return show(request, member, "jobs.html", section="jobs", chosen=status, found=found)
    columns = [(s, jobs.search(session, member.caller, page=1, page_size=BOARD_SIZE, status=s)) for s in JobStatus]
    return show(request, member, "board.html", section="jobs", columns=columns)


@router.get("/jobs/{job_id}")
def job_page(request: Request, member: Reader, session: DbSession, job_id: RowId) -> Response:
    return _job_page(request, member, session, jobs.get(session, member.caller, job_id))


@router.post("/jobs/{job_id}/status")
def move(request: Request, member: Recruiter, form: CheckedForm, session: DbSession, rt: RuntimeDep,
         job_id: RowId) -> Response:
    """Move the job through its lifecycle (a reason goes with a cancellation)."""
    wanted = read_form(form, Move)
    job = jobs.get(session, member.caller, job_id)
    fields = JobFields(cancel_reason=wanted.cancel_reason) if wanted.cancel_reason else JobFields()
    try:
        jobs.update(session, member.caller, job, fields, clock=rt.clock, status=wanted.status)
    except InvalidTransition as exc:
        session.rollback()  # nothing of a refused move is kept, not even the reason sent with it
        job = jobs.get(session, member.caller, job_id)
        return _job_page(request, member, session, job, status=409, refused=shared.problem(request, exc))
    return done(f"{home(member.tenant_id)}/jobs/{job.id}", "moved")


def _job_page(request: Request, member: Member, session: DbSession, job: Job, *, status: int = 200,
              refused: Problem | None = None) -> Response:
    attached = documents.attached_to(session, member.caller, DocumentOwner.job, [job.id])[job.id]
    moves = jobs.moves_from(job)
    return show(request, member, "job.html", status=status, section="jobs", job=job, documents=attached,
                moves=moves, refused=refused)
