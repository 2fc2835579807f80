"""Who may call each operation of the LinkedIn dialect (the door has checked the two-legged token from
`/oauth/v2/accessToken` before the body is read: `kit.web.access_token_caller`)."""

from collections.abc import Awaitable, Callable

from fastapi import Request

from hireport.kit.auth import Caller
from hireport.kit.errors import Forbidden
from hireport.kit.web import caller_of


def parent_app(scope: str, operation: str) -> Callable[..., Awaitable[Caller]]:
    """A partner's parent app holding `scope`; anything else (a customer app's token) is LinkedIn's 403."""

    async def dependency(request: Request) -> Caller:
        caller = caller_of(request)
        if caller.partner_id is None or caller.tenant_id is not None or scope not in caller.scopes:
            raise Forbidden(f"Not enough permissions to access: {operation}")
        return caller

    dependency.__name__ = "linkedin_" + scope.replace(".", "_")
    return dependency
