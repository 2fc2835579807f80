"""Applications: an applicant applies to a job, answering its application form."""

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.pagination import Page, keyset_page
from hireport.kit.tenancy import get_scoped, scoped
from hireport.models import Applicant, Application, ApplicationStatus, Job


class FormAnswer(BaseModel):
    question: str = Field(min_length=1, max_length=500)
    answer: Any = None


class ApplicationFields(BaseModel):
    job_id: int
    applicant_id: int
    status: ApplicationStatus = ApplicationStatus.in_process
    status_code: str | None = Field(default=None, max_length=64)
    score: float | None = None
    source: str | None = Field(default=None, max_length=100)
    current_step: str | None = Field(default=None, max_length=100)
    tags: list[str] = Field(default_factory=list)
    form_answers: list[FormAnswer] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)


def create(session: Session, caller: Caller, fields: ApplicationFields, *, clock: Clock) -> Application:
    # Both must be this tenant's: a foreign id is "not found", never linked across tenants.
    get_scoped(session, Job, caller, fields.job_id, what="job")
    get_scoped(session, Applicant, caller, fields.applicant_id, what="applicant")
    now = clock.now()
    values = fields.model_dump()
    application = Application(tenant_id=caller.require_tenant(), created_at=now, updated_at=now, **values)
    if fields.status == ApplicationStatus.hired:
        application.hired_at = now
    elif fields.status != ApplicationStatus.in_process:
        application.ended_at = now
    session.add(application)
    session.flush()
    return application


def get(session: Session, caller: Caller, application_id: int) -> Application:
    return get_scoped(session, Application, caller, application_id, what="application")


def list_page(session: Session, caller: Caller, *, limit: int, cursor: str | None,
              job_id: int | None = None) -> Page[Application]:
    stmt = scoped(Application, caller)
    if job_id is not None:
        stmt = stmt.where(Application.job_id == job_id)
    return keyset_page(session, stmt, Application.id, limit=limit, cursor=cursor)
