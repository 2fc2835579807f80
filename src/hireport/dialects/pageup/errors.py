"""The one error shape of every PageUp endpoint: `{"Message", "Errors": [{"Field", "Message"}], "TraceId"}`."""

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from hireport.kit.errors import DomainError


def error_response(request: Request, status: int, message: str, errors: list[dict[str, Any]] | None = None,
                   headers: Mapping[str, str] | None = None) -> JSONResponse:
    items = [{"Field": e.get("field"), "Message": e.get("message", message)} for e in errors or []]
    body = {"Message": message, "Errors": items, "TraceId": request.scope.get("state", {}).get("request_id", "")}
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return error_response(request, exc.status_code, exc.message, exc.details, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": ".".join(str(p) for p in err["loc"] if p not in ("body", "query", "path")),
                   "message": err["msg"]} for err in exc.errors()]
        return error_response(request, 400, "The request is invalid.", errors)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        return error_response(request, exc.status_code, str(exc.detail), headers=exc.headers)
