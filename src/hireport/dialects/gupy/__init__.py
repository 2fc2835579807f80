"""The Gupy dialect: the jobs API at `/api/v1/jobs`, applications, and template e-mail to candidates."""

from hireport.dialects.gupy import applications, auth, errors, jobs
from hireport.dialects.gupy.scopes import SPECS
from hireport.kit.dialect import Dialect

DESCRIPTION = """
Gupy-compatible **jobs API**. The tenant is the token's.

**Authentication.** `Authorization: Bearer <token>`: an API token made for the company (management API
`POST /manage/v1/tenants/{id}/api-tokens` or `hireport api-tokens create`), enabled for chosen endpoints
(`Gupy.Jobs.Read`, `Gupy.Jobs.Write`, `Gupy.Applications.Read`, `Gupy.Messages.Write`), or a JWT from
`/connect/token` with those scopes. 401 without a token; 403 for an invalid or revoked token, or one not
enabled for the endpoint (a revoked token may work for up to 10 more seconds).

**Rate limit** per token (default 600 per minute): every answer carries `X-RateLimit-Limit`,
`X-RateLimit-Remaining` and `X-RateLimit-Reset` (epoch seconds); past the limit, 429.

**Errors**: `{"title": "...", "detail": "...", "status": N}` with 400, 401, 403, 404, 409, 429.

**Paging**: `page` (from 1 to 1,000,000), `perPage` (max 100); lists answer `{"results", "totalResults", "page",
"totalPages"}`.

**Values**: `jobId`, `applicationId` and `templateId` from 1 to 2^63 - 1; `careerPageId` from 1 to 2^31 - 1;
`numVacancies` from 0 and `departmentId`, `roleId`, `branchId` within 32 bits; strings no longer than their
field's `maxLength` (`name` and `code` not empty); at most 100 `customFields`; dates are `YYYY-MM-DD`.
`customFields: null` is a 400: a job always has its list of custom fields (send `[]` to empty it). Anything
else is a 400.

**Job lifecycle** (`PATCH` with `status`; the other fields of the same request apply first):
* draft → waiting_approval | approved | disapproved: `numVacancies` > 0 and a `description`;
* waiting_approval → approved | disapproved (hireport: a job in approval may be disapproved), same fields;
* disapproved → draft (hireport: to rework it);
* approved → published: `careerPageId` (a career page of the company), `hiringDeadline`, an `id` on every custom field;
* published → frozen; frozen → published (hireport: unfreezing; the publishing rules apply again);
* published | frozen → canceled: `cancelReason` (one of the listed values), and no hired application;
* published | frozen → closed;
* closed and canceled are final. A refused move is a 409 whose `detail` names every rule that failed.

`quickApply` is fixed at creation and not allowed on a talent pool (`vacancy_type_talent_pool`).

**Messages**: `POST /api/v1/jobs/{jobId}/applications/{applicationId}/messages` with `templateId` and
`allowReply` renders the company's template for the candidate (placeholders `{{ candidate.name }}`,
`{{ candidate.lastName }}`, `{{ candidate.email }}`, `{{ job.name }}`, `{{ job.code }}`, `{{ company.name }}`)
and queues the e-mail, sent after the request commits, retried with backoff until delivered, with a
stable Message-ID. A template that was used cannot be deleted.
"""


VOCABULARY = {
    "title": "name", "job_type": "type", "num_vacancies": "numVacancies", "quick_apply": "quickApply",
    "hiring_deadline": "hiringDeadline", "application_deadline": "applicationDeadline",
    "career_page_id": "careerPageId", "custom_fields": "customFields", "cancel_reason": "cancelReason",
    "job_status": "status", "job_id": "jobId", "application_id": "applicationId", "template_id": "templateId",
    "created_at": "createdAt", "page_size": "perPage",
}

DIALECT = Dialect(
    name="gupy", title="hireport: Gupy jobs API", prefix="/api", paths=("/api/v1/jobs",),
    routers=(jobs.router, applications.router),
    render=errors.render, error_model=errors.ErrorBody, description=DESCRIPTION, authenticate=auth.authenticate,
    scopes=SPECS, vocabulary=VOCABULARY, error_statuses=(429,), setup=auth.setup,
    security_schemes={"bearer": {"type": "http", "scheme": "bearer",
                                 "description": "An API token of the company, or a JWT from `/connect/token`"}},
)
