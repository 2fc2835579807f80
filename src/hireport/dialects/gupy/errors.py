"""Gupy's error shape for every refusal: `{"title", "detail", "status"}`."""

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from hireport.kit.errors import DomainError

TITLES = {400: "Validation Error", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          409: "Conflict", 429: "Too Many Requests"}


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, headers: dict[str, str]) -> None:
        super().__init__(message)
        self.headers = headers


def error_response(status: int, detail: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"title": TITLES.get(status, "Error"), "detail": detail, "status": status},
                        status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        detail = exc.message
        if exc.details:
            detail += " (" + "; ".join(f"{d.get('field')}: {d.get('message')}" for d in exc.details) + ")"
        return error_response(exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(".".join(str(p) for p in e["loc"] if p not in ("body", "query", "path")) + ": " + e["msg"]
                             for e in exc.errors())
        return error_response(400, problems)

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), exc.headers)
