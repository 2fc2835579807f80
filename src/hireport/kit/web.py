"""FastAPI glue shared by the dialects: the runtime, the per-request session, the bearer caller.

Use the session as `Depends(db_session, scope="function")`: it then commits before the response is
sent, so a failed commit is an error response, never a success the database does not hold.

A hop from the event loop to the threadpool costs about 0.2 ms on these machines, so the dependencies
are async and do no blocking I/O: the session connects lazily inside the (sync) endpoint's thread, and
only its commit takes a second hop.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from hireport.kit.auth import Caller, bearer_token
from hireport.kit.runtime import Runtime

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def runtime(request: Request) -> Runtime:
    """The app's runtime (async: no I/O, so no hop to the threadpool)."""
    return _runtime(request)


def _runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


async def db_session(request: Request) -> AsyncIterator[Session]:
    db = _runtime(request).db
    session = db.session(write=request.method not in SAFE_METHODS)
    try:
        yield session
    except BaseException:
        await run_in_threadpool(db.abort, session)
        raise
    if session.get_transaction() is None:
        session.close()  # never used: nothing to commit, no I/O
    else:
        await run_in_threadpool(db.finish, session)


def bearer_caller(request: Request) -> Caller:
    """The caller of an access token from the token service (signature, expiry, audience checked)."""
    return _runtime(request).tokens.verify(bearer_token(request.headers.get("authorization")))


def requires(*scopes: str) -> Callable[[Request], Awaitable[Caller]]:
    """A dependency that authenticates the bearer token and demands every one of `scopes`."""

    async def dependency(request: Request) -> Caller:
        # Verifying an RS256 signature is a few tens of microseconds of CPU: cheaper inline than a thread hop.
        caller = bearer_caller(request)
        caller.require_scopes(*scopes)
        return caller

    dependency.__name__ = "requires_" + "_".join(s.replace(".", "_") for s in scopes)
    return dependency


DbSession = Annotated[Session, Depends(db_session, scope="function")]
RuntimeDep = Annotated[Runtime, Depends(runtime)]


def content_disposition(file_name: str) -> str:
    """`attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / RFC 5987)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in file_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name)}"
