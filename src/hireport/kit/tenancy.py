"""Tenancy in one place: every query for tenant data goes through these helpers with the `Caller`.

A caller bound to tenant A never sees a row of tenant B: a row of another tenant is simply not found.
Work that spans tenants by design (a credential looked up by its secret, the delivery worker's outbox)
says so by calling `across_tenants`. An import-linter contract (tests/contracts.py) keeps every other
module from selecting, updating or deleting tenant rows itself.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Delete, Select, Update, bindparam, delete, select, update
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.errors import NotFound
from hireport.models.base import TenantScoped
from hireport.models.tenant import Tenant

T = TypeVar("T", bound=TenantScoped)


def scoped(model: type[T], caller: Caller) -> Select[tuple[T]]:
    """`SELECT model WHERE tenant_id = caller's tenant`; add filters to it, never remove this one."""
    return in_tenant(model, caller.require_tenant())


TENANT = "tenant"


def prepared(model: type[TenantScoped], *columns: Any,
             joins: Iterable[tuple[type[TenantScoped], ColumnElement[bool]]] = ()) -> Select[Any]:
    """`SELECT columns FROM model [JOIN other ON ...] WHERE each table's tenant_id = :tenant`, built once and
    run many times with `bound(caller, ...)`: SQLAlchemy refuses to run it without a `tenant`."""
    stmt = select(*columns).select_from(model).where(model.tenant_id == bindparam(TENANT))
    for other, on in joins:
        stmt = stmt.join(other, on).where(other.tenant_id == bindparam(TENANT))
    return stmt


def prepared_update(model: type[TenantScoped]) -> Update:
    """`UPDATE model ... WHERE tenant_id = :tenant`, built once and run with `bound(caller, ...)`."""
    return update(model).where(model.tenant_id == bindparam(TENANT))


def bound(caller: Caller, **params: Any) -> dict[str, Any]:
    """The parameters of a `prepared` statement for the caller's tenant."""
    return {TENANT: caller.require_tenant(), **params}


def in_tenant(model: type[T], tenant_id: int) -> Select[tuple[T]]:
    """The rows of one tenant, for a rule that reads a row's neighbours (its tenant is the row's own)."""
    return select(model).where(model.tenant_id == tenant_id)


def scoped_update(model: type[T], caller: Caller) -> Update:
    """`UPDATE model ... WHERE tenant_id = caller's tenant`; add the row's conditions and values."""
    return update(model).where(model.tenant_id == caller.require_tenant())


def scoped_delete(model: type[T], caller: Caller) -> Delete:
    """`DELETE FROM model WHERE tenant_id = caller's tenant`; add the rows' conditions."""
    return delete(model).where(model.tenant_id == caller.require_tenant())


def across_tenants(model: type[T]) -> Select[tuple[T]]:
    """Every tenant's rows: only for work that spans tenants by design, never for a caller's records."""
    return select(model)


def update_across_tenants(model: type[T]) -> Update:
    """An update of any tenant's rows: only for work that spans tenants by design (the outbox)."""
    return update(model)


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


def lock_tenant(session: Session, caller: Caller) -> None:
    """Hold the caller's tenant row until the transaction ends: the work of one tenant that must not run twice
    at once (matching or creating a person by e-mail, say) runs one at a time. SQLite's writes are one at a
    time already."""
    session.execute(select(Tenant.id).where(Tenant.id == caller.require_tenant()).with_for_update())
