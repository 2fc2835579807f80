from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped, enum_column, ref


class ApplicationStatus(StrEnum):
    """Where an application stands."""

    in_process = "in_process"
    give_up = "give_up"
    reproved = "reproved"
    hired = "hired"


class Application(TenantScoped, Base):
    """An applicant's application to a job, with its application-form answers."""

    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_tenant_job", "tenant_id", "job_id", "id"),
        Index("ix_applications_applicant", "applicant_id", "tenant_id"),
        Index("ix_applications_tenant_job_status", "tenant_id", "job_id", "status", "id"),
    )

    job_id: Mapped[int] = ref("jobs.id")
    applicant_id: Mapped[int] = ref("applicants.id")
    status: Mapped[ApplicationStatus] = enum_column(ApplicationStatus)
    # The tenant's own configurable application status code (e.g. "OFFER").
    status_code: Mapped[str | None] = mapped_column(String(64))
    order_of_merit: Mapped[int | None]
    score: Mapped[float | None]
    source: Mapped[str | None] = mapped_column(String(100))
    current_step: Mapped[str | None] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(default=list)
    # [{"question": "...", "answer": ...}, ...] in form order.
    form_answers: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    hired_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
