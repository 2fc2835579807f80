"""The token service, IdentityServer style, at the root: `/connect/token`, `/connect/revocation` and
discovery; and LinkedIn's token endpoints, `/oauth/v2/accessToken` and `/oauth/v2/introspectToken`."""

from hireport.dialects.oauth import endpoints, errors, linkedin
from hireport.kit.dialect import Dialect

DESCRIPTION = """
The token service: `POST /connect/token` exchanges client credentials (HTTP Basic or form fields
`client_id`/`client_secret`) for an RS256 access token bound to a tenant (`instanceId`), with the scopes
asked for (space-separated `scope`, default: every scope of the client). Discovery and the signing keys
are at IdentityServer's paths. Every refusal is an RFC 6749 error body; a wrong secret sent with HTTP
Basic answers 401 with `WWW-Authenticate`.

Applications that people authorize (clients registered with redirect URIs) send the person to the
`authorization_endpoint` (`/account/authorize`: `response_type=code`, `client_id`, `redirect_uri`, `scope`,
`state`, `code_challenge` with `code_challenge_method=S256`; all but `scope` required). The person signs in,
chooses a tenant and consents; the application gets a code, valid once for 60 seconds, and exchanges it
here (`grant_type=authorization_code` with `code`, `redirect_uri` and `code_verifier`) for an access token
on the person's behalf (`sub`: their account, `instanceid`: the tenant they chose) and a refresh token.
`grant_type=refresh_token` returns new tokens and a new refresh token; the used one stops working, and
presented again it revokes every refresh token of its family. `POST /connect/revocation` (RFC 7009)
revokes a refresh token and its family.

LinkedIn's two-legged tokens: `POST /oauth/v2/accessToken` (form `grant_type=client_credentials`, `client_id`,
`client_secret`) answers `{"access_token", "expires_in": 1800}`. A partner's client (a parent app) gets a
token bound to no tenant, which opens no tenant's data; a tenant's client (a customer app) a token for its
tenant. `POST /oauth/v2/introspectToken` (form `token`, `client_id`, `client_secret`) tells an app how one of
its own tokens stands: `active`, `status` (`active` or `expired`), `created_at`, `expires_at`.
"""

DIALECT = Dialect(
    name="oauth", title="hireport token service", prefix="", docs_prefix="/connect",
    paths=("/connect/token", "/.well-known/openid-configuration", "/oauth/v2/accessToken"),
    routers=(endpoints.router, linkedin.router), render=errors.render, error_model=errors.ErrorBody,
    vocabulary=errors.VOCABULARY,
    description=DESCRIPTION,
)
