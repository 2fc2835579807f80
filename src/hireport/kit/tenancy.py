"""Tenancy in one place: every query for tenant data goes through these helpers with the `Caller`.

A caller bound to tenant A never sees a row of tenant B: a row of another tenant is simply not found.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.errors import NotFound
from hireport.models.base import TenantScoped

T = TypeVar("T", bound=TenantScoped)


def scoped(model: type[T], caller: Caller) -> Select[tuple[T]]:
    """`SELECT model WHERE tenant_id = caller's tenant`; add filters to it, never remove this one."""
    return select(model).where(model.tenant_id == caller.require_tenant())


def scoped_ids(model: type[T], caller: Caller, ids: Iterable[int]) -> Select[tuple[T]]:
    """The caller's rows with these ids, found by primary key. SQLite without statistics would rather walk
    every row of the tenant through an index that starts with `tenant_id`; written `tenant_id + 0`, the tenant
    test can use no index, which leaves the planner the primary key. (Same rows, same rule as `scoped`.)"""
    return select(model).where(model.id.in_(list(ids)), model.tenant_id + 0 == caller.require_tenant())


def get_scoped(session: Session, model: type[T], caller: Caller, row_id: Any, *, what: str = "") -> T:
    row = session.scalars(scoped(model, caller).where(model.id == row_id)).one_or_none()
    if row is None:
        raise NotFound(f"{what or model.__name__} {row_id} not found")
    return row
