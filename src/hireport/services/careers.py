"""Careers pages: a tenant's published jobs on each of its career pages, found and applied to by candidates,
and each page's branding (name, colours, logo).

A job is on a page while it is published and names that page; applying reads the job under a shared row
lock, so a job closed at the same moment either takes the application first or refuses it.
"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, EmailStr, Field, field_validator
from sqlalchemy import Select, func, or_
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, InvalidInput, NotFound
from hireport.kit.pagination import NumberedPage, numbered_page
from hireport.kit.storage import LocalStorage
from hireport.kit.tenancy import get_scoped, lock_tenant, scoped
from hireport.models import Applicant, Application, ApplicationStatus, CareerPage, DocumentOwner, Job, JobStatus
from hireport.services import applicants, applications, documents, forms, portal
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields, FormAnswer

PAGE_SIZE = 10
MAX_PAGE = 1000
MAX_FILES = 5
LOGO_BYTES = 512 * 1024
FILE_KINDS = {"cv": "Resume", "cover_letter": "Cover letter", "other": "Other"}


def visitor(tenant_id: int) -> Caller:
    """Whoever opens a tenant's careers pages: the public, reading that tenant's published jobs only."""
    return Caller(client_id="careers", tenant_id=tenant_id)


def career_page(session: Session, caller: Caller, page_id: int) -> CareerPage:
    return get_scoped(session, CareerPage, caller, page_id, what="career page")


# -- finding jobs ---------------------------------------------------------------------------------------------

class Search(BaseModel):
    q: str | None = Field(default=None, max_length=100)
    department: str | None = Field(default=None, max_length=100)
    location: str | None = Field(default=None, max_length=200)
    job_type: str | None = Field(default=None, max_length=64)
    page: int = Field(default=1, ge=1, le=MAX_PAGE)


@dataclass(frozen=True)
class Facets:
    """The values a page's filters offer: those of its published jobs."""

    departments: list[str]
    locations: list[str]
    job_types: list[str]


def _on_page(caller: Caller, page_id: int) -> Select[tuple[Job]]:
    return scoped(Job, caller).where(Job.career_page_id == page_id, Job.status == JobStatus.published)


def search(session: Session, caller: Caller, page_id: int, criteria: Search) -> NumberedPage[Job]:
    """The page's published jobs, newest first, matching the text (title, summary, department, location; any
    case) and the filters."""
    stmt = _on_page(caller, page_id)
    if criteria.q and criteria.q.strip():
        text = criteria.q.strip().lower()
        stmt = stmt.where(or_(*(func.lower(column).contains(text, autoescape=True)
                                for column in (Job.title, Job.summary, Job.department, Job.location))))
    for column, value in ((Job.department, criteria.department), (Job.location, criteria.location),
                          (Job.job_type, criteria.job_type)):
        if value:
            stmt = stmt.where(column == value)
    return numbered_page(session, stmt, (Job.created_at.desc(), Job.id.desc()), page=criteria.page,
                         page_size=PAGE_SIZE)


def facets(session: Session, caller: Caller, page_id: int) -> Facets:
    """In one query: the distinct (department, location, type) of the page's jobs, split."""
    rows = session.execute(_on_page(caller, page_id).with_only_columns(Job.department, Job.location, Job.job_type)
                           .distinct()).all()
    departments, locations, job_types = ({row[i] for row in rows if row[i]} for i in range(3))
    return Facets(sorted(departments), sorted(locations), sorted(job_types))


def open_job(session: Session, caller: Caller, page_id: int, job_id: int) -> Job:
    """A job the page shows: published, and on this page (one that closed is gone from it)."""
    job = session.scalar(_on_page(caller, page_id).where(Job.id == job_id))
    if job is None:
        raise NotFound("This job is not open on this careers page. It may have closed.")
    return job


def _job_to_apply_to(session: Session, caller: Caller, page_id: int, job_id: int) -> Job:
    """The job being applied to, held (a shared row lock) until the application is filed, so it cannot close
    in between; one that closed before is refused."""
    stmt = scoped(Job, caller).where(Job.id == job_id, Job.career_page_id == page_id).with_for_update(read=True)
    job = session.scalar(stmt)
    if job is None:
        raise NotFound("This job is not on this careers page.")
    if job.status != JobStatus.published:
        raise Conflict("This job is not open for applications: it may have closed while you were filling in the "
                       "form.")
    return job


@dataclass(frozen=True)
class Listed:
    id: int
    updated_at: datetime


def listed(session: Session, caller: Caller, page_id: int) -> list[Listed]:
    """Every job the page shows (for its sitemap), at most 50,000 as a sitemap holds."""
    stmt = _on_page(caller, page_id).with_only_columns(Job.id, Job.updated_at).order_by(Job.id).limit(50_000)
    return [Listed(*row) for row in session.execute(stmt)]


# -- applying -------------------------------------------------------------------------------------------------

class Candidate(BaseModel):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: EmailStr = Field(max_length=320)
    phone: str | None = Field(default=None, max_length=50, pattern=r"^[0-9+()\-. ]{4,50}$")

    @field_validator("first_name", "last_name")
    @classmethod
    def _stripped(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


@dataclass(frozen=True)
class Upload:
    """A file a candidate sent: what they said it is (`FILE_KINDS`), its name and its bytes."""

    kind: str
    file_name: str
    data: bytes


def apply(session: Session, caller: Caller, storage: LocalStorage, postman: "portal.Postman", *, page_id: int,
          job_id: int, candidate: Candidate, given: dict[str, str], files: list[Upload], clock: Clock,
          max_file_bytes: int) -> Application:
    """File an application from a careers page: the applicant (the tenant's one with this e-mail, else a new
    one), the application with its answers, and its documents; then mail the candidate a confirmation with a
    link to follow it. Everything is checked before a byte is stored: a refusal stores nothing."""
    career = career_page(session, caller, page_id)
    lock_tenant(session, caller)  # two applications with one new e-mail at once make one applicant, not two
    job = _job_to_apply_to(session, caller, page_id, job_id)
    answers = forms.answers(forms.application_form(session, caller, job.id), given)
    if not any(f.kind == "cv" for f in files):
        raise InvalidInput("Attach your CV.", field="cv")
    if len(files) > MAX_FILES:
        raise InvalidInput(f"Attach at most {MAX_FILES} files.", field="files")
    screened = [(f.kind, *documents.screen(f.file_name, f.data, max_bytes=max_file_bytes), f.data) for f in files]
    applicant = session.scalar(scoped(Applicant, caller).where(
        func.lower(Applicant.email) == candidate.email.lower(), Applicant.erased_at.is_(None)).order_by(Applicant.id))
    if applicant is None:
        applicant = applicants.create(session, caller, ApplicantFields(**candidate.model_dump()), clock=clock)
    elif session.scalar(scoped(Application, caller).where(Application.job_id == job.id,
                                                          Application.applicant_id == applicant.id)) is not None:
        raise Conflict("You have already applied for this job. The e-mail we sent you then has a link to follow "
                       "your application.")
    application = applications.create(session, caller, ApplicationFields(
        job_id=job.id, applicant_id=applicant.id, status=ApplicationStatus.in_process, status_code="APPLIED",
        source=f"Careers site: {career.name}"[:100], current_step="Applied",
        form_answers=[FormAnswer(**a) for a in answers]), clock=clock)
    for kind, name, mime, data in screened:
        documents.upload(session, caller, storage, owner=DocumentOwner.application, owner_id=application.id,
                         file_name=name, data=data, clock=clock, max_bytes=max_file_bytes, mime_type=mime,
                         title=FILE_KINDS[kind], category=FILE_KINDS[kind])
    link = postman.portal_link(caller.require_tenant(), applicant.id)
    postman.send(session, tenant_id=caller.require_tenant(), application_id=application.id, to=applicant.email,
                 subject=f"We received your application for {job.title}",
                 body=f"Hello {applicant.first_name},\n\nThank you for applying for {job.title}. We have your "
                      f"application and will be in touch.\n\nFollow your application, and answer us when we ask "
                      f"you something, at this link (it works for {portal.LINK_DAYS} days; you can ask for a new "
                      f"one on our careers page):\n\n{link}\n")
    return application


# -- branding -------------------------------------------------------------------------------------------------

class Branding(BaseModel):
    """What a career page shows of its owner. Colours must keep text readable (WCAG AA, 4.5:1): the primary
    colour is a background for white text, the accent colour is the colour of links on white."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=500)
    primary_color: str | None = Field(default=None, max_length=7, pattern=r"^#[0-9a-fA-F]{6}$")
    accent_color: str | None = Field(default=None, max_length=7, pattern=r"^#[0-9a-fA-F]{6}$")


MIN_CONTRAST = 4.5


def brand(session: Session, caller: Caller, page_id: int, fields: Branding) -> CareerPage:
    page = career_page(session, caller, page_id)
    changes = fields.model_dump(exclude_unset=True)
    for field in ("primary_color", "accent_color"):
        color = changes.get(field)
        if color is not None and contrast(color, "#ffffff") < MIN_CONTRAST:
            raise InvalidInput(f"{{{field}}} {color} is too light: white and it must contrast at least "
                               f"{MIN_CONTRAST}:1 (it is {contrast(color, '#ffffff'):.2f}:1)", field=field)
        if field in changes and color is not None:
            changes[field] = color.lower()
    if "name" in changes and changes["name"] is None:
        raise InvalidInput("a career page needs a {name}", field="name")
    for key, value in changes.items():
        setattr(page, key, value)
    session.flush()
    return page


def set_logo(session: Session, caller: Caller, storage: LocalStorage, page_id: int, *, file_name: str,
             data: bytes) -> tuple[CareerPage, str | None]:
    """Store a new logo (PNG, JPEG, GIF or WebP; at most 512 KiB). Returns the page and the storage key of the
    logo it replaced, to delete once the change is committed."""
    page = career_page(session, caller, page_id)
    _, mime = documents.screen(file_name, data, max_bytes=LOGO_BYTES, kinds=documents.IMAGE_TYPES)
    old = page.logo_key
    page.logo_key, _ = storage.put(data)
    page.logo_type = mime
    session.flush()
    return page, old


def remove_logo(session: Session, caller: Caller, page_id: int) -> str | None:
    """Remove the page's logo; returns its storage key, to delete once the change is committed."""
    page = career_page(session, caller, page_id)
    old, page.logo_key, page.logo_type = page.logo_key, None, None
    session.flush()
    return old


def logo(session: Session, caller: Caller, storage: LocalStorage, page_id: int) -> tuple[bytes, str]:
    page = career_page(session, caller, page_id)
    if page.logo_key is None or page.logo_type is None:
        raise NotFound("this career page has no logo")
    return storage.get(page.logo_key), page.logo_type


def contrast(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(color: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(color[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
