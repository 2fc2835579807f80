"""Alembic environment: the URL comes from the Alembic config, else from hireport's settings."""

from alembic import context
from sqlalchemy import Connection

from hireport.kit.db import make_engine
from hireport.models import Base
from hireport.settings import Settings

config = context.config
target_metadata = Base.metadata


def _migrate(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Settings().resolved_database_url
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _migrate(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("hireport migrations run online only")
run()
