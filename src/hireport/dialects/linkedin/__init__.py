"""The LinkedIn dialect: the ATS partner-integration API at `/v2`: so far, the Provisioning API. Its tokens
come from the token service's LinkedIn endpoints (`/oauth/v2/accessToken`)."""

from hireport.dialects.linkedin import errors, provisioning
from hireport.dialects.linkedin.scopes import SPECS
from hireport.kit.dialect import Dialect
from hireport.kit.web import access_token_caller

DESCRIPTION = """
LinkedIn-compatible **ATS partner integration** API (Rest.li conventions). So far: the **Provisioning API**.

**Authentication.** `Authorization: Bearer <token>`, a two-legged token from `POST /oauth/v2/accessToken`.
A partner's parent app (a client of the partner holding `LinkedIn.Provisioning`) provisions, finds and
changes its customers' apps; any other token is a 403 (`Not enough permissions to access: ...`).

**Provisioning** (`/v2/provisionedApplications`):
* `POST` `{"uniqueForeignId", "name", "description", "validJsSdkDomains", "oauth2AuthorizedCallbackUrls",
  "tenantId"}` creates an app for the customer `tenantId` (hireport's field: the tenant the app serves) and
  answers 201 `{"credentials": {"client_id", "client_secret"}, "key": "urn:li:developerApplication:N"}`, the
  key also in `x-restli-id`. The secret is shown this once. `name` at most 50 characters and without
  "LinkedIn"; `description` required; `uniqueForeignId` unique among the partner's apps (409); each of
  `validJsSdkDomains` an origin (`https://host[:port]`, no path, no trailing slash); callback URLs exact,
  https (http only to a loopback host). The app's credentials get a token for its customer, and no access
  to the customer's data until the customer enables an integration.
* `GET ?q=credentialsByUniqueForeignId&uniqueForeignId=X` answers `{"elements": [...], "paging"}` with the app
  (its `client_id`, never its secret), or none.
* `POST /v2/provisionedApplications/{key}` with `{"patch": {"$set": {...}}}` changes `name`, `description`,
  `validJsSdkDomains` or `oauth2AuthorizedCallbackUrls` (204); the key raw or percent-encoded.

**Errors**: `{"message", "serviceErrorCode", "status"}` (`serviceErrorCode` 65600 for a bad token, 100 for
missing permissions, else the status).
"""

VOCABULARY = {"name": "name", "description": "description", "widget_origins": "validJsSdkDomains",
              "callback_urls": "oauth2AuthorizedCallbackUrls", "redirect_uris": "oauth2AuthorizedCallbackUrls",
              "foreign_id": "uniqueForeignId", "tenant_id": "tenantId"}

DIALECT = Dialect(
    name="linkedin", title="hireport: LinkedIn ATS partner integration", prefix="/v2",
    routers=(provisioning.router,), render=errors.render, error_model=errors.ErrorBody, description=DESCRIPTION,
    authenticate=access_token_caller, scopes=SPECS, vocabulary=VOCABULARY,
    security_schemes={"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                 "description": "A two-legged token from `/oauth/v2/accessToken`"}},
)
