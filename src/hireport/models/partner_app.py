from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base


class PartnerApp(Base):
    """An app a partner provisions for one of its customers (a tenant): its own client credentials (a client
    of that tenant), the web origins its embedded widgets may run on, and its OAuth callback URLs. The
    partner knows it by its own key (`foreign_id`, unique per partner)."""

    __tablename__ = "partner_apps"
    __table_args__ = (UniqueConstraint("partner_id", "foreign_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    oauth_client_id: Mapped[int] = mapped_column(ForeignKey("oauth_clients.id", ondelete="CASCADE"), unique=True)
    foreign_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(String(1000))
    widget_origins: Mapped[list[str]]
    callback_urls: Mapped[list[str]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
