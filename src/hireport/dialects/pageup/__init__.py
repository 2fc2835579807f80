"""The PageUp dialect: the Hire API at `/v3/{tenantId}/recruitment/hire` and documents at
`/v3/{tenantId}/recruitment/document`."""

from typing import Any

from hireport.dialects.pageup import applications, checks, documents, errors, jobs, offers
from hireport.dialects.pageup.scopes import PROVIDER_SCOPES, SPECS, Scope
from hireport.kit.dialect import Dialect
from hireport.kit.web import access_token_caller

DESCRIPTION = """
PageUp-compatible **Hire API**. Point a PageUp integration's base URL here; only the host and the
credentials change.

**Authentication.** `POST /connect/token` (client credentials, `instanceId` = the tenant) with the scopes of
the endpoints you call: `Public.Job.Read/Write`, `Public.Application.Read/Write`, `Public.Offer.Read/Write`,
`Public.Applicant.Read`, `Public.Document.Read/Write`. Tokens live 300 seconds. The tenant in the path must
be the token's tenant. A tenant's client holds Hire scopes and a provider's client Background Checking
scopes, never both: in these docs, **Authorize** has a scheme per API, and each operation uses its API's.

**Errors** (every endpoint): `{"Message": "...", "Errors": [{"Field": "...", "Message": "..."}], "TraceId": "..."}`
with 400 (bad parameter or body), 401 (missing, malformed or expired token), 403 (missing scope, other
tenant, bad or expired signed link), 404 (unknown id, or another tenant's), 409 (refused by a rule).

**Conventions chosen by hireport** where PageUp's public material is silent:
* Paging: `?page=1&pageSize=50` (max 500); lists answer `{"Page", "PageSize", "TotalCount", "Items"}`.
* Dates: ISO 8601 UTC, `2024-07-11T00:39:30.582Z`; a date sent without a zone is read as UTC. A date whose
  UTC time falls outside years 1 to 9999 is a 400.
* Values are checked against what hireport keeps: ids from 1 to 2^63 - 1, counts and other numbers within
  32 bits, `page` up to 1,000,000, strings no longer than their field (each field's `maxLength`; required
  ones not empty), at most 100 fields in a job or offer body (yours included). Anything else is a 400.
* `POST /applications/changeorderofmerit` takes at most 1,000 applications at a time.
* `jobId` is an lJobID unless `idType=sExternalJobID`.
* `JobStatusID`: 1 draft, 2 waiting_approval, 3 approved, 4 disapproved, 5 published, 6 frozen, 7 canceled,
  8 closed. Status changes follow the job lifecycle: draft → waiting_approval | approved | disapproved
  (need NewPositions > 0 and a Description); waiting_approval → approved | disapproved; disapproved → draft;
  approved → published; published → frozen | canceled | closed; frozen → published | canceled | closed;
  closed and canceled are final. A refused change is a 409 naming the rule.
* `PUT /jobs/{jobId}` updates the fields sent; others keep their values. Fields this API does not define
  (`SupplementaryField1`..`20`, `OfferSupplementary_*`, anything else PascalCase) are kept and returned.
* `GET /document/{id}` answers `{"Url", "ExpiresAt"}`: a signed link valid for 5 minutes that needs no token.
* Uploads: `GET /document/prepareTempDirectUpload?filename=` → `{"url", "headers", "uploadId"}`; PUT the bytes
  to `url`; then `POST /document` with `{"UploadId", "FileName", "Title", "DocumentCategory", "EntityType"
  (Job | Application | Offer), "EntityID"}`.
* POST endpoints answer 200 with the resulting object.

**Background Checking API** (`/v3/{tenantId}/backgroundchecking`), for providers: a partner client's token
(it carries the `partner_id` claim; without it every call is a 403) with `Public.BackgroundCheck.Read` (GET)
or `Public.BackgroundCheck.Write` (PUT). A provider sees and changes only the checks addressed to it.
* `GET ?status=pending[&provider=CODE]`: up to 5 of the oldest pending checks that no poll was handed in the
  last 30 seconds, a JSON array; each poll leases the checks it is handed to it for 30 seconds, so parallel
  pollers get different checks instead of racing for the same five. Queue each at once: a queued check never
  comes back; one left pending comes back (to any poller) when its lease ends. An operator restores the
  strict answer, the 5 oldest pending checks to every poll with no leases, per tenant (`PATCH
  /manage/v1/tenants/{id}` with `{"settings": {"pending_checks_leased": false}}`). Other `status` values
  are a 400: checks leave this API once they move on. `provider`, if given, must be your own code (else 403).
* `PUT /{id}`: a full replacement; a field left out is cleared. No PATCH (405).
* Claiming: `queued` from `pending` is atomic; a second claim of the same check is a 409.
* Lifecycle: pending → queued | new | failed | cancelled; queued → pending | new | inprogress | expired |
  completed | cancelled | failed; new → inprogress | expired | completed | cancelled | failed | queued;
  inprogress → inprogress (more partial results) | expired | completed | cancelled | failed | queued;
  expired, completed, cancelled, failed → queued only (the test reset: queued, then pending).
* Responses of this API pass through PageUp's fuzzy serializer: every JSON object gains one property
  named by a random GUID (with a GUID value) and its keys are shuffled. On by default; an operator turns
  it off per tenant (`PATCH /manage/v1/tenants/{id}` with `{"settings": {"fuzzy_serializer": false}}`).
* The legacy `note` field is accepted and ignored.
"""


VOCABULARY = {
    # jobs
    "external_id": "JobID", "title": "Title", "num_vacancies": "NewPositions",
    "replacement_positions": "ReplacementPositions", "expires_at": "Expiry", "salary": "Salary", "summary": "Summary",
    "description": "Description", "job_status": "JobStatusID", "job_id": "jobId",
    # applications
    "application_id": "applicationId", "applicant_id": "applicantId", "order_of_merit": "orderOfMerit",
    "status_code": "applicationStatusCode",
    # offers
    "offer_status": "OfferStatus", "parent_offer_id": "parentOfferID", "action_type_id": "offerActionTypeId",
    "offer_made_at": "OfferMadeDate", "start_date": "StartDate", "end_date": "EndDate",
    "probation_end_date": "ProbationEndDate", "hours_per_week": "HoursPerWeek", "hours_per_month": "HoursPerMonth",
    "comments": "Comments", "pay_scale_id": "PayScaleID",
    # background checks
    "reference_number": "referenceNumber", "reason_for_fail": "reasonForFail", "report_type": "reportType",
    "report_link": "reportLink", "check_status": "status",
    # documents
    "upload_id": "UploadId", "file_name": "FileName", "owner_type": "EntityType", "owner_id": "EntityID",
    "category": "DocumentCategory",
    # paging
    "page_size": "pageSize",
}

HIRE_PATHS = ("/v3/{tenantId}/recruitment/",)
CHECK_PATHS = ("/v3/{tenantId}/backgroundchecking",)
SECURITY: dict[str, dict[str, Any]] = {  # per kind of client: no client holds both APIs' scopes
    "hire": {"type": "oauth2", "x-paths": HIRE_PATHS,
             "description": "**Hire API** (an integrator's client, a tenant's): its token is for its own tenant. "
                            "Tick only scopes your client holds (else `invalid_scope`).",
             "flows": {"clientCredentials": {"tokenUrl": "/connect/token", "scopes": {
                 s.value: s.value for s in Scope if s not in PROVIDER_SCOPES}}}},
    "hireToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "x-paths": HIRE_PATHS,
                  "description": "**Hire API**: an integrator's access token from `/connect/token`, pasted"},
    "backgroundChecking": {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "x-paths": CHECK_PATHS,
        "description": "**Background Checking API** (a provider's client, a partner's): its token names the "
                       "tenant it acts for, which this dialog cannot send. Get one and paste its `access_token`: "
                       "`curl -u CLIENT_ID:CLIENT_SECRET -d grant_type=client_credentials -d instanceId=TENANT "
                       "-d 'scope=Public.BackgroundCheck.Read Public.BackgroundCheck.Write' BASE_URL/connect/token`"},
}

DIALECT = Dialect(
    name="pageup", title="hireport: PageUp Hire API", version="3", prefix="/v3",
    paths=("/v3/{tenantId}/recruitment/hire", "/v3/{tenantId}/recruitment/document",
           "/v3/{tenantId}/backgroundchecking"),
    routers=(jobs.router, applications.router, offers.router, documents.router, checks.router),
    render=errors.render, error_model=errors.ErrorBody, description=DESCRIPTION, authenticate=access_token_caller,
    scopes=SPECS, vocabulary=VOCABULARY, security_schemes=SECURITY,
    tenant_settings=(checks.FUZZY, checks.LEASED),
)
