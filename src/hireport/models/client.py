from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base


class OAuthClient(Base):
    """A client of one tenant, or of one partner (for the tenants that use it): a machine with client
    credentials, or, with redirect URIs, an application that people authorize (authorization code + PKCE)."""

    __tablename__ = "oauth_clients"
    __table_args__ = (
        CheckConstraint("(tenant_id IS NULL) <> (partner_id IS NULL)", name="tenant_xor_partner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(100), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    scopes: Mapped[list[str]]
    # set: a client that people authorize (authorization-code grant), redirected only to these exact URIs
    redirect_uris: Mapped[list[str]] = mapped_column(default=list)
    token_lifetime: Mapped[int]
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class OperatorCredential(Base):
    """A credential for the management API. Only its SHA-256 is stored; the secret is shown once."""

    __tablename__ = "operator_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SigningKeyRow(Base):
    """An RS256 key that signs access tokens; kept in the database so every process shares it, sealed with
    the key-encryption key that is kept outside it (`hireport.kit.keys.KeyEncryptionKey`)."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(100), primary_key=True)
    sealed_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
