from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped, ref


class CandidateForm(TenantScoped, Base):
    """The questions of a form a candidate fills in: a job's application form, the tenant's default
    application form, or the tenant's new-starter form (`key` says which)."""

    __tablename__ = "candidate_forms"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    key: Mapped[str] = mapped_column(String(40))
    # [{"id": "notice", "label": "...", "type": "text", "required": true, "options": [...]}, ...] in order.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    updated_at: Mapped[datetime]


class DocumentRequest(TenantScoped, Base):
    """A document a recruiter asked a candidate for, on one application; fulfilled by the candidate's upload."""

    __tablename__ = "document_requests"
    __table_args__ = (Index("ix_document_requests_application", "application_id", "tenant_id"),)

    application_id: Mapped[int] = ref("applications.id")
    title: Mapped[str] = mapped_column(String(200))
    document_id: Mapped[int | None] = ref("documents.id", nullable=True)
    created_at: Mapped[datetime]
    fulfilled_at: Mapped[datetime | None]
