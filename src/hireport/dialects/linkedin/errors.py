"""LinkedIn's error shape for every refusal: `{"message", "serviceErrorCode", "status"}`.

LinkedIn documents `serviceErrorCode` 65600 for an invalid access token and 100 for missing permissions;
for the other statuses hireport repeats the status (its decision: LinkedIn publishes no table of codes).
A refused token is said in the seed's (003) words: expired, or invalid (whatever else is wrong with it)."""

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from hireport.kit.dialect import Problem
from hireport.kit.errors import TokenExpired

SERVICE_ERROR_CODES = {401: 65600, 403: 100}


class ErrorBody(BaseModel):
    message: str
    serviceErrorCode: int
    status: int


EXPIRED, INVALID = "The token used in the request has expired", "Invalid access token"


def render(problem: Problem) -> Response:
    """The APIs' errors: a refused access token in the seed's words."""
    message = problem.summary()
    if problem.status == 401:
        message = EXPIRED if problem.code == TokenExpired.code else INVALID
    return _body(problem, message)


def render_plugin(problem: Problem) -> Response:
    """The configuration plugin's errors: its own messages (it takes a sign-in grant, not an access token)."""
    return _body(problem, problem.summary())


def _body(problem: Problem, message: str) -> Response:
    body = {"message": message, "serviceErrorCode": SERVICE_ERROR_CODES.get(problem.status, problem.status),
            "status": problem.status}
    return JSONResponse(body, status_code=problem.status, headers=problem.headers)
