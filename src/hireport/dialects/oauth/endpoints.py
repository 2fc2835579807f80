"""The token service, IdentityServer style: `POST /connect/token` (client credentials) and discovery.

Every refusal is an RFC 6749 error body; a wrong secret sent with HTTP Basic answers 401.
"""

import base64
import binascii
from typing import Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from hireport.dialects.oauth.errors import NO_STORE
from hireport.kit import scopes
from hireport.kit.runtime import Runtime
from hireport.kit.web import RuntimeDep
from hireport.services import identity
from hireport.services.identity import GrantError, TokenGrant, TokenRequestError

router = APIRouter(tags=["token service"])

FORM_TYPE = "application/x-www-form-urlencoded"


@router.post("/connect/token", summary="Client-credentials access token (public endpoint)",
             responses={401: {"description": "A wrong client secret sent with HTTP Basic (RFC 6749 5.2)",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}})
async def token(request: Request, rt: RuntimeDep) -> JSONResponse:
    """Exchange client credentials for a 300-second RS256 access token bound to a tenant (`instanceId`)."""
    basic = _basic_credentials(request)
    try:
        form = await _form(request)
        client_id, client_secret = _client_credentials(form, basic)
        grant_type = form.get("grant_type")
        if not grant_type:
            raise TokenRequestError(GrantError.invalid_request, "grant_type is required")
        if grant_type != "client_credentials":
            raise TokenRequestError(GrantError.unsupported_grant_type,
                                    f"grant_type {grant_type!r} is not supported; use client_credentials")
        grant = await run_in_threadpool(
            _grant, rt, client_id=client_id, client_secret=client_secret,
            scope=_field(form, "scope"), instance_id=_field(form, "instanceid"),
        )
    except TokenRequestError as exc:
        return _error(exc, basic_auth=basic is not None)
    body = {"access_token": grant.access_token, "expires_in": grant.expires_in, "token_type": "Bearer",
            "scope": " ".join(grant.scopes)}
    return JSONResponse(body, headers=NO_STORE)


@router.get("/.well-known/openid-configuration", summary="Discovery document (public endpoint)")
def discovery(rt: RuntimeDep) -> dict[str, Any]:
    issuer = rt.settings.issuer
    return {
        "issuer": issuer,
        "jwks_uri": f"{issuer}/.well-known/openid-configuration/jwks",
        "token_endpoint": f"{issuer}/connect/token",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "scopes_supported": scopes.known(),
        "claims_supported": ["client_id", "scope", "instanceid", "partner_id"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
    }


@router.get("/.well-known/openid-configuration/jwks", summary="Token signing keys (public endpoint)")
def jwks(rt: RuntimeDep) -> dict[str, Any]:
    return rt.tokens.jwks


def _grant(rt: Runtime, **request: Any) -> TokenGrant:
    with rt.db.transaction(write=False) as session:
        return identity.grant_client_credentials(session, rt.tokens, **request)


async def _form(request: Request) -> FormData:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise TokenRequestError(GrantError.invalid_request, f"the request body must be {FORM_TYPE}")
    return await request.form()


def _field(form: FormData, name: str) -> str | None:
    """A form field by name, matched case-insensitively (PageUp clients send instanceId or instanceid)."""
    for key, value in form.multi_items():
        if key.lower() == name and isinstance(value, str):
            return value
    return None


def _client_credentials(form: FormData, basic: tuple[str, str] | None) -> tuple[str, str]:
    form_id, form_secret = _field(form, "client_id"), _field(form, "client_secret")
    if basic is not None:
        if form_secret:
            raise TokenRequestError(GrantError.invalid_request,
                                    "send the client secret either with HTTP Basic or in the form, not both")
        if form_id and form_id != basic[0]:
            raise TokenRequestError(GrantError.invalid_request, "client_id differs from the HTTP Basic user")
        return basic
    if not form_id:
        raise TokenRequestError(GrantError.invalid_request, "client_id is required")
    if not form_secret:
        raise TokenRequestError(GrantError.invalid_client, "client_secret is required")
    return form_id, form_secret


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")  # malformed: fails client authentication below
    client_id, _, secret = (unquote_plus(part) for part in decoded.partition(":"))
    if "\x00" in client_id + secret:
        return ("", "")  # no client has one
    return client_id, secret


def _error(exc: TokenRequestError, *, basic_auth: bool) -> JSONResponse:
    headers = dict(NO_STORE)
    status = 400
    if exc.error == GrantError.invalid_client and basic_auth:
        status = 401
        headers["WWW-Authenticate"] = 'Basic realm="hireport"'
    return JSONResponse({"error": exc.error.value, "error_description": exc.message}, status_code=status,
                        headers=headers)
