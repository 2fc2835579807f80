from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped


class ApiToken(TenantScoped, Base):
    """A long-lived bearer token of one tenant: limited to the scopes (endpoints) chosen at creation,
    stored as a SHA-256 digest, shown once, revocable."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_tenant", "tenant_id", "id"),)

    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]]
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
