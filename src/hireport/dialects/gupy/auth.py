"""Who calls the Gupy dialect: an API token (Gupy's long-lived bearer tokens) or a JWT from the token
service (checked by the door before the body is read), each limited to its endpoints; and how often
(a per-token rate limit, with Gupy's headers)."""

from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from hireport.kit.auth import Caller
from hireport.kit.errors import DomainError, Forbidden, Unauthenticated
from hireport.kit.ratelimit import Limiter
from hireport.kit.runtime import Runtime
from hireport.kit.secrets import hash_secret
from hireport.kit.web import caller_of
from hireport.services import api_tokens


class GupySettings(BaseSettings):
    """`HIREPORT_GUPY_RATE_LIMIT`: requests per API token (a `limits` rate string), counted by each process
    alone, or by all together when HIREPORT_REDIS_URL is set."""

    model_config = SettingsConfigDict(env_prefix="HIREPORT_GUPY_", extra="ignore")

    rate_limit: str = "600/minute"


LIMITER = "gupy.limiter"


def setup(rt: Runtime) -> None:
    rt.state[LIMITER] = Limiter(GupySettings().rate_limit, rt.rate_limits, namespace="gupy")


def endpoint(scope: str) -> Callable[..., Awaitable[Caller]]:
    """403 for a token not enabled for this endpoint, 429 past the rate limit. Every answer carries the
    rate-limit headers."""

    async def dependency(request: Request, response: Response) -> Caller:
        caller = caller_of(request)
        limiter: Limiter = request.app.state.runtime.state[LIMITER]
        headers = limiter.hit(caller.client_id) if limiter.in_memory else await run_in_threadpool(
            limiter.hit, caller.client_id)
        if scope not in caller.scopes:
            raise Forbidden(f"this token is not enabled for this endpoint (it needs {scope})")
        response.headers.update(headers)
        return caller

    dependency.__name__ = "gupy_" + scope.replace(".", "_")
    return dependency


async def authenticate(rt: Runtime, headers: Headers) -> Caller:
    """401 without a token; 403 for an invalid or revoked one."""
    authorization = headers.get("authorization")
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if not authorization or scheme.lower() != "bearer" or not token:
        raise Unauthenticated("send the token as 'Authorization: Bearer <token>'")
    if token.count(".") == 2:  # a JWT from the token service
        try:
            return await rt.tokens.admit(token)
        except DomainError as exc:
            raise Forbidden(exc.message) from exc
    key = ("api-token", hash_secret(token))
    caller: Caller | None = rt.confirmed.get(key)
    if caller is None:
        caller = await run_in_threadpool(_lookup, rt, token)
        if caller is None:
            raise Forbidden("invalid or revoked token")
        rt.confirmed.add(key, caller)
    return caller


def _lookup(rt: Runtime, token: str) -> Caller | None:
    with rt.db.transaction(write=False) as session:
        return api_tokens.authenticate(session, token)
