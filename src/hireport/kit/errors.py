"""Domain errors raised by services and by the edge; each dialect renders them once, in its vendor's shape.

    DomainError
    ├── InvalidInput        400: a parameter or body breaks a rule
    ├── Unauthenticated     401: no credential, or a bad, malformed or expired one
    │   └── TokenExpired       401: an access token whose time is up
    ├── Forbidden           403: a valid credential that may not do this
    ├── NotFound            404: no such row for this caller
    ├── MethodNotAllowed    405: the path exists, the method does not
    ├── RequestTimeout      408: the body did not arrive in time
    ├── Conflict            409: the row exists, or its state forbids the change
    │   └── InvalidTransition  409: a state machine refuses the move
    ├── PayloadTooLarge     413: the body is above the route's limit (refused before it is read)
    ├── UriTooLong          414: the request's path and query are longer than the edge reads
    ├── UnsupportedMediaType 415: a body of a type the route does not read
    ├── RateLimited         429: too many requests for this credential
    ├── HeadersTooLarge     431: too many or too large request headers
    └── ServerError         500: a fault of hireport's (never a message from the fault itself)

Messages and fields speak the core's neutral words: a field is named as in the services (`num_vacancies`),
and a message names a field as `{num_vacancies}`. A dialect spells both in its vendor's words when it
renders the error (see `hireport.kit.dialect`).
"""

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    status_code = 500
    code = "error"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []
        self.headers = dict(headers or {})


class InvalidInput(DomainError):
    status_code = 400
    code = "invalid_input"

    def __init__(self, message: str, *, field: str | None = None, details: list[dict[str, Any]] | None = None):
        if field and not details:
            details = [{"field": field, "message": message}]
        super().__init__(message, details=details)


class Unauthenticated(DomainError):
    status_code = 401
    code = "unauthenticated"


class TokenExpired(Unauthenticated):
    code = "token_expired"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class MethodNotAllowed(DomainError):
    status_code = 405
    code = "method_not_allowed"


class RequestTimeout(DomainError):
    status_code = 408
    code = "request_timeout"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"


class UriTooLong(DomainError):
    status_code = 414
    code = "uri_too_long"


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"


class HeadersTooLarge(DomainError):
    status_code = 431
    code = "headers_too_large"


class ServerError(DomainError):
    status_code = 500
    code = "server_error"


BY_STATUS: dict[int, type[DomainError]] = {
    cls.status_code: cls for cls in (InvalidInput, Unauthenticated, Forbidden, NotFound, MethodNotAllowed,
                                     RequestTimeout, Conflict, PayloadTooLarge, UriTooLong, UnsupportedMediaType,
                                     RateLimited, HeadersTooLarge, ServerError)
}
