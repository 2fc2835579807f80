"""The token service's error shape, RFC 6749's: `{"error", "error_description"}`. Also the shape of
anything at the root that no other dialect claims (`/healthz`, unknown paths)."""

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from hireport.kit.dialect import Problem

VOCABULARY = {"instance_id": "instanceId"}  # the token form's field for the tenant asked for (IdentityServer's)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_CODES = {400: "invalid_request", 401: "invalid_client", 500: "server_error"}


class ErrorBody(BaseModel):
    error: str
    error_description: str


def render(problem: Problem) -> Response:
    body = {"error": _CODES.get(problem.status, problem.code), "error_description": problem.summary()}
    return JSONResponse(body, status_code=problem.status, headers={**NO_STORE, **problem.headers})
