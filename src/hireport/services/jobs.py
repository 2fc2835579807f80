"""Jobs (requisitions): create, read, list and update, with vendor-only fields kept in `attributes`."""

import secrets
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.bounds import Attributes, Count, Id32, LongText, Money, UtcDatetime
from hireport.kit.clock import Clock
from hireport.kit.db import Reader
from hireport.kit.errors import Conflict, InvalidInput, NotFound
from hireport.kit.pagination import NumberedPage, Page, keyset_page, numbered_page
from hireport.kit.query import Query
from hireport.kit.tenancy import bound, get_scoped, prepared, scoped
from hireport.models import Job, JobStatus
from hireport.services import career_pages, job_status

TALENT_POOL = "vacancy_type_talent_pool"
NOT_NULL = ("title", "code", "quick_apply", "custom_fields")  # a job always has them: they can change, not go
MAX_CUSTOM_FIELDS = 100


class JobFields(BaseModel):
    """A job's vendor-neutral fields; every one optional so the same model serves create and update."""

    title: str | None = Field(default=None, min_length=1, max_length=255)
    external_id: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, min_length=1, max_length=100)
    description: LongText | None = None
    summary: LongText | None = None
    num_vacancies: Count | None = None
    replacement_positions: Count | None = None
    job_type: str | None = Field(default=None, max_length=64)
    division_code: str | None = Field(default=None, max_length=100)
    career_page_id: Id32 | None = None
    department: str | None = Field(default=None, max_length=100)
    location: str | None = Field(default=None, max_length=200)
    salary: Money | None = None
    hiring_deadline: date | None = None
    application_deadline: date | None = None
    expires_at: UtcDatetime | None = None
    quick_apply: bool | None = None
    cancel_reason: str | None = Field(default=None, max_length=100)
    custom_fields: list[Attributes] | None = Field(default=None, max_length=MAX_CUSTOM_FIELDS)
    attributes: Attributes | None = None


def create(session: Session, caller: Caller, fields: JobFields, *, clock: Clock,
           status: JobStatus = JobStatus.draft) -> Job:
    if not fields.title:
        raise InvalidInput("a job needs a {title}", field="title")
    if fields.quick_apply and fields.job_type == TALENT_POOL:
        raise InvalidInput("{quick_apply} is not allowed on a talent pool", field="quick_apply")
    _ensure_unique(session, caller, fields)
    _ensure_career_page(session, caller, fields)
    now = clock.now()
    values = fields.model_dump(exclude_unset=True, exclude={"code"})
    job = Job(tenant_id=caller.require_tenant(), status=status, code=fields.code or _placeholder_code(),
              created_at=now, updated_at=now, custom_fields=[], attributes={}, quick_apply=False)
    for name, value in values.items():
        if value is not None:
            setattr(job, name, value)
    session.add(job)
    _flush_unique(session, job)
    if fields.code is None:
        job.code = _free_code(session, caller, str(job.id))
        session.flush()
    return job


def create_and_move(session: Session, caller: Caller, fields: JobFields, *, clock: Clock,
                    status: JobStatus | None) -> Job:
    """A new draft, then moved to `status` (if given) through the lifecycle, as a recruiter would."""
    job = create(session, caller, fields, clock=clock)
    if status is not None:
        update(session, caller, job, JobFields(), clock=clock, status=status)
    return job


def update(session: Session, caller: Caller, job: Job, fields: JobFields, *, clock: Clock,
           status: JobStatus | None = None) -> Job:
    """Apply the fields that were set (`attributes` merge key by key, like a JSON merge patch), then
    move to `status` through the lifecycle, whose rules see the job with those fields applied."""
    _ensure_unique(session, caller, fields, job)
    _ensure_career_page(session, caller, fields)
    if fields.quick_apply is not None and fields.quick_apply != job.quick_apply:
        raise InvalidInput("{quick_apply} cannot change once the job exists", field="quick_apply")
    changes = fields.model_dump(exclude_unset=True)
    cleared = [name for name in NOT_NULL if name in changes and changes[name] is None]
    if cleared:
        raise InvalidInput(f"{{{cleared[0]}}} cannot be null", field=cleared[0])
    attributes = changes.pop("attributes", None)
    for name, value in changes.items():
        setattr(job, name, value)
    if attributes:
        job.attributes = {**job.attributes, **attributes}
    if status is not None:
        job_status.change(session, job, status)
    job.updated_at = clock.now()
    _flush_unique(session, job)
    return job


def get(session: Session, caller: Caller, job_id: int) -> Job:
    return get_scoped(session, Job, caller, job_id, what="job")


@dataclass(slots=True)
class JobRef:
    """What a list of a job's applications says of the job."""

    id: int
    external_id: str | None
    title: str


_REF = prepared(Job, Job.id, Job.external_id, Job.title)
_REF_BY_ID = Query(_REF.where(Job.id == bindparam("job_id")))
_REF_BY_EXTERNAL_ID = Query(_REF.where(Job.external_id == bindparam("external_id")).order_by(Job.id).limit(1))


def ref(reader: Reader, caller: Caller, job_id: int) -> JobRef:
    row = _REF_BY_ID.first(reader, bound(caller, job_id=job_id))
    if row is None:
        raise NotFound(f"job {job_id} not found")
    return JobRef(*row)


def ref_by_external_id(reader: Reader, caller: Caller, external_id: str) -> JobRef:
    row = _REF_BY_EXTERNAL_ID.first(reader, bound(caller, external_id=external_id))
    if row is None:
        raise NotFound(f"job with external id {external_id!r} not found")
    return JobRef(*row)


def get_by_external_id(session: Session, caller: Caller, external_id: str) -> Job:
    job = session.scalar(scoped(Job, caller).where(Job.external_id == external_id))
    if job is None:
        raise NotFound(f"job with external id {external_id!r} not found")
    return job


def search(session: Session, caller: Caller, *, page: int, page_size: int, code: str | None = None,
           name: str | None = None, status: JobStatus | None = None,
           ) -> NumberedPage[Job]:
    """Jobs by exact code, name (case-insensitive, contains) and status, oldest first."""
    stmt = scoped(Job, caller)
    if code is not None:
        stmt = stmt.where(Job.code == code)
    if name:
        stmt = stmt.where(Job.title.icontains(name, autoescape=True))
    if status is not None:
        stmt = stmt.where(Job.status == status)
    return numbered_page(session, stmt, Job.id, page=page, page_size=page_size)


def list_page(session: Session, caller: Caller, *, limit: int, cursor: str | None,
              status: JobStatus | None = None) -> Page[Job]:
    stmt = scoped(Job, caller)
    if status is not None:
        stmt = stmt.where(Job.status == status)
    return keyset_page(session, stmt, Job.id, limit=limit, cursor=cursor)


def _placeholder_code() -> str:
    return "pending-" + secrets.token_hex(8)


def _free_code(session: Session, caller: Caller, wanted: str) -> str:
    taken = session.scalar(scoped(Job, caller).where(Job.code == wanted).with_only_columns(Job.id))
    return wanted if taken is None else f"{wanted}-{secrets.token_hex(3)}"


def _ensure_career_page(session: Session, caller: Caller, fields: JobFields) -> None:
    if fields.career_page_id is not None:
        career_pages.ensure_exists(session, caller, fields.career_page_id)


def _ensure_unique(session: Session, caller: Caller, fields: JobFields, job: Job | None = None) -> None:
    for column, value, label in ((Job.code, fields.code, "code"), (Job.external_id, fields.external_id, "external id")):
        if value is None:
            continue
        other = session.scalar(scoped(Job, caller).where(column == value).with_only_columns(Job.id))
        if other is not None and (job is None or other != job.id):
            raise Conflict(f"job {other} of this tenant already has the {label} {value!r}")


def _flush_unique(session: Session, job: Job) -> None:
    """Flush; a unique index that a concurrent request beat us to becomes a 409, not a 500."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("another job of this tenant already has this code or external id") from exc


def moves_from(job: Job) -> list[JobStatus]:
    """The statuses the lifecycle lets `job` move to from where it stands, in the statuses' order."""
    return [target for target in JobStatus if target in job_status.ALLOWED[job.status]]
