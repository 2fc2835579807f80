"""Who calls Connect (the door has checked the access token before the body is read): in client mode a
client holding `Connect.Recruitment.Client`; in user mode an application acting for a signed-in person
(a token with `sub`) holding `Connect.Recruitment.User`. Every caller is rate limited (429, Retry-After)."""

from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.concurrency import run_in_threadpool

from hireport.kit.auth import Caller
from hireport.kit.errors import Forbidden
from hireport.kit.ratelimit import Limiter
from hireport.kit.runtime import Runtime
from hireport.kit.web import caller_of


class ConnectSettings(BaseSettings):
    """`HIREPORT_CONNECT_RATE_LIMIT`: requests per client (a `limits` rate string)."""

    model_config = SettingsConfigDict(env_prefix="HIREPORT_CONNECT_", extra="ignore")

    rate_limit: str = "300/minute"


LIMITER = "connect.limiter"


def setup(rt: Runtime) -> None:
    rt.state[LIMITER] = Limiter(ConnectSettings().rate_limit, rt.rate_limits, namespace="connect")


def mode(scope: str, *, person: bool) -> Callable[..., Awaitable[Caller]]:
    async def dependency(request: Request, response: Response) -> Caller:
        caller = caller_of(request)
        limiter: Limiter = request.app.state.runtime.state[LIMITER]
        headers = limiter.hit(caller.client_id) if limiter.in_memory else await run_in_threadpool(
            limiter.hit, caller.client_id)
        caller.require_tenant()
        caller.require_scopes(scope)
        if person and caller.account_id is None:
            raise Forbidden("this endpoint acts for a signed-in user: use the authorization-code flow")
        response.headers.update(headers)
        return caller

    dependency.__name__ = "connect_" + scope.replace(".", "_")
    return dependency
