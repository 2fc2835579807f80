from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped, ref


class DocumentOwner(StrEnum):
    job = "job"
    application = "application"
    offer = "offer"


class Document(TenantScoped, Base):
    """A file attached to a job, an application or an offer. Metadata here; bytes in storage."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN job_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN application_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN offer_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
        Index("ix_documents_job", "job_id", "tenant_id"),
        Index("ix_documents_application", "application_id", "tenant_id"),
        Index("ix_documents_offer", "offer_id", "tenant_id"),
    )

    job_id: Mapped[int | None] = ref("jobs.id", nullable=True)
    application_id: Mapped[int | None] = ref("applications.id", nullable=True)
    offer_id: Mapped[int | None] = ref("offers.id", nullable=True)
    title: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(127))
    category: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime]

    @property
    def owner(self) -> tuple[DocumentOwner, int]:
        if self.job_id is not None:
            return DocumentOwner.job, self.job_id
        if self.application_id is not None:
            return DocumentOwner.application, self.application_id
        assert self.offer_id is not None
        return DocumentOwner.offer, self.offer_id

    @property
    def extension(self) -> str:
        _, dot, ext = self.file_name.rpartition(".")
        return ext.lower() if dot else ""


class Upload(TenantScoped, Base):
    """A place a client was given to PUT a file's bytes to (a signed URL): bound to the tenant that asked
    for it, it receives bytes once and becomes one document once. `size_bytes` and `sha256` are those of
    the stored bytes, which are never replaced."""

    __tablename__ = "uploads"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    received_at: Mapped[datetime | None]
    storage_key: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    filed_at: Mapped[datetime | None]
