"""Settings, read from `HIREPORT_*` environment variables, with embedded defaults.

The default is the embedded deployment: a SQLite file inside the data directory (`./.hireport`).
Point `HIREPORT_DATABASE_URL` at PostgreSQL (`postgresql+psycopg://user:pass@host/db`) to scale out.
"""

from enum import StrEnum
from functools import cached_property
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class LogFormat(StrEnum):
    json = "json"
    console = "console"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HIREPORT_", extra="ignore")

    data_dir: Path = Path(".hireport")
    database_url: str | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    token_lifetime: int = 300
    log_format: LogFormat = LogFormat.json
    log_level: str = "INFO"

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hireport.db').resolve()}"

    @property
    def issuer(self) -> str:
        return self.public_base_url.rstrip("/")

    @property
    def audience(self) -> str:
        """The `aud` claim of access tokens, IdentityServer's `{issuer}/resources`."""
        return f"{self.issuer}/resources"

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"
