from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped, enum_column


class JobStatus(StrEnum):
    """A requisition's lifecycle; the allowed moves live in `services.job_status`."""

    draft = "draft"
    waiting_approval = "waiting_approval"
    approved = "approved"
    disapproved = "disapproved"
    published = "published"
    frozen = "frozen"
    canceled = "canceled"
    closed = "closed"


class Job(TenantScoped, Base):
    """A job (requisition). `id` is hireport's, `external_id` the integrator's own id of it, `code` the
    tenant's job code. Fields only one vendor API knows round-trip in `attributes`, each under its name on
    that API's wire (written and read by that dialect alone; the services never look inside)."""

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "external_id"),
        UniqueConstraint("tenant_id", "code"),
        Index("ix_jobs_tenant_status", "tenant_id", "status", "id"),
    )

    external_id: Mapped[str | None] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(255))
    status: Mapped[JobStatus] = enum_column(JobStatus)
    description: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    # Openings to fill; replacement positions are counted apart.
    num_vacancies: Mapped[int | None]
    replacement_positions: Mapped[int | None]
    job_type: Mapped[str | None] = mapped_column(String(64))
    division_code: Mapped[str | None] = mapped_column(String(100))
    career_page_id: Mapped[int | None]
    # What a careers page shows and filters by: the department's and the place's names.
    department: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(200))
    salary: Mapped[float | None] = mapped_column(Numeric(14, 2, asdecimal=False))
    hiring_deadline: Mapped[date | None]
    application_deadline: Mapped[date | None]
    expires_at: Mapped[datetime | None]
    quick_apply: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str | None] = mapped_column(String(100))
    custom_fields: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
