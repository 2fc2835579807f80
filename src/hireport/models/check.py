from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped, enum_column, ref


class CheckStatus(StrEnum):
    """A background check's status, as the background-checking protocol names them."""

    pending = "pending"
    queued = "queued"
    new = "new"
    inprogress = "inprogress"
    expired = "expired"
    completed = "completed"
    cancelled = "cancelled"
    failed = "failed"


class BackgroundCheck(TenantScoped, Base):
    """A background check ordered on an application from a provider partner, with a package code.
    The provider polls for pending checks, claims them (`queued`) and reports progress and results."""

    __tablename__ = "background_checks"
    __table_args__ = (
        # The provider's poll: its pending checks in a tenant, oldest first.
        Index("ix_background_checks_poll", "tenant_id", "partner_id", "status", "id"),
        Index("ix_background_checks_application", "application_id", "tenant_id"),
    )

    application_id: Mapped[int] = ref("applications.id")
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    package_code: Mapped[str] = mapped_column(String(100))
    package_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[CheckStatus] = enum_column(CheckStatus)
    reference_number: Mapped[str | None] = mapped_column(String(200))
    reason_for_fail: Mapped[str | None] = mapped_column(Text)
    # [{"report_link": "https://...", "report_type": "...", "status": "..."}, ...]
    results: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    # A pending check handed to a poller is not handed to another until then (see services/checks.pending).
    leased_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
