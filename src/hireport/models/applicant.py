from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped


class Applicant(TenantScoped, Base):
    """A person who applies (an applicant, or candidate)."""

    __tablename__ = "applicants"
    __table_args__ = (Index("ix_applicants_tenant", "tenant_id", "id"),)

    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    # Set when the person's data was erased at their request: the row stays, anonymised.
    erased_at: Mapped[datetime | None]
