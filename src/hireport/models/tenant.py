from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base


class Tenant(Base):
    """An organisation. Integer ids, as recruitment APIs address their customers (e.g. 218)."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class PartnerKind(StrEnum):
    """What a partner does for the tenants that use it: runs their background checks, or, as an ATS, provisions
    apps for them, its customers (an ATS partner integration)."""

    background_check = "background_check"
    ats = "ats"


class Partner(Base):
    """A third party that serves many tenants, e.g. a background-check provider (`code` = `bg`)."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime]


class TenantPartner(Base):
    """A tenant uses a partner: only then may the partner's clients get tokens for that tenant."""

    __tablename__ = "tenant_partners"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime]
