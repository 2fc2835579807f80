from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, BigId, TenantScoped, ref

DEFAULT_ACTION_TYPE = 0
"""The offer action type of `POST /offers/{id}/process` without `offerActionTypeId`: kept on the offer
itself (`processed_at`), so the export loop's "not yet processed" query reads a small partial index."""


class Offer(TenantScoped, Base):
    """An offer made on an application. The candidate accepts it, then completes the new-starter
    (onboarding) form; downstream systems mark it processed, each per offer action type."""

    __tablename__ = "offers"
    __table_args__ = (
        Index("ix_offers_tenant", "tenant_id", "id"),
        Index("ix_offers_application", "application_id", "tenant_id"),
        # The offers the default export has not processed yet: open offers only, however large the table.
        Index("ix_offers_unprocessed", "tenant_id", "id", sqlite_where=text("processed_at IS NULL"),
              postgresql_where=text("processed_at IS NULL")),
    )

    application_id: Mapped[int] = ref("applications.id")
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
    declined_at: Mapped[datetime | None]
    form_completed_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    # New-starter form answers: [{"question": "...", "answer": ...}, ...].
    onboarding_answers: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    # The new starter's saved draft of that form, by question id, until they submit it.
    onboarding_draft: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class OfferProcessing(Base):
    """An offer marked processed for one offer action type (1 and up; the default is `Offer.processed_at`)."""

    __tablename__ = "offer_processings"

    offer_id: Mapped[int] = mapped_column(BigId, ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True)
    action_type_id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    processed_at: Mapped[datetime]

    __table_args__ = (Index("ix_offer_processings_tenant_type", "tenant_id", "action_type_id", "offer_id"),)
