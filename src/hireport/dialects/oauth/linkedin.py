"""LinkedIn's OAuth 2.0 endpoints (`/oauth/v2/...`): two-legged tokens for apps, and their introspection.

An app here is a client: a partner's client is a parent app (its token is bound to no tenant: it manages
its customers' apps), a tenant's client is a customer app (its token is bound to that tenant). Tokens are
hireport's RS256 access tokens, valid for LinkedIn's 30 minutes. Refusals are RFC 6749 error bodies: a wrong
client secret (or an unknown client) is a 401, as LinkedIn answers it.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.datastructures import FormData

from hireport.dialects.oauth.errors import NO_STORE
from hireport.dialects.oauth.forms import form_body, param, read_form, text
from hireport.kit.dialect import PUBLIC
from hireport.kit.web import RuntimeDep
from hireport.services import identity
from hireport.services.identity import GrantError, TokenRequestError

router = APIRouter(prefix="/oauth/v2", tags=["LinkedIn OAuth 2.0"])

TOKEN_SECONDS = 1800  # LinkedIn's two-legged tokens live 30 minutes
STATUSES = ("active", "expired")  # of LinkedIn's words for a token's state, those a two-legged token can have
_ERRORS: dict[int | str, dict[str, Any]] = {status: {"description": text, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
           for status, text in ((400, "A missing or invalid field, or a token this server did not give this client"),
                                (401, "Unknown client, or wrong client secret"))}


_APP = {"client_id": text("The app's client id"), "client_secret": text("The app's client secret")}
TOKEN_FORM = form_body({"grant_type": text("The grant", enum=["client_credentials"]), **_APP},
                       required=["grant_type", "client_id", "client_secret"])
INTROSPECTION_FORM = form_body({"token": text("One of the app's own access tokens"), **_APP},
                               required=["token", "client_id", "client_secret"])


class AccessToken(BaseModel):
    access_token: str
    expires_in: Annotated[int, Field(description="Seconds the token is valid: 1800")]


class Introspection(BaseModel):
    active: bool
    client_id: str
    authorized_at: Annotated[int, Field(description="When the token was issued (epoch seconds)")]
    created_at: Annotated[int, Field(description="When the token was issued (epoch seconds)")]
    expires_at: Annotated[int, Field(description="When the token expires (epoch seconds)")]
    status: Annotated[str | None, Field(description="active or expired")]
    auth_type: Annotated[str, Field(description="2L: a two-legged (client credentials) token")]
    scope: Annotated[str, Field(description="The token's scopes, comma-separated")]


@router.post("/accessToken", summary="Two-legged access token (public endpoint)",
             openapi_extra={**PUBLIC, **TOKEN_FORM}, response_model=AccessToken, responses=_ERRORS)
async def access_token(request: Request, rt: RuntimeDep) -> JSONResponse:
    """Form fields `grant_type=client_credentials`, `client_id` and `client_secret`. A parent (partner) app's
    token acts for no tenant; a customer app's token for its tenant; either carries every scope of the app."""
    try:
        form = await read_form(request)
        grant_type = param(form, "grant_type")
        if grant_type != "client_credentials":
            raise TokenRequestError(GrantError.unsupported_grant_type if grant_type else GrantError.invalid_request,
                                    "grant_type must be client_credentials")
        client_id, client_secret = _credentials(form)
        claims = await rt.db.read(lambda reader: identity.app_credentials(
            reader, client_id=client_id, client_secret=client_secret, lifetime=TOKEN_SECONDS))
    except TokenRequestError as exc:
        return _refusal(exc)
    token, _ = await rt.tokens.issue_off_loop(claims)
    return JSONResponse({"access_token": token, "expires_in": TOKEN_SECONDS}, headers=NO_STORE)


@router.post("/introspectToken", summary="How an access token stands (public endpoint)",
             openapi_extra={**PUBLIC, **INTROSPECTION_FORM}, response_model=Introspection, responses=_ERRORS)
async def introspect_token(request: Request, rt: RuntimeDep) -> JSONResponse:
    """Form fields `token`, `client_id` and `client_secret`: one of the app's own tokens. An expired token is
    answered with `active: false` and `status: expired`; a revoked app cannot authenticate (401)."""
    try:
        form = await read_form(request)
        token = param(form, "token")
        if not token:
            raise TokenRequestError(GrantError.invalid_request, "token is required")
        client_id, client_secret = _credentials(form)
        state = await rt.db.read(lambda reader: identity.introspect(
            reader, rt.tokens, client_id=client_id, client_secret=client_secret, token=token))
    except TokenRequestError as exc:
        return _refusal(exc)
    caller = state.caller
    return JSONResponse({"active": state.active, "client_id": caller.client_id, "authorized_at": state.issued,
                         "created_at": state.issued, "expires_at": state.expires,
                         "status": state.status if state.status in STATUSES else None, "auth_type": "2L",
                         "scope": ",".join(sorted(caller.scopes))}, headers=NO_STORE)


def _credentials(form: FormData) -> tuple[str, str]:
    client_id, client_secret = param(form, "client_id"), param(form, "client_secret")
    if not client_id:
        raise TokenRequestError(GrantError.invalid_request, "client_id is required")
    if not client_secret:
        raise TokenRequestError(GrantError.invalid_client, "client_secret is required")
    return client_id, client_secret


def _refusal(exc: TokenRequestError) -> JSONResponse:
    status = 401 if exc.error == GrantError.invalid_client else 400
    return JSONResponse({"error": exc.error.value, "error_description": exc.message}, status_code=status,
                        headers=NO_STORE)
