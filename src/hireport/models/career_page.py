from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped


class CareerPage(TenantScoped, Base):
    """A tenant's careers site, where published jobs appear."""

    __tablename__ = "career_pages"
    __table_args__ = (Index("ix_career_pages_tenant", "tenant_id", "id"),)

    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    # Branding: colours as #rrggbb, and a logo image kept in the document store.
    primary_color: Mapped[str | None] = mapped_column(String(7))
    accent_color: Mapped[str | None] = mapped_column(String(7))
    logo_key: Mapped[str | None] = mapped_column(String(255))
    logo_type: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime]
