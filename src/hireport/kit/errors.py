"""Domain errors raised by services; each dialect renders them once, in its vendor's error shape.

    DomainError
    ├── InvalidInput        400: a parameter or body breaks a rule
    ├── Unauthenticated     401: no credential, or a bad, malformed or expired one
    ├── Forbidden           403: a valid credential that may not do this
    ├── NotFound            404: no such row for this caller
    └── Conflict            409: the row exists, or its state forbids the change
        └── InvalidTransition  409: a state machine refuses the move
"""

from typing import Any


class DomainError(Exception):
    status_code = 500
    code = "error"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


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


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"
