from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, BigId, enum_column


class IntegrationStatus(StrEnum):
    """Where an integration's onboarding stands; the allowed moves live in `services.integrations`."""

    requested = "requested"        # the customer's admin asked for it (in the partner's configuration plugin)
    partner_ready = "partner_ready"  # the partner set it up; the customer's admin has yet to switch it on
    enabled = "enabled"            # in use: the partner's app holds what the integration grants


class Integration(Base):
    """One kind of integration (a product the partner offers, named by the dialect) between a partner's
    app and the customer (tenant) it serves, with its onboarding status, the name the partner gives it,
    and its settings (configuration key -> value)."""

    __tablename__ = "integrations"
    __table_args__ = (UniqueConstraint("app_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("partner_apps.id", ondelete="CASCADE"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[IntegrationStatus] = enum_column(IntegrationStatus)
    name: Mapped[str | None] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]]
    requested_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime]
    enabled_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
