"""Run the migrations from code: `hireport db upgrade`, start-up, and the tests."""

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def check(url: str) -> None:
    """Raise if the models differ from the migrations (alembic check)."""
    command.check(alembic_config(url))
