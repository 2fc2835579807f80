"""Gupy's JSON: camelCase, bare objects, lists in `{"results", "totalResults", "page", "totalPages"}`,
timestamps `YYYY-MM-DDTHH:MM:SSZ` in UTC."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from hireport.kit.bounds import Count, Id32, Int32, LongText, RowId
from hireport.models import JobStatus

T = TypeVar("T")

Timestamp = Annotated[datetime, PlainSerializer(
    lambda d: d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), return_type=str)]


class JobType(StrEnum):
    effective = "vacancy_type_effective"
    internship = "vacancy_type_internship"
    talent_pool = "vacancy_type_talent_pool"
    apprentice = "vacancy_type_apprentice"
    temporary = "vacancy_type_temporary"
    trainee = "vacancy_type_trainee"
    legal_entity = "vacancy_legal_entity"
    autonomous = "vacancy_type_autonomous"
    freelancer = "vacancy_type_freelancer"
    associate = "vacancy_type_associate"
    lecturer = "vacancy_type_lecturer"


class PublicationType(StrEnum):
    internal = "internal"
    external = "external"


class CancelReason(StrEnum):
    """Gupy's cancel reasons are not public: hireport's fixed list."""

    cancellation_requested_by_manager = "cancellation_requested_by_manager"
    position_no_longer_needed = "position_no_longer_needed"
    budget_cut = "budget_cut"
    hired_internally = "hired_internally"
    hiring_freeze = "hiring_freeze"
    other = "other"


class CustomField(BaseModel):
    id: str | None = Field(default=None, min_length=1, max_length=100)
    value: Any = None


class Page(BaseModel, Generic[T]):
    results: list[T]
    totalResults: int
    page: int
    totalPages: int


# Fields of Gupy's job shape that only Gupy knows: kept in the job's attributes under these names.
KEPT_FIELDS = ("publicationType", "departmentId", "roleId", "branchId")
# Fields Gupy has and hireport keeps as they were sent (in the job's attributes).
VENDOR_FIELDS = ("templateId", "responsibilities", "prerequisites", "additionalInformation", "notes",
                 "addressStreet", "addressNumber", "addressComplement", "addressDistrict", "addressCity",
                 "addressState", "addressStateShortName", "addressCountry", "addressCountryShortName",
                 "addressZipCode")


class JobPatch(BaseModel):
    """`PATCH /api/v1/jobs/{jobId}`: any subset of the fields, plus `status`. Unknown fields are ignored."""

    name: str | None = Field(default=None, min_length=1, max_length=255)
    code: str | None = Field(default=None, min_length=1, max_length=100)
    type: JobType | None = None
    publicationType: PublicationType | None = None
    numVacancies: Count | None = None
    departmentId: Int32 | None = None
    roleId: Int32 | None = None
    branchId: Int32 | None = None
    quickApply: bool | None = None
    hiringDeadline: date | None = None
    applicationDeadline: date | None = None
    description: LongText | None = None
    careerPageId: Id32 | None = None
    customFields: list[CustomField] | None = Field(default=None, max_length=100)
    cancelReason: CancelReason | None = None
    status: JobStatus | None = None
    templateId: RowId | None = None
    responsibilities: LongText | None = None
    prerequisites: LongText | None = None
    additionalInformation: LongText | None = None
    notes: LongText | None = None
    addressStreet: str | None = Field(default=None, max_length=200)
    addressNumber: str | None = Field(default=None, max_length=20)
    addressComplement: str | None = Field(default=None, max_length=200)
    addressDistrict: str | None = Field(default=None, max_length=200)
    addressCity: str | None = Field(default=None, max_length=200)
    addressState: str | None = Field(default=None, max_length=200)
    addressStateShortName: str | None = Field(default=None, max_length=10)
    addressCountry: str | None = Field(default=None, max_length=200)
    addressCountryShortName: str | None = Field(default=None, max_length=10)
    addressZipCode: str | None = Field(default=None, max_length=20)


class JobCreate(JobPatch):
    """`POST /api/v1/jobs`: always creates a draft (`status` is not accepted)."""

    name: str = Field(min_length=1, max_length=255)
    type: JobType
    publicationType: PublicationType
    numVacancies: Count
    departmentId: Int32
    roleId: Int32
    status: None = Field(default=None, description="Not accepted: a new job is always a draft")


class Job(BaseModel):
    id: int
    code: str
    name: str
    status: JobStatus
    type: str | None
    publicationType: str | None
    numVacancies: int | None
    departmentId: int | None
    roleId: int | None
    branchId: int | None
    careerPageId: int | None
    quickApply: bool
    hiringDeadline: date | None
    applicationDeadline: date | None
    description: str | None
    cancelReason: str | None
    customFields: list[dict[str, Any]]
    createdAt: Timestamp
    updatedAt: Timestamp
    model_config = ConfigDict(extra="allow")


class Candidate(BaseModel):
    id: int
    name: str
    lastName: str
    email: str


class JobRef(BaseModel):
    id: int
    name: str


class Step(BaseModel):
    id: int | None
    name: str | None
    status: str


class Application(BaseModel):
    id: int
    source: str | None
    status: str
    score: float | None
    createdAt: Timestamp
    updatedAt: Timestamp
    endedAt: Timestamp | None
    tags: list[str]
    hiringDate: Timestamp | None
    candidate: Candidate
    job: JobRef
    currentStep: Step


class MessageCreate(BaseModel):
    templateId: RowId
    allowReply: bool = True


class Message(BaseModel):
    id: int
    applicationId: int
    templateId: int | None
    to: str
    subject: str
    status: str
    createdAt: Timestamp
