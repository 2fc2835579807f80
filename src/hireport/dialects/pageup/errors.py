"""The one error shape of every PageUp endpoint: `{"Message", "Errors": [{"Field", "Message"}], "TraceId"}`."""

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from hireport.kit.dialect import Problem


class ErrorItem(BaseModel):
    Field: str | None
    Message: str


class ErrorBody(BaseModel):
    """PageUp's error body. `TraceId` is the request id (also in the `X-Request-ID` header)."""

    Message: str
    Errors: list[ErrorItem]
    TraceId: str


def render(problem: Problem) -> Response:
    items = [{"Field": d.get("field"), "Message": d.get("message", problem.message)} for d in problem.details]
    body = {"Message": problem.message, "Errors": items, "TraceId": problem.request_id}
    return JSONResponse(body, status_code=problem.status, headers=problem.headers)
