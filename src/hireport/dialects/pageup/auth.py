"""Who calls the PageUp dialect: a token from `/connect/token` (checked by the door before the body is
read), with each endpoint's scope, for the tenant in the path."""

from collections.abc import Awaitable, Callable

from fastapi import Path, Request

from hireport.kit.auth import Caller
from hireport.kit.errors import Forbidden
from hireport.kit.web import caller_of

TENANT_MAX = 2**31 - 1


def hire(scope: str, *alternatives: str, partner: bool = False) -> Callable[..., Awaitable[Caller]]:
    """403 without `scope` (or one of `alternatives`), without the partner_id claim when `partner` is
    asked for, or when the path's tenant is not the token's."""

    async def dependency(request: Request, tenant_id: int = Path(alias="tenantId", ge=1, le=TENANT_MAX)) -> Caller:
        caller = caller_of(request)
        if not any(s in caller.scopes for s in alternatives):
            caller.require_scopes(scope)
        if partner:
            caller.require_partner()
        if caller.require_tenant() != tenant_id:
            raise Forbidden(f"the access token is for tenant {caller.tenant_id}, not tenant {tenant_id}")
        return caller

    dependency.__name__ = "hire_" + scope.replace(".", "_")
    return dependency
