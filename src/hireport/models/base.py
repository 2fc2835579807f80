"""Declarative base: naming convention, UTC timestamps on every backend, JSON columns, tenancy mixin."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, Enum, ForeignKey, Integer, MetaData, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on PostgreSQL and SQLite alike (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], datetime | None]:
        """`process_result_value` after the driver's own conversion, in one call per value: every row read
        goes through here."""
        parse = self.impl_instance.dialect_impl(dialect).result_processor(dialect, coltype)
        if parse is None:
            return lambda value: None if value is None else value.astimezone(UTC)

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            found = (_utc_text(value) if isinstance(value, str) else None) or parse(value)
            return None if found is None else found if found.tzinfo is UTC else found.replace(tzinfo=UTC)

        return process


def _utc_text(value: str) -> datetime | None:
    """SQLite's naive text read as UTC in one step (2.4-3.7x faster than parsing, then replacing the zone);
    None for a form `fromisoformat` does not read, which the driver's parser then decides."""
    try:
        return datetime.fromisoformat(value + "+00:00")
    except ValueError:
        return None


JSONType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets 64-bit ids.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        date: Date(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
        list[str]: JSONType,
        list[dict[str, Any]]: JSONType,
    }


class TenantScoped:
    """A row that belongs to one tenant. Query it only through `hireport.kit.tenancy`.

    `tenant_id` has no index of its own: each table indexes it together with the columns it is queried
    by, so that a planner without statistics (SQLite before ANALYZE) never prefers walking every row of
    the tenant to a precise lookup."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))


def enum_column(enum: type[StrEnum]) -> Any:
    """A closed set stored as its string values (VARCHAR, no database enum type), read back as the enum."""
    return mapped_column(Enum(enum, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]))


def ref(target: str, *, nullable: bool = False, index: bool = False) -> Any:
    """A foreign key to another row's 64-bit id, deleted with it."""
    return mapped_column(BigId, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=index)
