"""Operator authentication: `Authorization: Bearer hro_...`, checked by the door (before the body is
read) against stored SHA-256 hashes.

A credential or tenant confirmed in the last few seconds is not looked up again (see `RecentlyConfirmed`).
"""

from typing import Annotated

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from hireport.kit.auth import Caller, bearer_token
from hireport.kit.errors import Unauthenticated
from hireport.kit.runtime import Runtime
from hireport.kit.secrets import hash_secret
from hireport.kit.web import RuntimeDep, caller_of
from hireport.services import identity

TENANT_MAX = 2**31 - 1


async def authenticate(rt: Runtime, headers: Headers) -> Caller:
    secret = bearer_token(headers.get("authorization"))
    key = ("operator", hash_secret(secret))
    if key not in rt.confirmed:
        if not await run_in_threadpool(_operator_exists, rt, secret):
            raise Unauthenticated("unknown or revoked operator credential")
        rt.confirmed.add(key)
    return Caller.operator()


async def operator(request: Request) -> Caller:
    return caller_of(request)


async def operator_for_tenant(rt: RuntimeDep, _: Annotated[Caller, Depends(operator)],
                              tenant_id: Annotated[int, Path(ge=1, le=TENANT_MAX)]) -> Caller:
    """The operator acting on one tenant, which must exist."""
    key = ("tenant", tenant_id)
    if key not in rt.confirmed:
        await run_in_threadpool(_tenant_exists, rt, tenant_id)
        rt.confirmed.add(key)
    return Caller.operator(tenant_id)


def _operator_exists(rt: Runtime, secret: str) -> bool:
    with rt.db.transaction(write=False) as session:
        return identity.operator_exists(session, secret)


def _tenant_exists(rt: Runtime, tenant_id: int) -> None:
    with rt.db.transaction(write=False) as session:
        identity.get_tenant(session, tenant_id)


Operator = Annotated[Caller, Depends(operator)]
OnTenant = Annotated[Caller, Depends(operator_for_tenant)]
