"""The token service, IdentityServer style: `POST /connect/token` (client credentials; for applications
people authorize, the authorization code with PKCE and refresh tokens), `POST /connect/revocation`
(RFC 7009), and discovery. The authorization endpoint, where people consent, is a page of the account
dialect (`/account/authorize`).

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
from starlette.responses import Response

from hireport.dialects.oauth.errors import NO_STORE, VOCABULARY
from hireport.dialects.oauth.forms import field, form_body, param, read_form, text
from hireport.kit import scopes
from hireport.kit.dialect import said
from hireport.kit.web import RuntimeDep
from hireport.services import authorization, identity
from hireport.services.authorization import PersonGrant
from hireport.services.identity import GrantError, TokenGrant, TokenRequestError

router = APIRouter(tags=["token service"])

GRANT_TYPES = ("client_credentials", "authorization_code", "refresh_token")
_ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
_BASIC_401 = {"description": "A wrong client secret sent with HTTP Basic (RFC 6749 5.2)", "content": _ERROR_CONTENT}
_CLIENT = {"client_id": text("The client's id (or the HTTP Basic user)"),
           "client_secret": text("The client's secret (or the HTTP Basic password, not both)")}
TOKEN_FORM = form_body({
    "grant_type": text("The grant", enum=list(GRANT_TYPES)),
    **_CLIENT,
    "scope": text("client_credentials and refresh_token: the scopes asked for, space-separated (default: all the "
                  "client's, or the refresh token's)"),
    "instanceId": text("client_credentials: the tenant the token is for (also `instanceid`); a tenant's client may "
                       "leave it out, a partner's client names a tenant that uses the partner"),
    "code": text("authorization_code: the code the person's consent gave"),
    "redirect_uri": text("authorization_code: the redirect URI the code was asked for with"),
    "code_verifier": text("authorization_code: the PKCE verifier of the code's S256 challenge"),
    "refresh_token": text("refresh_token: the refresh token"),
}, required=["grant_type"])
REVOCATION_FORM = form_body({
    "token": text("The refresh token to revoke"),
    "token_type_hint": text("Not needed (RFC 7009): accepted and not read"),
    **_CLIENT,
}, required=["token"])


@router.post("/connect/token", summary="Access token (public endpoint)", responses={401: _BASIC_401},
             openapi_extra=TOKEN_FORM)
async def token(request: Request, rt: RuntimeDep) -> JSONResponse:
    """`grant_type=client_credentials`: a 300-second RS256 access token bound to a tenant (`instanceId`).
    `authorization_code` (`code`, `redirect_uri`, `code_verifier`) and `refresh_token` (`refresh_token`,
    optional narrower `scope`): a client that people authorized gets an access token on the person's behalf
    (`sub`: their account) for the tenant they chose, and a refresh token; each refresh token works once and
    comes back replaced, and one presented again revokes every token of its family."""
    basic = _basic_credentials(request)
    try:
        form = await read_form(request)
        client_id, client_secret = _client_credentials(form, basic)
        grant_type = param(form, "grant_type")
        if not grant_type:
            raise TokenRequestError(GrantError.invalid_request, "grant_type is required")
        if grant_type == "client_credentials":
            scope, instance_id = field(form, "scope"), field(form, "instanceid")
            claims = await rt.db.read(lambda reader: identity.client_credentials(
                reader, client_id=client_id, client_secret=client_secret, scope=scope, instance_id=instance_id))
            access_token, _ = await rt.tokens.issue_off_loop(claims)
            grant: TokenGrant = TokenGrant(access_token=access_token, expires_in=claims.lifetime,
                                           scopes=claims.scopes)
        elif grant_type == "authorization_code":
            grant = await run_in_threadpool(
                authorization.exchange_code, rt.db, rt.tokens, client_id=client_id, client_secret=client_secret,
                code=param(form, "code"), redirect_uri=param(form, "redirect_uri"),
                code_verifier=param(form, "code_verifier"), clock=rt.clock,
            )
        elif grant_type == "refresh_token":
            grant = await run_in_threadpool(
                authorization.refresh, rt.db, rt.tokens, client_id=client_id, client_secret=client_secret,
                refresh_token=param(form, "refresh_token"), scope=param(form, "scope"), clock=rt.clock,
            )
        else:
            raise TokenRequestError(GrantError.unsupported_grant_type,
                                    f"grant_type {grant_type[:100]!r} is not supported; use {', '.join(GRANT_TYPES)}")
    except TokenRequestError as exc:
        return _error(exc, basic_auth=basic is not None)
    body = {"access_token": grant.access_token, "expires_in": grant.expires_in, "token_type": "Bearer",
            "scope": " ".join(grant.scopes)}
    if isinstance(grant, PersonGrant):
        body["refresh_token"] = grant.refresh_token
    return JSONResponse(body, headers=NO_STORE)


@router.post("/connect/revocation", summary="Revoke a refresh token (RFC 7009; public endpoint)",
             response_class=Response,
             responses={200: {"description": "Revoked, or not a token this client holds: the answer is the same",
                              "content": None},
                        401: _BASIC_401},
             openapi_extra=REVOCATION_FORM)
async def revocation(request: Request, rt: RuntimeDep) -> Response:
    """Revoke a refresh token (`token`; `token_type_hint` is not needed) and every token of its family. The
    client authenticates as at `/connect/token`. A token it does not hold is answered 200 like any other;
    access tokens are not kept, so they are not revoked: they run out within their lifetime."""
    basic = _basic_credentials(request)
    try:
        form = await read_form(request)
        client_id, client_secret = _client_credentials(form, basic)
        await run_in_threadpool(authorization.revoke, rt.db, client_id=client_id, client_secret=client_secret,
                                token=param(form, "token"), clock=rt.clock)
    except TokenRequestError as exc:
        return _error(exc, basic_auth=basic is not None)
    return Response(status_code=200, headers=NO_STORE)


@router.get("/.well-known/openid-configuration", summary="Discovery document (public endpoint)")
def discovery(rt: RuntimeDep) -> dict[str, Any]:
    issuer = rt.settings.issuer
    return {
        "issuer": issuer,
        "jwks_uri": f"{issuer}/.well-known/openid-configuration/jwks",
        "authorization_endpoint": f"{issuer}/account/authorize",  # the consent page (the account dialect's)
        "token_endpoint": f"{issuer}/connect/token",
        "revocation_endpoint": f"{issuer}/connect/revocation",
        "grant_types_supported": list(GRANT_TYPES),
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "scopes_supported": scopes.known(),
        "claims_supported": ["sub", "client_id", "scope", "instanceid", "partner_id"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
    }


@router.get("/.well-known/openid-configuration/jwks", summary="Token signing keys (public endpoint)")
def jwks(rt: RuntimeDep) -> dict[str, Any]:
    return rt.tokens.jwks


def _client_credentials(form: FormData, basic: tuple[str, str] | None) -> tuple[str, str]:
    form_id, form_secret = field(form, "client_id"), field(form, "client_secret")
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
    return JSONResponse({"error": exc.error.value, "error_description": said(exc.message, VOCABULARY)},
                        status_code=status, headers=headers)
