"""Gupy's error shape for every refusal: `{"title", "detail", "status"}`."""

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from hireport.kit.dialect import Problem

TITLES = {400: "Validation Error", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          408: "Request Timeout", 409: "Conflict", 413: "Payload Too Large", 414: "URI Too Long",
          429: "Too Many Requests", 431: "Request Header Fields Too Large", 500: "Internal Server Error"}


class ErrorBody(BaseModel):
    title: str
    detail: str
    status: int


def render(problem: Problem) -> Response:
    body = {"title": TITLES.get(problem.status, "Error"), "detail": problem.summary(), "status": problem.status}
    return JSONResponse(body, status_code=problem.status, headers=problem.headers)
