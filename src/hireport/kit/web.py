"""FastAPI glue shared by the dialects: the runtime, the per-request session, the bearer caller.

Use the session as `Depends(db_session, scope="function")`: it then commits before the response is
sent, so a failed commit is an error response, never a success the database does not hold.
"""

from collections.abc import Callable, Iterator
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller, bearer_token
from hireport.kit.runtime import Runtime

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def db_session(request: Request) -> Iterator[Session]:
    with runtime(request).db.transaction(write=request.method not in SAFE_METHODS) as session:
        yield session


def bearer_caller(request: Request) -> Caller:
    """The caller of an access token from the token service (signature, expiry, audience checked)."""
    return runtime(request).tokens.verify(bearer_token(request.headers.get("authorization")))


def requires(*scopes: str) -> Callable[[Request], Caller]:
    """A dependency that authenticates the bearer token and demands every one of `scopes`."""

    def dependency(request: Request) -> Caller:
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
