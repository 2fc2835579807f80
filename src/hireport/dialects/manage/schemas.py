"""Request and response bodies of the management API (snake_case JSON)."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from hireport.kit.bounds import LONG_TEXT, MAX_ITEMS, Attributes, Count, Id32, LongText, RowId
from hireport.kit.pagination import MAX_LIMIT, Page
from hireport.models import ApplicationStatus, CheckStatus, DocumentOwner, JobStatus, MessageStatus, PartnerKind
from hireport.services.applications import FormAnswer
from hireport.services.forms import Question
from hireport.services.offers import OfferFields

T = TypeVar("T")
R = TypeVar("R")

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}")]
Cursor = Annotated[str | None, Query(min_length=1, max_length=20, description="The `next_cursor` of the previous page")]


Scopes = (Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=MAX_ITEMS)]
          | Annotated[str, Field(max_length=2000)])
"""Scope names, as a list (at most `MAX_ITEMS`) or space-separated."""


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PageOf(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


def page_of(page: Page[R], view: Callable[[R], T]) -> PageOf[T]:
    """A page of records as the API answers it: each record in its read model."""
    return PageOf[T](items=[view(item) for item in page.items], next_cursor=page.next_cursor)


class TenantCreate(BaseModel):
    id: Id32 = Field(description="The tenant id integrators use, e.g. 218")
    name: str = Field(min_length=1, max_length=200)


class TenantRead(Read):
    id: int
    name: str
    settings: dict[str, Any]
    created_at: datetime


class TenantUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    settings: Attributes | None = Field(
        default=None, description="Merged key by key. The settings are the dialects' own: each API's description "
        "names its settings, their types and defaults; an unknown setting or a value of another type is a 400")


class PartnerCreate(BaseModel):
    code: str = Field(min_length=1, max_length=50, description="Short code, e.g. `bg`")
    name: str = Field(min_length=1, max_length=200)
    kind: PartnerKind = Field(default=PartnerKind.background_check,
                              description="`background_check`: runs background checks for the tenants that use it; "
                                          "`ats`: provisions apps for its customers (LinkedIn)")


class PartnerRead(Read):
    id: int
    code: str
    name: str
    kind: str
    created_at: datetime


class TenantPartnerCreate(BaseModel):
    code: str = Field(min_length=1, max_length=50, description="The partner's code")


class ClientCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    scopes: Scopes = Field(description="Scopes the client may ask for (list or space-separated)")
    tenant_id: Id32 | None = Field(default=None, description="The tenant this client belongs to")
    partner: str | None = Field(default=None, min_length=1, max_length=50,
                                description="Or the code of the partner it belongs to")
    token_lifetime: Count | None = Field(default=None, description="Access token lifetime in seconds, 30 to 86400 "
                                         "(default: the server's HIREPORT_TOKEN_LIFETIME, 300)")
    redirect_uris: list[Annotated[str, Field(min_length=1, max_length=2000)]] | None = Field(
        default=None, max_length=10, description="An application that people authorize (authorization code with "
        "PKCE): the exact URIs it may be sent back to, at most 10; https, or http to 127.0.0.1, localhost or [::1]")


class ClientRead(BaseModel):
    client_id: str
    name: str
    tenant_id: int | None
    partner: str | None
    scopes: list[str]
    token_lifetime: int
    redirect_uris: list[str] = Field(description="Where people who authorize it are sent back (empty: a machine "
                                     "client, client credentials only)")
    created_at: datetime
    revoked_at: datetime | None = Field(description="Revoked: no new tokens, and its tokens refused within seconds")


class OperatorRead(Read):
    id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None


class OperatorRotated(OperatorRead):
    operator_credential: str = Field(description="Shown once, now; the old secret no longer works")


class ClientCreated(ClientRead):
    client_secret: str = Field(description="Shown once, now; only its hash is stored")


class JobCreate(BaseModel):
    title: str = Field(min_length=1, max_length=255)
    status: JobStatus = JobStatus.draft
    external_id: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, min_length=1, max_length=100)
    description: LongText | None = None
    summary: LongText | None = None
    num_vacancies: Count | None = None
    hiring_deadline: date | None = None
    career_page_id: Id32 | None = None
    division_code: str | None = Field(default=None, max_length=100)
    department: str | None = Field(default=None, max_length=100, description="Shown and filtered on careers pages")
    location: str | None = Field(default=None, max_length=200, description="Shown and filtered on careers pages")
    job_type: str | None = Field(default=None, max_length=64, description="Shown and filtered on careers pages")
    attributes: Attributes = Field(default_factory=dict)


class JobRead(Read):
    id: int
    external_id: str | None
    code: str
    title: str
    status: JobStatus
    description: str | None
    summary: str | None
    num_vacancies: int | None
    replacement_positions: int | None
    career_page_id: int | None
    division_code: str | None
    department: str | None
    location: str | None
    job_type: str | None
    hiring_deadline: date | None
    custom_fields: list[dict[str, Any]]
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ApplicantRead(Read):
    id: int
    first_name: str
    middle_name: str | None
    last_name: str
    email: str
    phone: str | None
    attributes: dict[str, Any]
    created_at: datetime


class ApplicationRead(Read):
    id: int
    job_id: int
    applicant_id: int
    status: ApplicationStatus
    status_code: str | None
    order_of_merit: int | None
    score: float | None
    source: str | None
    current_step: str | None
    tags: list[str]
    form_answers: list[FormAnswer]
    created_at: datetime
    updated_at: datetime


class OfferCreate(OfferFields):
    application_id: RowId
    notify_candidate: bool = Field(default=True, description="Mail the candidate a link to the offer in their portal")


class OfferRead(BaseModel):
    id: int
    application_id: int
    parent_offer_id: int | None
    status: str
    accepted: bool
    accepted_at: datetime | None
    form_complete: bool
    form_completed_at: datetime | None
    onboarding_answers: list[FormAnswer]
    processed_action_types: list[int] = Field(description="Offer action types that processed it (0 = none given)")
    offer_made_at: datetime | None
    start_date: datetime | None
    end_date: datetime | None
    probation_end_date: datetime | None
    hours_per_week: float | None
    hours_per_month: float | None
    comments: str | None
    pay_scale_id: str | None
    attributes: dict[str, Any]
    created_at: datetime


class OnboardingFormSubmit(BaseModel):
    answers: list[FormAnswer] = Field(min_length=1, max_length=200)


class OfferProcess(BaseModel):
    action_type_id: Count = 0


class CheckOrder(BaseModel):
    application_id: RowId
    partner: str = Field(min_length=1, max_length=50, description="The provider's partner code, e.g. `bg`")
    package_code: str = Field(min_length=1, max_length=100)
    package_name: str | None = Field(default=None, max_length=200)


class CheckRead(Read):
    id: int
    application_id: int
    partner_id: int
    package_code: str
    package_name: str | None
    status: CheckStatus
    reference_number: str | None
    reason_for_fail: str | None
    results: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime


class DocumentRead(Read):
    id: int
    owner_type: DocumentOwner
    owner_id: int
    title: str
    file_name: str
    extension: str
    mime_type: str
    category: str | None
    size_bytes: int
    sha256: str
    created_at: datetime


class CareerPageCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=500)


class CareerPageRead(Read):
    id: int
    name: str
    url: str | None
    primary_color: str | None
    accent_color: str | None
    has_logo: bool
    public_url: str = Field(description="Where candidates find the page's jobs")
    created_at: datetime


class DocumentRequestCreate(BaseModel):
    application_id: RowId
    title: str = Field(min_length=1, max_length=200, description="What the candidate is asked for")


class DocumentRequestRead(Read):
    id: int
    application_id: int
    title: str
    document_id: int | None
    created_at: datetime
    fulfilled_at: datetime | None


class FormRead(BaseModel):
    questions: list[Question]


class TemplateCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    subject: str = Field(min_length=1, max_length=500, description="Jinja2, e.g. `Your application for {{ job.name }}`")
    body: str = Field(min_length=1, max_length=LONG_TEXT,
                      description="Jinja2 with candidate.name, candidate.lastName, candidate.email, job.name, "
                                  "job.code, company.name")


class TemplateRead(Read):
    id: int
    name: str
    subject: str
    body: str
    created_at: datetime


class ApiTokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    endpoints: Scopes = Field(description="Gupy.Jobs.Read, Gupy.Jobs.Write, Gupy.Applications.Read, "
                                          "Gupy.Messages.Write")


class ApiTokenRead(BaseModel):
    id: int
    name: str
    endpoints: list[str]
    created_at: datetime
    revoked_at: datetime | None


class ApiTokenCreated(ApiTokenRead):
    token: str = Field(description="Shown once, now; only its hash is stored")


class MessageRead(Read):
    id: int
    application_id: int | None  # none: a mail to a person with an account (a password reset)
    template_id: int | None
    message_id: str
    from_address: str
    reply_to: str | None
    to_address: str
    subject: str
    body: str
    status: MessageStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
