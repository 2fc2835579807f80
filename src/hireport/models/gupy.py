from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped


class ApiToken(TenantScoped, Base):
    """A long-lived bearer token of one tenant, as Gupy issues them: limited to the endpoints chosen at
    creation, stored as a SHA-256 digest, shown once, revocable."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_tenant", "tenant_id", "id"),)

    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]]
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class CareerPage(TenantScoped, Base):
    """A tenant's careers site, where published jobs appear."""

    __tablename__ = "career_pages"
    __table_args__ = (Index("ix_career_pages_tenant", "tenant_id", "id"),)

    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]


class EmailTemplate(TenantScoped, Base):
    """An e-mail template: subject and body with placeholders, rendered in a sandbox for each candidate."""

    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
