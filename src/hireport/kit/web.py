"""FastAPI glue shared by the dialects: the runtime, the per-request session, the caller the door
authenticated, and the one set of error handlers that renders every error in its dialect's shape.

Use the session as `Depends(db_session, scope="function")`: it then commits before the response is
sent, so a failed commit is an error response, never a success the database does not hold.

A hop from the event loop to the threadpool costs about 0.2 ms on these machines, so the dependencies
are async and do no blocking I/O: the session connects lazily inside the (sync) endpoint's thread, and
only its commit takes a second hop (none for a read on SQLite, whose end waits for nothing). The hot
paths skip all this: they are async endpoints that run their work with `Database.read`/`write` (one hop
at most; see `hireport.kit.db`).
"""

from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote

import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response

from hireport.kit.auth import Caller, bearer_token
from hireport.kit.dialect import Dialect, Problem
from hireport.kit.errors import BY_STATUS, DomainError, InvalidInput, Unauthenticated
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
    write = request.method not in SAFE_METHODS
    session = db.session(write=write)
    try:
        yield session
    except BaseException:
        await run_in_threadpool(db.abort, session)
        raise
    if session.get_transaction() is None:
        session.close()  # never used: nothing to commit, no I/O
    elif db.is_sqlite and not write:
        db.finish(session)  # ending a read on SQLite waits for nothing: no hop
    else:
        await run_in_threadpool(db.finish, session)


async def access_token_caller(rt: Runtime, headers: Headers) -> Caller:
    """The `authenticate` of a dialect whose callers bring an access token of the token service: 401 without
    a valid one (signature, issuer, audience, expiry, revocation)."""
    return await rt.tokens.admit(bearer_token(headers.get("authorization")))


def caller_of(request: Request) -> Caller:
    """The caller the door authenticated for this request (see `hireport.kit.door`)."""
    caller: Caller | None = request.scope.get("state", {}).get("caller")
    if caller is None:
        raise Unauthenticated("this endpoint needs a credential")
    return caller


def dialect_of(request: Request) -> Dialect:
    dialect: Dialect = request.scope["state"]["dialect"]
    return dialect


def request_id_of(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


def _said(error: Any) -> dict[str, str | None]:
    """One of a request's validation errors, as a person reads it: the field, in the wire's words, and what is
    wrong with it (a body that is missing altogether is said so, rather than as a nameless missing field)."""
    field = ".".join(str(p) for p in error["loc"][1:]) or None
    if field is None and error["loc"][:1] == ("body",) and error["type"] == "missing":
        return {"field": None, "message": "the request has no body; send it as JSON (Content-Type: application/json)"}
    return {"field": field, "message": error["msg"]}


def install_error_handlers(app: FastAPI) -> None:
    """Every error, whichever dialect raised it, rendered once in the request's dialect's shape."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return dialect_of(request).respond(exc, request_id_of(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        # Field names come from the wire shapes, so they are already in the dialect's words.
        details = [_said(err) for err in exc.errors()]
        problem = Problem(400, "invalid_input", "The request is invalid.", details, {}, request_id_of(request))
        return dialect_of(request).render(problem)

    @app.exception_handler(ValidationError)
    async def _model(request: Request, exc: ValidationError) -> Response:
        # A service's input model refused what a dialect passed on: its fields are neutral, so spelled.
        details = [{"field": ".".join(str(p) for p in err["loc"]) or None, "message": err["msg"]}
                   for err in exc.errors()]
        return dialect_of(request).respond(InvalidInput("The request is invalid.", details=details),
                                           request_id_of(request))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        error = BY_STATUS.get(exc.status_code, DomainError)(str(exc.detail))
        error.headers.update(exc.headers or {})
        return dialect_of(request).respond(error, request_id_of(request))


class Json(Response):
    """Plain data serialised once, by orjson. An endpoint that answers with it declares its shape with
    `response_model=`, which then documents the answer without validating it a second time."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


DbSession = Annotated[Session, Depends(db_session, scope="function")]
RuntimeDep = Annotated[Runtime, Depends(runtime)]


def content_disposition(file_name: str) -> str:
    """`attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266 / RFC 5987)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in file_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name)}"
