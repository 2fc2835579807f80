from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, BigId, TenantScoped, ref

DEFAULT_ACTION_TYPE = 0
"""The offer action type of `POST /offers/{id}/process` without `offerActionTypeId`."""


class Offer(TenantScoped, Base):
    """An offer made on an application. The candidate accepts it, then completes the new-starter
    (onboarding) form; downstream systems mark it processed, each per offer action type."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_tenant_accepted_form", "tenant_id", "accepted_at", "form_completed_at"),)

    application_id: Mapped[int] = ref("applications.id", index=True)
    parent_offer_id: Mapped[int | None] = ref("offers.id", nullable=True)
    status: Mapped[str] = mapped_column(String(64))
    offer_made_at: Mapped[datetime | None]
    start_date: Mapped[datetime | None]
    end_date: Mapped[datetime | None]
    probation_end_date: Mapped[datetime | None]
    hours_per_week: Mapped[float | None]
    hours_per_month: Mapped[float | None]
    comments: Mapped[str | None] = mapped_column(Text)
    pay_scale_id: Mapped[str | None] = mapped_column(String(100))
    accepted_at: Mapped[datetime | None]
    form_completed_at: Mapped[datetime | None]
    # New-starter form answers: [{"question": "...", "answer": ...}, ...].
    onboarding_answers: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class OfferProcessing(Base):
    """An offer marked processed for one offer action type (0 = the default, no action type)."""

    __tablename__ = "offer_processings"

    offer_id: Mapped[int] = mapped_column(BigId, ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True)
    action_type_id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    processed_at: Mapped[datetime]
