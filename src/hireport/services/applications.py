"""Applications: an applicant applies to a job, answering its application form."""

import functools
import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import bindparam, func
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.bounds import Attributes, Finite, Name, RowId
from hireport.kit.clock import Clock
from hireport.kit.db import Reader
from hireport.kit.errors import InvalidInput
from hireport.kit.pagination import NumberedPage, Page, check_page, keyset_page
from hireport.kit.query import Query
from hireport.kit.tenancy import bound, get_scoped, prepared, scoped, scoped_ids
from hireport.models import Applicant, Application, ApplicationStatus, Job


class FormAnswer(BaseModel):
    question: str = Field(min_length=1, max_length=500)
    answer: Any = None


class ApplicationFields(BaseModel):
    job_id: RowId
    applicant_id: RowId
    status: ApplicationStatus = ApplicationStatus.in_process
    status_code: str | None = Field(default=None, max_length=64)
    score: Finite | None = None
    source: str | None = Field(default=None, max_length=100)
    current_step: str | None = Field(default=None, max_length=100)
    tags: list[Name] = Field(default_factory=list, max_length=50)
    form_answers: list[FormAnswer] = Field(default_factory=list, max_length=200)
    attributes: Attributes = Field(default_factory=dict)


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


class OrderBy(StrEnum):
    id = "id"
    score = "score"
    created_at = "created_at"
    order_of_merit = "order_of_merit"  # the ranked first, either way; then the unranked


ORDER_COLUMNS = {OrderBy.id: Application.id, OrderBy.score: Application.score,
                 OrderBy.created_at: Application.created_at, OrderBy.order_of_merit: Application.order_of_merit}


@dataclass(slots=True)
class ApplicationView:
    """An application as a job's list shows it, with its candidate's name and e-mail. Plain data, read
    column by column; every dialect shapes listed applications from this."""

    id: int
    job_id: int
    applicant_id: int
    first_name: str
    last_name: str
    email: str
    status: ApplicationStatus
    status_code: str | None
    order_of_merit: int | None
    score: float | None
    source: str | None
    current_step: str | None
    tags: list[str]
    hired_at: datetime | None
    ended_at: datetime | None
    created_at: datetime
    updated_at: datetime


@functools.cache
def _job_statements(by_status: bool, order_by: OrderBy, descending: bool) -> tuple[Query, Query]:
    """The page and count queries of a job's applications for one way of asking."""
    conditions = [Application.job_id == bindparam("job_id")]
    if by_status:
        conditions.append(Application.status == bindparam("status"))
    column = ORDER_COLUMNS[order_by]
    ordering = column.desc() if descending else column.asc()
    if order_by == OrderBy.order_of_merit:
        ordering = ordering.nulls_last()  # the same on every database
    page = (prepared(Application, Application.id, Application.job_id, Application.applicant_id, Applicant.first_name,
                     Applicant.last_name, Applicant.email, Application.status, Application.status_code,
                     Application.order_of_merit, Application.score, Application.source, Application.current_step,
                     Application.tags, Application.hired_at, Application.ended_at, Application.created_at,
                     Application.updated_at, joins=((Applicant, Applicant.id == Application.applicant_id),))
            .where(*conditions).order_by(ordering, Application.id)
            .limit(bindparam("limit")).offset(bindparam("offset")))
    count = prepared(Application, func.count()).where(*conditions)
    return Query(page), Query(count)


def search_for_job(reader: Reader, caller: Caller, job_id: int, *, page: int, page_size: int,
                   status: ApplicationStatus | None = None, order_by: OrderBy = OrderBy.id, descending: bool = False,
                   ) -> NumberedPage[ApplicationView]:
    """A job's applications with their candidates, by status, ordered by `order_by` (then id)."""
    check_page(page, page_size)
    page_stmt, count_stmt = _job_statements(status is not None, order_by, descending)
    params = bound(caller, job_id=job_id, status=status)
    total = count_stmt.scalar(reader, params)
    rows = page_stmt.rows(reader, {**params, "limit": page_size, "offset": (page - 1) * page_size})
    return NumberedPage(items=[ApplicationView(*row) for row in rows], page=page, page_size=page_size, total=total)


@dataclass(slots=True)
class Candidacy:
    """Whose application it is, and to which job: what a list of checks or messages names an application by."""

    application_id: int
    first_name: str
    last_name: str
    job_id: int
    job_title: str


_CANDIDACIES = Query(prepared(Application, Application.id, Applicant.first_name, Applicant.last_name, Job.id,
                              Job.title, joins=((Applicant, Applicant.id == Application.applicant_id),
                                                (Job, Job.id == Application.job_id)))
                     .where(Application.id.in_(bindparam("ids", expanding=True))))


def candidacies(reader: Reader, caller: Caller, application_ids: Iterable[int | None]) -> dict[int, Candidacy]:
    """The candidate and job of each of the caller's applications among these ids, in one query."""
    ids = sorted({i for i in application_ids if i is not None})
    if not ids:
        return {}
    return {row[0]: Candidacy(*row) for row in _CANDIDACIES.rows(reader, bound(caller, ids=ids))}


def change_status_code(session: Session, caller: Caller, application: Application, code: str, *,
                       clock: Clock) -> Application:
    """Set the tenant's own application status code (its configurable workflow status)."""
    code = code.strip()
    if not code or len(code) > 64:
        raise InvalidInput("{status_code} must be 1 to 64 characters", field="status_code")
    application.status_code = code
    application.updated_at = clock.now()
    session.flush()
    return application


MAX_RANKS = 1000


def duplicated(values: Iterable[int]) -> list[int]:
    """The values given more than once, in order; linear time."""
    return sorted(value for value, count in Counter(values).items() if count > 1)


def check_ranks(ranks: list[tuple[int, int]]) -> None:
    """Refuse a ranking that is empty, too long, names an application or a rank twice, or ranks below 1;
    linear in its length (bench/merit.py measures it)."""
    if not ranks:
        raise InvalidInput("give at least one application and its rank", field="application_id")
    if len(ranks) > MAX_RANKS:
        raise InvalidInput(f"rank at most {MAX_RANKS} applications at a time", field="application_id")
    duplicated_ids = duplicated(i for i, _ in ranks)
    if duplicated_ids:
        raise InvalidInput(f"application ids given more than once: {duplicated_ids}", field="application_id")
    duplicated_ranks = duplicated(r for _, r in ranks)
    if duplicated_ranks:
        raise InvalidInput(f"ranks given more than once: {duplicated_ranks}", field="order_of_merit")
    if any(rank < 1 for _, rank in ranks):
        raise InvalidInput("{order_of_merit} starts at 1", field="order_of_merit")


def change_order_of_merit(session: Session, caller: Caller, ranks: list[tuple[int, int]], *,
                          clock: Clock) -> list[Application]:
    """Give applications of one job their order of merit. The job's other ranked applications keep their
    relative order and take the ranks left free, from 1 up. Returns the job's ranked applications.
    At most `MAX_RANKS` at a time."""
    check_ranks(ranks)
    ids = [application_id for application_id, _ in ranks]
    wanted = [rank for _, rank in ranks]
    found = {a.id: a for a in session.scalars(scoped_ids(Application, caller, ids))}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise InvalidInput(f"unknown application ids: {unknown}", field="application_id")
    jobs = {a.job_id for a in found.values()}
    if len(jobs) > 1:
        raise InvalidInput("order of merit ranks applications of one job at a time", field="application_id")
    job_id = jobs.pop()
    now = clock.now()
    for application_id, rank in ranks:
        found[application_id].order_of_merit = rank
        found[application_id].updated_at = now
    others = session.scalars(scoped(Application, caller).where(
        Application.job_id == job_id, Application.order_of_merit.is_not(None), Application.id.not_in(ids),
    ).order_by(Application.order_of_merit, Application.id))
    taken = set(wanted)
    free = (rank for rank in itertools.count(1) if rank not in taken)
    for application in others:
        rank = next(free)
        if application.order_of_merit != rank:
            application.order_of_merit, application.updated_at = rank, now
    session.flush()
    ranked = scoped(Application, caller).where(Application.job_id == job_id, Application.order_of_merit.is_not(None))
    return list(session.scalars(ranked.order_by(Application.order_of_merit)))
