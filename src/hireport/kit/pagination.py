"""Keyset paging by id: `?limit=&cursor=`; the cost of a page does not grow with the table."""

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select
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
        try:
            after = int(cursor)
        except ValueError as exc:
            raise InvalidInput("cursor is not one this API returned", field="cursor") from exc
        stmt = stmt.where(id_column > after)
    rows = list(session.scalars(stmt.order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=str(rows[-1].id) if more else None)  # type: ignore[attr-defined]
