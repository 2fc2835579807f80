"""Settings, read from `HIREPORT_*` environment variables, with embedded defaults.

The default is the embedded deployment: a SQLite file inside the data directory (`./.hireport`).
Point `HIREPORT_DATABASE_URL` at PostgreSQL (`postgresql+psycopg://user:pass@host/db`) to scale out.
"""

from enum import StrEnum
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LogFormat(StrEnum):
    json = "json"
    console = "console"


class SmtpTls(StrEnum):
    none = "none"
    starttls = "starttls"
    tls = "tls"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HIREPORT_", extra="ignore")

    data_dir: Path = Path(".hireport")
    database_url: str | None = None
    # Where `hireport serve` listens, and the URL clients use (token issuer, links); it follows the host and
    # port unless set.
    host: str = "127.0.0.1"
    port: int = 8000
    # Seconds `hireport serve` waits for requests in flight when told to stop, before it ends them.
    shutdown_grace: int = 10
    # What clients can make the server hold (see `hireport.server` and `hireport.kit.body`). A request head
    # (request line and headers) must arrive within `header_timeout` seconds, and an idle keep-alive connection
    # is closed after as long; a body may pause for at most `body_idle_timeout` seconds between two reads and
    # must be complete within `body_timeout` seconds; each process holds at most `max_connections` connections
    # at once (a connection counts from its first byte to its close; further ones wait, unread, in the backlog).
    header_timeout: float = Field(10.0, gt=0, le=60)
    body_idle_timeout: float = Field(30.0, gt=0)
    body_timeout: float = Field(600.0, gt=0)
    max_connections: int = Field(1024, ge=1)
    public_base_url: str | None = None
    token_lifetime: int = 300
    # The key that seals the token-signing keys at rest (32 random bytes, base64url). Unset: a file
    # `secret.key` in the data directory, made on first start with owner-only permissions. Set it when
    # processes on several machines share one PostgreSQL.
    secret_key: str | None = None
    # Redis, for what several processes must share: rate-limit counters, and cache invalidation (see
    # `hireport.kit.invalidation`). Unset: counters per process, and other processes see a change within
    # their caches' own time bounds.
    redis_url: str | None = None
    log_format: LogFormat = LogFormat.json
    log_level: str = "INFO"

    # Mail. Without an SMTP host (the embedded default) each mail is written as an .eml file in the data
    # directory's `outbox/`.
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_tls: SmtpTls = SmtpTls.none
    smtp_username: str | None = None
    smtp_password: str | None = None
    mail_from: str = "recruiting@hireport.localhost"
    mail_noreply: str = "no-reply@hireport.localhost"
    # Delivery worker: how often it looks for due mail, and the first retry delay (doubling, with jitter).
    delivery_interval: float = 1.0
    delivery_retry_base: float = 5.0
    delivery_max_attempts: int = 10
    run_delivery_worker: bool = True  # `hireport serve` runs the worker in-process unless this is false

    # The largest request bodies: JSON and forms, and documents (uploads), refused before they are read.
    max_json_bytes: int = 1024 * 1024
    max_document_bytes: int = 25 * 1024 * 1024

    # People. A browser session ends after `session_idle` seconds without a request, and `session_lifetime`
    # seconds after sign-in at the latest. Sign-in attempts are limited per account and per client address
    # (`limits`' notation: "5/minute", "10 per 5 minutes").
    session_idle: int = 30 * 60
    session_lifetime: int = 12 * 3600
    signin_limit_account: str = "5/minute"
    signin_limit_address: str = "30/minute"

    # Candidates. The forms of careers pages and the candidate portal (applying, asking for a link, every change
    # in the portal) are limited per client address; each file a candidate uploads is limited in size.
    candidate_form_limit: str = "20/minute"
    candidate_file_bytes: int = 5 * 1024 * 1024

    @property
    def secure_cookies(self) -> bool:
        """Cookies are `Secure` when people reach hireport over https."""
        return self.issuer.startswith("https://")

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hireport.db').resolve()}"

    @property
    def issuer(self) -> str:
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104 (a comparison)
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.port}"

    @property
    def audience(self) -> str:
        """The `aud` claim of access tokens, IdentityServer's `{issuer}/resources`."""
        return f"{self.issuer}/resources"

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"
