"""People: accounts that sign in, and their role in each tenant."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from hireport.dialects.manage.auth import Operator
from hireport.dialects.manage.schemas import Cursor, Limit, PageOf
from hireport.kit.bounds import Id32, RowId
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import Role
from hireport.services import accounts

router = APIRouter(tags=["people"])

Email = Annotated[str, Field(min_length=3, max_length=320)]
Password = Annotated[str, Field(min_length=accounts.PASSWORD_MIN, max_length=accounts.PASSWORD_MAX)]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    display_name: Annotated[str, Field(min_length=1, max_length=200)]
    password: Password


class MembershipRead(BaseModel):
    tenant_id: int
    role: Role


class AccountRead(BaseModel):
    id: int
    email: str
    display_name: str
    created_at: datetime
    memberships: list[MembershipRead]


class MembershipSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role


class MemberRead(BaseModel):
    account_id: int
    email: str
    display_name: str
    role: Role


def _read(session: DbSession, account_id: int) -> AccountRead:
    account = accounts.get(session, account_id)
    return AccountRead(id=account.id, email=account.email, display_name=account.display_name,
                       created_at=account.created_at,
                       memberships=[MembershipRead(tenant_id=t.id, role=r)
                                    for t, r in accounts.memberships(session, account.id)])


@router.post("/accounts", status_code=status.HTTP_201_CREATED)
def create_account(body: AccountCreate, session: DbSession, rt: RuntimeDep, _: Operator) -> AccountRead:
    """An account for a person (no role anywhere until a tenant makes it a member). The password is kept
    only as an argon2id hash."""
    account = accounts.create(session, email=body.email, display_name=body.display_name, password=body.password,
                              clock=rt.clock)
    return _read(session, account.id)


@router.get("/accounts/{account_id}")
def get_account(account_id: RowId, session: DbSession, _: Operator) -> AccountRead:
    return _read(session, account_id)


@router.get("/tenants/{tenant_id}/members")
def list_members(tenant_id: Id32, session: DbSession, _: Operator, limit: Limit = 50,
                 cursor: Cursor = None) -> PageOf[MemberRead]:
    """The tenant's members, by account id."""
    page = accounts.members_page(session, tenant_id, limit=limit, cursor=cursor)
    return PageOf(items=[MemberRead(account_id=a.id, email=a.email, display_name=a.display_name, role=role)
                         for a, role in page.items], next_cursor=page.next_cursor)


@router.put("/tenants/{tenant_id}/members/{account_id}")
def set_member(tenant_id: Id32, account_id: RowId, body: MembershipSet, session: DbSession, rt: RuntimeDep,
               _: Operator) -> MembershipRead:
    """Give the account this role in the tenant (or change the one it has)."""
    membership = accounts.add_member(session, accounts.get(session, account_id), tenant_id=tenant_id,
                                     role=body.role, clock=rt.clock)
    return MembershipRead(tenant_id=membership.tenant_id, role=membership.role)


@router.delete("/tenants/{tenant_id}/members/{account_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_member(tenant_id: Id32, account_id: RowId, session: DbSession, _: Operator) -> None:
    """The account no longer works in the tenant (its sessions go on for its other tenants)."""
    accounts.remove_member(session, account_id=account_id, tenant_id=tenant_id)
