from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped, ref


class PortalSession(TenantScoped, Base):
    """A candidate's portal session in one browser: the cookie holds a random token, the row only its SHA-256.
    It ends (the row goes) when the candidate signs out, opens a mailed link again (the same or another), or has
    their data erased; past `expires_at` it opens nothing."""

    __tablename__ = "portal_sessions"
    __table_args__ = (Index("ix_portal_sessions_applicant", "applicant_id", "tenant_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    applicant_id: Mapped[int] = ref("applicants.id")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
