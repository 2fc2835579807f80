"""The LinkedIn dialect: the ATS partner-integration API at `/v2` (the Provisioning API and atsIntegrations),
atsIntegrations again at `/rest` (LinkedIn's versioned API, with a `LinkedIn-Version`), and the configuration
plugin at `/uas`. Its tokens come from the token service's LinkedIn endpoints (`/oauth/v2/accessToken`)."""

from hireport.dialects.linkedin import ats_integrations, errors, plugin, provisioning
from hireport.dialects.linkedin.scopes import SPECS
from hireport.kit.dialect import Dialect
from hireport.kit.web import access_token_caller

DESCRIPTION = """
LinkedIn-compatible **ATS partner integration** API (Rest.li conventions): the **Provisioning API** and
**atsIntegrations** (also at `/rest/atsIntegrations`, with a `LinkedIn-Version` header).

**Authentication.** `Authorization: Bearer <token>`, a two-legged token from `POST /oauth/v2/accessToken`.
A partner's parent app (a client of the partner holding `LinkedIn.Provisioning`) provisions, finds and
changes its customers' apps; any other token is a 403 (`Not enough permissions to access: ...`).

**Provisioning** (`/v2/provisionedApplications`):
* `POST` `{"uniqueForeignId", "name", "description", "validJsSdkDomains", "oauth2AuthorizedCallbackUrls",
  "tenantId"}` creates an app for the customer `tenantId` (hireport's field: the tenant the app serves; one
  that uses the partner, else 403 and nothing is made) and answers 201 `{"credentials": {"client_id",
  "client_secret"}, "key": "urn:li:developerApplication:N"}`, the key also in `x-restli-id`. The secret is
  shown this once. `name` at most 50 characters and without "LinkedIn"; `description` required;
  `uniqueForeignId` unique among the partner's apps (409); each of `validJsSdkDomains` an origin
  (`https://host[:port]`, no path, no trailing slash); callback URLs exact, https (http only to a loopback
  host). The app's credentials get a token for its customer, and no access to the customer's data until the
  customer enables an integration.
* `GET ?q=credentialsByUniqueForeignId&uniqueForeignId=X` answers `{"elements": [...], "paging"}` with the app
  (its `client_id`, never its secret), or none.
* `POST /v2/provisionedApplications/{key}` with `{"patch": {"$set": {...}}}` changes `name`, `description`,
  `validJsSdkDomains` or `oauth2AuthorizedCallbackUrls` (204); the key raw or percent-encoded.

**atsIntegrations** (`/v2/atsIntegrations`): a customer's app, with its own token, enables what its customer
requested in the configuration plugin (`POST`, `X-RestLi-Method: batch_partial_update`), verifies it (`GET`,
batch get) and sends its settings (`PUT /v2/atsIntegrations/{key}/configurations`, `batch_update`). Keys in
Rest.li 1.0 (`ids[0].integrationContext=...&ids[0].integrationType=...`) or 2.0
(`ids=List((dataProvider:ATS,integrationContext:urn%3Ali%3Aorganization%3A7,...))`). A URL holds at most
16 KiB of path and query (414 past it), a whole batch of 100 keys with `dataProvider:ATS`; a longer batch get
is tunnelled (`POST`, `X-HTTP-Method-Override: GET`, the query in a form body), as LinkedIn documents it.
Once an integration is enabled the app's next token carries what its type grants (see the table in `kinds`),
and it cannot be changed again.

**Errors**: `{"message", "serviceErrorCode", "status"}` (`serviceErrorCode` 65600 for a bad token, 100 for
missing permissions, else the status).
"""

VOCABULARY = {"name": "name", "description": "description", "widget_origins": "validJsSdkDomains",
              "callback_urls": "oauth2AuthorizedCallbackUrls", "redirect_uris": "oauth2AuthorizedCallbackUrls",
              "foreign_id": "uniqueForeignId", "tenant_id": "tenantId"}

DIALECT = Dialect(
    name="linkedin", title="hireport: LinkedIn ATS partner integration", prefix="/v2",
    paths=("/v2/provisionedApplications", "/v2/atsIntegrations"),
    routers=(provisioning.router, ats_integrations.router), render=errors.render, error_model=errors.ErrorBody,
    description=DESCRIPTION,
    authenticate=access_token_caller, scopes=SPECS, vocabulary=VOCABULARY,
    security_schemes={"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                 "description": "A two-legged token from `/oauth/v2/accessToken`"}},
)

REST = Dialect(
    name="linkedin-rest", title="hireport: LinkedIn versioned API", prefix="/rest", paths=("/rest/atsIntegrations",),
    routers=(ats_integrations.versioned,), render=errors.render, error_model=errors.ErrorBody,
    description="LinkedIn's versioned API: `/v2/atsIntegrations` (see `/v2/docs`) at `/rest/atsIntegrations`, "
                "with a `LinkedIn-Version` header (`YYYYMM` or `YYYYMM.RR`).",
    authenticate=access_token_caller, security_schemes=DIALECT.security_schemes,
)

PLUGIN = Dialect(
    name="linkedin-plugin", title="hireport: LinkedIn's ATS integration configuration plugin", prefix="/uas",
    paths=("/uas/in.js",),
    routers=(plugin.router,), render=errors.render_plugin, error_model=errors.ErrorBody, pages=True,
    description="The loader `/uas/in.js`, the widget's frame and its API (see `plugin`).",
)
