"""LinkedIn's error shape for every refusal: `{"message", "serviceErrorCode", "status"}`.

LinkedIn documents `serviceErrorCode` 65600 for an invalid access token and 100 for missing permissions;
for the other statuses hireport repeats the status (its decision: LinkedIn publishes no table of codes)."""

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from hireport.kit.dialect import Problem

SERVICE_ERROR_CODES = {401: 65600, 403: 100}


class ErrorBody(BaseModel):
    message: str
    serviceErrorCode: int
    status: int


def render(problem: Problem) -> Response:
    body = {"message": problem.summary(), "serviceErrorCode": SERVICE_ERROR_CODES.get(problem.status, problem.status),
            "status": problem.status}
    return JSONResponse(body, status_code=problem.status, headers=problem.headers)
