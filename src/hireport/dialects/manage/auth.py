"""Operator authentication: `Authorization: Bearer hro_...`, checked against stored SHA-256 hashes."""

from typing import Annotated

from fastapi import Depends, Request

from hireport.kit.auth import Caller, bearer_token
from hireport.kit.errors import Unauthenticated
from hireport.kit.web import DbSession
from hireport.services import identity


def operator(request: Request, session: DbSession) -> Caller:
    secret = bearer_token(request.headers.get("authorization"))
    if not identity.operator_exists(session, secret):
        raise Unauthenticated("unknown or revoked operator credential")
    return Caller.operator()


def operator_for_tenant(tenant_id: int, session: DbSession, _: Annotated[Caller, Depends(operator)]) -> Caller:
    """The operator acting on one tenant, which must exist."""
    identity.get_tenant(session, tenant_id)
    return Caller.operator(tenant_id)


Operator = Annotated[Caller, Depends(operator)]
OnTenant = Annotated[Caller, Depends(operator_for_tenant)]
