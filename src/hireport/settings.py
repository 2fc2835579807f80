"""Settings, read from `HIREPORT_*` environment variables, with embedded defaults.

The default is the embedded deployment: a SQLite file inside the data directory (`./.hireport`).
Point `HIREPORT_DATABASE_URL` at PostgreSQL (`postgresql+psycopg://user:pass@host/db`) to scale out.

Every setting is checked when the settings are read (`from_environment`), values that are parsed later (a
rate, a URL, a key) included: a command refuses a bad one before it makes anything, with the variable's name.
"""

import logging
from email.errors import HeaderParseError
from email.headerregistry import Address
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
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
    port: int = Field(8000, ge=1, le=65535)
    # Seconds `hireport serve` waits for requests in flight when told to stop, before it ends them.
    shutdown_grace: int = Field(10, ge=0)
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
    token_lifetime: int = Field(300, ge=30, le=86_400)  # a new client's, in seconds (the bounds of any client's)
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
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_tls: SmtpTls = SmtpTls.none
    smtp_username: str | None = None
    smtp_password: str | None = None
    mail_from: str = "recruiting@hireport.localhost"
    mail_noreply: str = "no-reply@hireport.localhost"
    # Delivery worker: how often it looks for due mail, and the first retry delay (doubling, with jitter).
    delivery_interval: float = Field(1.0, gt=0)
    delivery_retry_base: float = Field(5.0, gt=0)
    delivery_max_attempts: int = Field(10, ge=1)
    run_delivery_worker: bool = True  # `hireport serve` runs the worker in-process unless this is false

    # The largest request bodies: JSON and forms, and documents (uploads), refused before they are read.
    max_json_bytes: int = Field(1024 * 1024, ge=1)
    max_document_bytes: int = Field(25 * 1024 * 1024, ge=1)

    # People. A browser session ends after `session_idle` seconds without a request, and `session_lifetime`
    # seconds after sign-in at the latest. Sign-in attempts are limited per account and per client address
    # (`limits`' notation: "5/minute", "10 per 5 minutes").
    session_idle: int = Field(30 * 60, ge=1)
    session_lifetime: int = Field(12 * 3600, ge=1)
    signin_limit_account: str = "5/minute"
    signin_limit_address: str = "30/minute"

    # Candidates. The forms of careers pages and the candidate portal (applying, asking for a link, every change
    # in the portal) are limited per client address; each file a candidate uploads is limited in size.
    candidate_form_limit: str = "20/minute"
    candidate_file_bytes: int = Field(5 * 1024 * 1024, ge=1)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, url: str | None) -> str | None:
        if url:  # what a check needs is imported when the setting is set: the defaults need nothing
            from sqlalchemy.engine import make_url
            from sqlalchemy.exc import ArgumentError

            try:
                make_url(url).get_dialect().import_dbapi()
            except (ArgumentError, ImportError):
                raise ValueError("must be a database URL with an installed driver, such as "
                                 "postgresql+psycopg://user:password@host/name or sqlite:///path/to/file.db") from None
        return url

    @field_validator("public_base_url")
    @classmethod
    def _public_base_url(cls, url: str | None) -> str | None:
        if url and not _web_address(url):
            raise ValueError("must be the http or https URL people reach hireport at, such as https://hire.example.com")
        return url

    @field_validator("secret_key")
    @classmethod
    def _secret_key(cls, key: str | None) -> str | None:
        if key:
            from hireport.kit.keys import KeyEncryptionKey

            try:
                KeyEncryptionKey.from_text(key)
            except ValueError:
                raise ValueError("must be 32 random bytes, base64url-encoded (43 characters)") from None
        return key

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, url: str | None) -> str | None:
        if url and urlsplit(url).scheme not in ("redis", "rediss"):
            raise ValueError("must be a redis:// or rediss:// URL")
        return url

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, level: str) -> str:
        if level.upper() not in logging.getLevelNamesMapping():
            raise ValueError(f"must be one of {', '.join(logging.getLevelNamesMapping())}")
        return level

    @field_validator("mail_from", "mail_noreply")
    @classmethod
    def _address(cls, address: str) -> str:
        try:
            Address(addr_spec=address)
        except (ValueError, IndexError, HeaderParseError):
            raise ValueError("must be an e-mail address, such as recruiting@example.com") from None
        return address

    @field_validator("signin_limit_account", "signin_limit_address", "candidate_form_limit")
    @classmethod
    def _rate(cls, rate: str) -> str:
        from limits import parse

        try:
            parse(rate)
        except ValueError:
            raise ValueError("must be a rate such as 5/minute or 10 per 5 minutes") from None
        return rate

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


def _web_address(url: str) -> bool:
    """An http or https URL with a host (and a port, if any, that is one), without a query or fragment."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # a bad one raises
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.query and not parts.fragment


SECRET = frozenset({"database_url", "redis_url", "secret_key", "smtp_password"})  # never repeated in a message
_SAYS = {  # what a check that failed says, by pydantic's error type
    "int_parsing": "must be an integer", "int_from_float": "must be an integer", "int_type": "must be an integer",
    "float_parsing": "must be a number", "float_type": "must be a number", "bool_parsing": "must be true or false",
    "greater_than": "must be greater than {gt}", "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}", "less_than_equal": "must be at most {le}",
    "enum": "must be {expected}", "value_error": "{error}",
}


class SettingsError(ValueError):
    """Settings that hireport cannot use: the message names each variable, what it takes, and what it got."""


def from_environment() -> Settings:
    """The settings of the `HIREPORT_*` variables, or SettingsError, which says in one line what is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError("; ".join(_explained(error) for error in exc.errors())) from None


def _explained(error: Any) -> str:
    name = str(error["loc"][0]) if error["loc"] else ""
    return f"HIREPORT_{name.upper()} {wrong_value(error, show=name not in SECRET)}"


def wrong_value(error: Any, *, show: bool = True) -> str:
    """What one of pydantic's errors (`ValidationError.errors()`) says of the value it refused, such as "must be
    an integer (got 'abc')": for the settings, and for the command line's arguments (typer checks them so)."""
    says = _SAYS.get(error["type"])
    what = says.format(**error.get("ctx", {})) if says else error["msg"].replace("Input should be", "must be")
    got = repr(error["input"])
    return f"{what} (got {got})" if show and got not in what else what
