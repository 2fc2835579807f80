from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, BigId, enum_column, ref


class Role(StrEnum):
    """What a person may do in a tenant: read (viewer), also run recruitment (recruiter), also manage the
    tenant's integrations (admin)."""

    admin = "admin"
    recruiter = "recruiter"
    viewer = "viewer"


class Account(Base):
    """A person who signs in: one account across tenants, a role in each through `Membership`. The
    password is kept only as an argon2id hash."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # kept lower-case
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]


class Membership(Base):
    """An account's role in a tenant."""

    __tablename__ = "memberships"

    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    role: Mapped[Role] = enum_column(Role)
    created_at: Mapped[datetime]


class BrowserSession(Base):
    """A signed-in browser: the cookie holds a random token, the row only its SHA-256. It ends when revoked
    (sign-out, password reset), when idle too long, or at its absolute expiry, whichever comes first."""

    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = ref("accounts.id", index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class PasswordReset(Base):
    """A single-use password-reset token (only its SHA-256 is kept), mailed to the account's address."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = ref("accounts.id", index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AuthorizationCode(Base):
    """An OAuth authorization code (only its SHA-256 is kept): single use, short-lived, bound to its client,
    redirect URI, person, tenant, scopes and PKCE challenge (S256)."""

    __tablename__ = "authorization_codes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[int] = ref("accounts.id", index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[list[str]]
    code_challenge: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class RefreshToken(Base):
    """A refresh token (only its SHA-256 is kept). Each use rotates it: the used one is marked, a new one of
    the same `family` issued. A used token presented again revokes its whole family."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_family", "family"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[int] = ref("accounts.id", index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    scopes: Mapped[list[str]]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
