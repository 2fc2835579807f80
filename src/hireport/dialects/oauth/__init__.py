"""The token service, IdentityServer style, at the root: `/connect/token` and discovery."""

from hireport.dialects.oauth import endpoints, errors
from hireport.kit.dialect import Dialect

DESCRIPTION = """
The token service: `POST /connect/token` exchanges client credentials (HTTP Basic or form fields
`client_id`/`client_secret`) for an RS256 access token bound to a tenant (`instanceId`), with the scopes
asked for (space-separated `scope`, default: every scope of the client). Discovery and the signing keys
are at IdentityServer's paths. Every refusal is an RFC 6749 error body; a wrong secret sent with HTTP
Basic answers 401 with `WWW-Authenticate`.
"""

DIALECT = Dialect(
    name="oauth", title="hireport token service", prefix="", docs_prefix="/connect", routers=(endpoints.router,),
    render=errors.render, error_model=errors.ErrorBody, description=DESCRIPTION,
)
