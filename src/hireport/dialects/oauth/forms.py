"""The forms the token service reads (`application/x-www-form-urlencoded`), with RFC 6749's rules, and how
the API docs declare them."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote_plus

from fastapi import Request
from starlette.datastructures import FormData

from hireport.services.identity import GrantError, TokenRequestError
from hireport.settings import Settings

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FIELDS = 1000  # as Starlette allows
# No field is longer than its form, whose body the door holds to HIREPORT_MAX_JSON_BYTES (this is its default);
# a longer value than any credential is refused by what it names (an unknown token or client), as RFC 6749 asks.
MAX_VALUE = Settings.model_fields["max_json_bytes"].default


def form_body(fields: dict[str, dict[str, Any]], *, required: Sequence[str] = ()) -> dict[str, Any]:
    """The `openapi_extra` that documents a route's form (its fields, name -> JSON schema): the route reads the
    form itself (`read_form`), so the API docs have it only from here."""
    schema: dict[str, Any] = {"type": "object", "properties": fields}
    if required:
        schema["required"] = list(required)
    return {"requestBody": {"required": True, "content": {FORM_TYPE: {"schema": schema}}}}


def text(description: str, **schema: Any) -> dict[str, Any]:
    """A form field's schema: a string (no longer than the form: `MAX_VALUE`)."""
    return {"type": "string", "description": description, "maxLength": MAX_VALUE, **schema}


async def read_form(request: Request) -> FormData:
    """The form, read as Starlette reads one (each name and value percent-decoded as UTF-8, other bytes as
    Latin-1) but without its streaming parser, which cost more than the rest of the form handling."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise TokenRequestError(GrantError.invalid_request, f"the request body must be {FORM_TYPE}")
    fields = (await request.body()).decode("latin-1").split("&")
    if len(fields) > MAX_FIELDS:
        raise TokenRequestError(GrantError.invalid_request, f"the form has more than {MAX_FIELDS} fields")
    return FormData([(unquote_plus(name), unquote_plus(value))
                     for name, _, value in (pair.partition("=") for pair in fields if pair)])


def field(form: FormData, name: str) -> str | None:
    """A form field by name, matched case-insensitively (PageUp clients send instanceId or instanceid)."""
    for key, value in form.multi_items():
        if key.lower() == name and isinstance(value, str):
            return value
    return None


def param(form: FormData, name: str) -> str | None:
    """A parameter by its exact name, refused when repeated (RFC 6749 3.2: none is sent more than once)."""
    values = form.getlist(name)
    if len(values) > 1:
        raise TokenRequestError(GrantError.invalid_request, f"{name} is given more than once")
    return values[0] if values and isinstance(values[0], str) else None
