from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, TenantScoped, enum_column, ref


class EmailTemplate(TenantScoped, Base):
    """An e-mail template: subject and body with placeholders, rendered in a sandbox for each candidate."""

    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class MessageStatus(StrEnum):
    queued = "queued"  # waiting for its (next) attempt
    sending = "sending"  # claimed by a worker until `lease_until`
    sent = "sent"
    failed = "failed"  # gave up after the last attempt


class Message(TenantScoped, Base):
    """An e-mail to a candidate (or to a person with an account): written in the request's transaction (the
    outbox), sent after commit by a delivery worker. `message_id` (RFC 5322 Message-ID) stays the same across
    retries, so a receiver can drop a duplicate if a worker dies between the SMTP server's acceptance and
    recording it."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_due", "next_attempt_at", "id", sqlite_where=text("status IN ('queued', 'sending')"),
              postgresql_where=text("status IN ('queued', 'sending')")),
        Index("ix_messages_application", "application_id", "tenant_id"),
        Index("ix_messages_template", "template_id", "tenant_id"),
    )

    application_id: Mapped[int | None] = ref("applications.id", nullable=True)  # none: mail to a person (a reset)
    template_id: Mapped[int | None] = ref("email_templates.id", nullable=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    from_address: Mapped[str] = mapped_column(String(320))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[MessageStatus] = enum_column(MessageStatus)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
