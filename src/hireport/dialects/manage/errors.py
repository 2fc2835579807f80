"""The management API's one error shape: `{"error": {"code", "message", "details"}}`."""

from typing import Any

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from hireport.kit.dialect import Problem


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]]


class ErrorBody(BaseModel):
    error: ErrorDetail


def render(problem: Problem) -> Response:
    body = {"error": {"code": problem.code, "message": problem.message, "details": problem.details}}
    return JSONResponse(body, status_code=problem.status, headers=problem.headers)
