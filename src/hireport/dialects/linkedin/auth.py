"""Who calls the LinkedIn dialect: a two-legged token from `/oauth/v2/accessToken` (checked by the door
before the body is read), allowed per operation."""

from collections.abc import Awaitable, Callable

from fastapi import Request
from starlette.datastructures import Headers

from hireport.kit.auth import Caller, bearer_token
from hireport.kit.errors import Forbidden
from hireport.kit.runtime import Runtime
from hireport.kit.web import caller_of


async def authenticate(rt: Runtime, headers: Headers) -> Caller:
    """401 without a valid access token (signature, issuer, audience, expiry)."""
    return await rt.tokens.admit(bearer_token(headers.get("authorization")))


def parent_app(scope: str, operation: str) -> Callable[..., Awaitable[Caller]]:
    """A partner's parent app holding `scope`; anything else (a customer app's token) is LinkedIn's 403."""

    async def dependency(request: Request) -> Caller:
        caller = caller_of(request)
        if caller.partner_id is None or caller.tenant_id is not None or scope not in caller.scopes:
            raise Forbidden(f"Not enough permissions to access: {operation}")
        return caller

    dependency.__name__ = "linkedin_" + scope.replace(".", "_")
    return dependency
