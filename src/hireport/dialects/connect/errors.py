"""Connect's error shape for every refusal: `{"exceptionType", "errorMessage"}` (the exception types are
hireport's names, after the Java exceptions such an API reports)."""

from pydantic import BaseModel
from starlette.responses import JSONResponse, Response

from hireport.kit.dialect import Problem

TYPES = {400: "BadRequestException", 401: "UnauthorizedException", 403: "ForbiddenException",
         404: "NotFoundException", 405: "MethodNotAllowedException", 409: "ConflictException",
         413: "PayloadTooLargeException", 415: "UnsupportedMediaTypeException", 429: "TooManyRequestsException",
         431: "RequestHeaderFieldsTooLargeException", 500: "InternalServerErrorException"}


class ErrorBody(BaseModel):
    exceptionType: str
    errorMessage: str


def render(problem: Problem) -> Response:
    body = {"exceptionType": TYPES.get(problem.status, "Exception"), "errorMessage": problem.summary()}
    return JSONResponse(body, status_code=problem.status, headers=problem.headers)
