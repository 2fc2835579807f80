"""Keyset paging by id: `?limit=&cursor=`; the cost of a page does not grow with the table."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from hireport.kit.errors import InvalidInput

T = TypeVar("T")

MAX_LIMIT = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def keyset_page(session: Session, stmt: Select[tuple[T]], id_column: InstrumentedAttribute[int], *, limit: int,
                cursor: str | None) -> Page[T]:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if cursor:
        after = int(cursor) if cursor.isascii() and cursor.isdigit() else -1
        if not 0 <= after < 2**63:  # an id: the same refusal on every database
            raise InvalidInput("cursor is not one this API returned", field="cursor")
        stmt = stmt.where(id_column > after)
    rows = list(session.scalars(stmt.order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=str(rows[-1].id) if more else None)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class NumberedPage(Generic[T]):
    items: list[T]
    page: int
    page_size: int
    total: int


def check_page(page: int, page_size: int, max_page_size: int = MAX_LIMIT) -> None:
    if page < 1:
        raise InvalidInput("page starts at 1", field="page")
    if not 1 <= page_size <= max_page_size:
        raise InvalidInput(f"{{page_size}} must be between 1 and {max_page_size}", field="page_size")


def numbered_page(session: Session, stmt: Select[Any], order_by: Any, *, page: int, page_size: int,
                  max_page_size: int = MAX_LIMIT) -> NumberedPage[Any]:
    """`?page=&pageSize=` paging with a total count (the count reads only the rows that match)."""
    check_page(page, page_size, max_page_size)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    ordering = order_by if isinstance(order_by, tuple) else (order_by,)
    rows = list(session.execute(stmt.order_by(*ordering).offset((page - 1) * page_size).limit(page_size)))
    items = [row[0] if len(row) == 1 else tuple(row) for row in rows]
    return NumberedPage(items=items, page=page, page_size=page_size, total=total)
