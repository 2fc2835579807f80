"""The hostile inputs a tester found, and their kin, over every dialect: each is refused (4xx) in the
dialect's own error shape, never a 500, and changes nothing in the database.

The corpus: ids of 2^31, 2^63, 2^64, -1 and 0 in paths, queries and bodies (2^31 is a valid row id that
does not exist, and beyond a 32-bit column); pages, page sizes and limits huge and negative; datetimes
without a zone (the management API refuses them) and at the calendar's edges; empty and 60,000-character
strings in every string filter and field; `customFields: null`; lists and free-form objects over their
caps (an order of merit over 1,000 applications among them); JSON nested 400 deep, with NUL characters in
strings and keys, with `NaN`, `Infinity` and `1e400`; bodies over the size limit; LinkedIn's provisioning
bodies, finder and keys out of bounds; NUL characters in the
path, the query and the HTTP Basic credentials of `POST /connect/token`; LinkedIn's token endpoints'
forms, and tokens to introspect that are not tokens; atsIntegrations keys that are not Rest.li, or not
whole, or not matching the body, and bodies and methods that are not a batch partial update; the
configuration plugin's API asked for bundles it does not know.
"""

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import MetaData, select
from starlette.testclient import TestClient

from hireport.dialects.gupy.scopes import Scope as GupyScope
from hireport.dialects.linkedin.plugin import GRANT
from hireport.kit.auth import Caller
from hireport.kit.bounds import LONG_TEXT, MAX_PAGE
from hireport.kit.runtime import Runtime
from hireport.models import PartnerApp
from hireport.services import accounts, api_tokens, integrations, signin
from hireport.services.applications import MAX_RANKS
from tests import factories
from tests.factories import Credentials, token_response
from tests.pageup.conftest import HIRE_SCOPES

HIRE = "/v3/218/recruitment/hire"
DOCS = "/v3/218/recruitment/document"
CHECKS = "/v3/218/backgroundchecking"
JOBS = "/api/v1/jobs"
M = "/manage/v1"
T = f"{M}/tenants/218"

IDS = [2**31, 2**63, 2**64, -1, 0]            # in a path or body where a row id goes (2^31: valid, unknown)
OUT = IDS[1:]                                 # out of the domain (a filter of a valid, unknown id is just empty)
TENANTS = [2**31, 2**63, 0, -1]               # tenant and operator ids are 32-bit
PAGES = ["1e20", str(10**20), str(2**63), str(MAX_PAGE + 1), "0", "-1", "1.5"]
SIZES = [str(10**20), str(2**63), "-1", "0"]
LONG = "x" * 60_000
TEXT = "x" * (LONG_TEXT + 1)
EDGES = ["9999-12-31T23:30:00-05:00", "0001-01-01T00:10:00+01:00", "10000-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
         "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-01T25:00:00Z", "", "soon", 10**20]
DAYS = ["99999-01-01", "0000-01-01", "2024-02-30", "2024-13-01", "9999-12-31T23:30:00-05:00", "", "tomorrow", 10**20]
ZONELESS = ["2024-01-01T00:00:00", "9999-12-31T23:59:59", "2024-01-01"]
MANY_KEYS = {f"Field{i}": i for i in range(150)}
NESTED: dict[str, Any] = {"a": None}
for _ in range(400):
    NESTED = {"a": NESTED}
HUGE = {"Title": "x", "Description": "x" * (2 * 1024 * 1024)}  # above the 1 MiB JSON limit: 413

SHAPES: dict[str, Callable[[Any], bool]] = {
    "pageup": lambda b: set(b) == {"Message", "Errors", "TraceId"},
    "gupy": lambda b: set(b) == {"title", "detail", "status"},
    "manage": lambda b: set(b) == {"error"} and set(b["error"]) == {"code", "message", "details"},
    "oauth": lambda b: set(b) == {"error", "error_description"},
    "linkedin": lambda b: set(b) == {"message", "serviceErrorCode", "status"},
    "connect": lambda b: set(b) == {"exceptionType", "errorMessage"},
}


@dataclass(frozen=True)
class Case:
    who: str        # whose credentials: pageup, provider, gupy, manage, oauth, linkedin (a parent app),
                    # customer (a customer's app), widget (the plugin's grant of the customer's admin)
    method: str
    path: str
    kwargs: dict[str, Any]

    @property
    def dialect(self) -> str:
        return {"provider": "pageup", "customer": "linkedin", "widget": "linkedin"}.get(self.who, self.who)

    def __str__(self) -> str:
        return f"{self.who}: {self.method} {self.path[:90]} {str(self.kwargs)[:150]}"


def raw(text: str) -> dict[str, Any]:
    """A JSON body sent byte for byte (what a JSON encoder would refuse to write)."""
    return {"content": text.encode(), "headers": {"Content-Type": "application/json"}}


def json_kin(who: str, method: str, path: str, valid: dict[str, Any], text_field: str, number_field: str,
             ) -> list[Case]:
    """What the edge refuses in any JSON body: NUL in a string and in a key, non-finite numbers, deep
    nesting, too many bytes, and bytes that are not JSON."""
    bodies: list[dict[str, Any]] = [
        {"json": {**valid, text_field: "x\u0000y"}}, {"json": {**valid, "\u0000": 1}},
        *[raw(f'{{"{text_field}": "x", "{number_field}": {n}}}') for n in ("NaN", "Infinity", "-Infinity", "1e400")],
        {"json": NESTED}, {"json": HUGE}, raw("{"), raw('{"a": "\\ud800"}'),
    ]
    return [Case(who, method, path, kwargs) for kwargs in bodies]


def pageup(r: dict[str, int]) -> Iterator[Case]:
    job, app, offer, doc = r["job"], r["application"], r["offer"], r["document"]
    for i in IDS:
        yield from (Case("pageup", "GET", f"{HIRE}/jobs/{i}", {}),
                    Case("pageup", "PUT", f"{HIRE}/jobs/{i}", {"json": {"Title": "x"}}),
                    Case("pageup", "GET", f"{HIRE}/jobs/{i}/applications", {}),
                    Case("pageup", "GET", f"{HIRE}/applicants/{i}", {}),
                    Case("pageup", "GET", f"{HIRE}/applications/{i}/applicationForm", {}),
                    Case("pageup", "GET", f"{HIRE}/applications/{i}/offer", {}),
                    Case("pageup", "POST", f"{HIRE}/applications/{i}/offer", {"json": {}}),
                    Case("pageup", "POST", f"{HIRE}/applications/{i}/changeapplicationstatusbycode",
                         {"json": {"applicationStatusCode": "X"}}),
                    Case("pageup", "POST", f"{HIRE}/applications/{i}/offers/status", {"json": {"OfferStatus": "X"}}),
                    Case("pageup", "GET", f"{HIRE}/offers/{i}", {}),
                    Case("pageup", "GET", f"{HIRE}/offers/{i}/onboardingform", {}),
                    Case("pageup", "POST", f"{HIRE}/offers/{i}/process", {}),
                    Case("pageup", "GET", f"{DOCS}/{i}", {}),
                    Case("pageup", "GET", f"{DOCS}/{i}/content", {"params": {"expires": "1", "signature": "x"}}),
                    Case("provider", "PUT", f"{CHECKS}/{i}", {"json": {"status": "queued"}}),
                    Case("pageup", "POST", f"{HIRE}/applications/changeorderofmerit",
                         {"json": [{"applicationId": i, "orderOfMerit": 1}]}),
                    Case("pageup", "POST", f"{HIRE}/applications/changeorderofmerit",
                         {"json": [{"applicationId": app, "orderOfMerit": i}]}),
                    Case("pageup", "POST", DOCS, {"json": {"UploadId": "u", "FileName": "a.txt", "EntityType": "Job",
                                                           "EntityID": i}}))
    for t in TENANTS:
        yield from (Case("pageup", "GET", f"/v3/{t}/recruitment/hire/jobs", {}),
                    Case("pageup", "PUT", f"/v3/{t}/recruitment/document/upload/u",
                         {"params": {"expires": "1", "signature": "x"}, "content": b"x"}),
                    Case("pageup", "GET", f"/v3/{t}/recruitment/document/{doc}/content",
                         {"params": {"expires": "1", "signature": "x"}}),
                    Case("provider", "GET", f"/v3/{t}/backgroundchecking", {}))
    for page in PAGES:
        for path in (f"{HIRE}/jobs", f"{HIRE}/jobs/{job}/applications", f"{HIRE}/offers"):
            yield Case("pageup", "GET", path, {"params": {"page": page}})
    for size in [*SIZES, "501"]:
        for path in (f"{HIRE}/jobs", f"{HIRE}/offers"):
            yield Case("pageup", "GET", path, {"params": {"pageSize": size}})
    for action in [str(2**31), str(2**63), "-1", "1e3"]:
        yield Case("pageup", "GET", f"{HIRE}/offers", {"params": {"offerActionTypeId": action}})
        yield Case("pageup", "POST", f"{HIRE}/offers/{offer}/process", {"params": {"offerActionTypeId": action}})
    for parent in [str(2**63), "-1"]:
        yield Case("pageup", "POST", f"{HIRE}/applications/{app}/offer",
                   {"params": {"parentOfferID": parent}, "json": {}})
    for expires in [str(2**63), str(2**64), "-1", "1e3"]:
        yield Case("pageup", "GET", f"{DOCS}/{doc}/content", {"params": {"expires": expires, "signature": "x"}})
    yield from (Case("pageup", "GET", f"{DOCS}/{doc}/content", {"params": {"expires": "1", "signature": s}})
                for s in ("", LONG, "é" * 10))
    yield from (Case("pageup", "GET", f"{DOCS}/prepareTempDirectUpload", {"params": {"filename": f}})
                for f in ("", LONG))
    yield from (Case("pageup", "GET", f"{HIRE}/jobs/{job}", {"params": {"idType": t}})
                for t in ("", LONG, "lJobID\u0000"))
    yield from (Case("pageup", "GET", f"{HIRE}/jobs/{j}", {"params": {"idType": "sExternalJobID"}})
                for j in (LONG, "a%00b"))
    yield from (Case("provider", "GET", CHECKS, {"params": p})
                for p in ({"status": ""}, {"status": LONG}, {"provider": ""}, {"provider": LONG}))
    # bodies
    jobs = [{"Title": ""}, {"Title": LONG}, {"Title": None, "NewPositions": 1}, {"JobID": LONG}, {"JobStatusID": ""},
            {"JobStatusID": LONG}, {"OwnerUserID": LONG}, {"SiteID": LONG}, {"Summary": TEXT}, {"Description": TEXT},
            {"Salary": 1e13}, {"Salary": -1}, {"Salary": "lots"}, {"NewPositions": 1.5}, {"K" * 200: 1}, MANY_KEYS,
            *[{"NewPositions": n} for n in (2**31, 2**63, -1)], {"ReplacementPositions": 2**31},
            *[{"NeededDate": d} for d in EDGES], {"PositionStart": EDGES[0]}, {"Expiry": EDGES[1]}]
    for body in jobs:
        yield Case("pageup", "POST", f"{HIRE}/jobs", {"json": {"Title": "x", **body}})
        yield Case("pageup", "PUT", f"{HIRE}/jobs/{job}", {"json": body})
    yield from json_kin("pageup", "POST", f"{HIRE}/jobs", {"Title": "x"}, "Title", "Salary")
    offers = [{"HoursPerWeek": -1}, {"HoursPerWeek": 1e6}, {"HoursPerMonth": 1e6}, {"Comments": TEXT},
              {"PayScaleID": LONG}, MANY_KEYS, *[{"StartDate": d} for d in EDGES]]
    yield from (Case("pageup", "POST", f"{HIRE}/applications/{app}/offer", {"json": b}) for b in offers)
    yield from json_kin("pageup", "POST", f"{HIRE}/applications/{app}/offer", {}, "Comments", "HoursPerWeek")
    yield from (Case("pageup", "POST", f"{HIRE}/applications/{app}/offers/status", {"json": b})
                for b in ({"OfferStatus": ""}, {"OfferStatus": LONG}, {"OfferStatus": "X", "ExtraNote": TEXT}, {}))
    yield from (Case("pageup", "POST", f"{HIRE}/applications/{app}/changeapplicationstatusbycode", {"json": b})
                for b in ({"applicationStatusCode": ""}, {"applicationStatusCode": LONG},
                          {"applicationStatusCode": "X", "statusChangeReasonId": 2**63},
                          {"applicationStatusCode": "X", "statusChangeReasonId": -1}))
    merit = f"{HIRE}/applications/changeorderofmerit"
    yield from (Case("pageup", "POST", merit, {"json": b}) for b in (
        [{"applicationId": i, "orderOfMerit": i} for i in range(1, MAX_RANKS + 2)], [], {},
        [{"applicationId": app, "orderOfMerit": 1}, {"applicationId": app, "orderOfMerit": 2}],
        [{"applicationId": app, "orderOfMerit": 2**31}], [{"applicationId": 2**31, "orderOfMerit": 1}],
        [{"applicationId": app}]))
    yield from (Case("pageup", "POST", DOCS, {"json": {"UploadId": "u", "FileName": "a.txt", "EntityType": "Job",
                                                       "EntityID": 1, **b}})
                for b in ({"UploadId": LONG}, {"UploadId": ""}, {"FileName": ""}, {"FileName": LONG},
                          {"EntityType": LONG}, {"Title": LONG}, {"DocumentCategory": LONG}))
    checks = [{"status": LONG}, {"status": ""}, {"status": "completed", "referenceNumber": LONG},
              {"status": "failed", "reasonForFail": TEXT},
              {"status": "completed", "referenceNumber": "r", "results": [{"reportType": "x", "reportLink": "http://x"}]
               * 51},
              *[{"status": "inprogress", "results": [r]} for r in ({"reportType": LONG}, {"reportLink": LONG},
                                                                  {"reportType": "x", "status": LONG})]]
    yield from (Case("provider", "PUT", f"{CHECKS}/1", {"json": b}) for b in checks)
    yield from json_kin("provider", "PUT", f"{CHECKS}/1", {"status": "queued"}, "status", "referenceNumber")
    yield Case("pageup", "GET", f"{HIRE}/jobs%00", {})


def gupy(r: dict[str, int]) -> Iterator[Case]:
    job, app = r["job"], r["application"]
    for i in IDS:
        yield from (Case("gupy", "GET", f"{JOBS}/{i}", {}),
                    Case("gupy", "PATCH", f"{JOBS}/{i}", {"json": {"name": "x"}}),
                    Case("gupy", "GET", f"{JOBS}/{i}/applications", {}),
                    Case("gupy", "POST", f"{JOBS}/{i}/applications/{app}/messages", {"json": {"templateId": 1}}),
                    Case("gupy", "POST", f"{JOBS}/{job}/applications/{i}/messages", {"json": {"templateId": 1}}),
                    Case("gupy", "POST", f"{JOBS}/{job}/applications/{app}/messages", {"json": {"templateId": i}}))
    for page in PAGES:
        yield Case("gupy", "GET", JOBS, {"params": {"page": page}})
        yield Case("gupy", "GET", f"{JOBS}/{job}/applications", {"params": {"page": page}})
    for size in [*SIZES, "101"]:
        yield Case("gupy", "GET", JOBS, {"params": {"perPage": size}})
        yield Case("gupy", "GET", f"{JOBS}/{job}/applications", {"params": {"perPage": size}})
    for name in ("name", "code"):
        yield from (Case("gupy", "GET", JOBS, {"params": {name: v}}) for v in ("", LONG, "c\u0000"))
    yield Case("gupy", "GET", JOBS, {"params": {"status": "bogus"}})
    for params in ({"order": ""}, {"order": LONG}, {"order": "name asc"}, {"fields": ""}, {"fields": LONG},
                   {"fields": "bogus"}, {"status": "bogus"}):
        yield Case("gupy", "GET", f"{JOBS}/{job}/applications", {"params": params})
    valid = {"name": "x", "type": "vacancy_type_effective", "publicationType": "external", "numVacancies": 1,
             "departmentId": 1, "roleId": 1}
    fields = [{"name": ""}, {"name": LONG}, {"code": ""}, {"code": LONG}, {"numVacancies": 2**31},
              {"numVacancies": -1}, {"departmentId": 2**31}, {"departmentId": -(2**31) - 1}, {"roleId": 2**63},
              {"branchId": 2**31}, *[{"careerPageId": i} for i in IDS], {"templateId": 2**63}, {"templateId": 0},
              *[{"hiringDeadline": d} for d in DAYS], {"applicationDeadline": DAYS[0]}, {"description": TEXT},
              {"responsibilities": TEXT}, {"notes": TEXT}, {"addressZipCode": LONG}, {"addressCity": LONG},
              {"customFields": [{"id": "f", "value": 1}] * 101}, {"customFields": [{"id": LONG}]},
              {"customFields": [{"id": ""}]}, {"customFields": "x"}, {"type": "bogus"}, {"quickApply": "maybe"}]
    for body in fields:
        yield Case("gupy", "POST", JOBS, {"json": {**valid, **body}})
        yield Case("gupy", "PATCH", f"{JOBS}/{job}", {"json": body})
    yield from (Case("gupy", "POST", JOBS, {"json": b}) for b in ({**valid, "status": "draft"}, {"name": "x"}))
    yield from (Case("gupy", "PATCH", f"{JOBS}/{job}", {"json": b})
                for b in ({"customFields": None}, {"customFields": None, "status": "published"}, {"name": None},
                          {"code": None}, {"status": "bogus"}))
    yield from (Case("gupy", "POST", f"{JOBS}/{job}/applications/{app}/messages", {"json": b})
                for b in ({"templateId": "x"}, {"templateId": 1, "allowReply": "maybe"}, {}))
    yield from json_kin("gupy", "POST", JOBS, valid, "name", "numVacancies")
    yield Case("gupy", "GET", f"{JOBS}/1%00", {})


def manage(r: dict[str, int]) -> Iterator[Case]:
    job, app, offer = r["job"], r["application"], r["offer"]
    for t in TENANTS:
        yield from (Case("manage", "GET", f"{M}/tenants/{t}", {}),
                    Case("manage", "PATCH", f"{M}/tenants/{t}", {"json": {"name": "x"}}),
                    Case("manage", "GET", f"{M}/tenants/{t}/jobs", {}),
                    Case("manage", "POST", f"{M}/tenants/{t}/partners", {"json": {"code": "bg"}}),
                    Case("manage", "GET", f"{M}/tenants/{t}/partners", {}),
                    Case("manage", "GET", f"{M}/clients", {"params": {"tenant_id": str(t)}}),
                    Case("manage", "DELETE", f"{M}/operators/{t}", {}),
                    Case("manage", "POST", f"{M}/operators/{t}/secret", {}),
                    Case("manage", "POST", f"{M}/tenants", {"json": {"id": t, "name": "x"}}),
                    Case("manage", "POST", f"{M}/clients", {"json": {"name": "x", "scopes": "Public.Job.Read",
                                                                     "tenant_id": t}}))
    for i in IDS:
        yield from (Case("manage", "GET", f"{T}/jobs/{i}", {}),
                    Case("manage", "PATCH", f"{T}/jobs/{i}", {"json": {"title": "x"}}),
                    Case("manage", "GET", f"{T}/applicants/{i}", {}),
                    Case("manage", "GET", f"{T}/applications/{i}", {}),
                    Case("manage", "GET", f"{T}/offers/{i}", {}),
                    Case("manage", "POST", f"{T}/offers/{i}/accept", {}),
                    Case("manage", "POST", f"{T}/offers/{i}/onboarding-form",
                         {"json": {"answers": [{"question": "q"}]}}),
                    Case("manage", "POST", f"{T}/offers/{i}/process", {"json": {}}),
                    Case("manage", "GET", f"{T}/background-checks/{i}", {}),
                    Case("manage", "GET", f"{T}/documents/{i}", {}),
                    Case("manage", "GET", f"{T}/documents/{i}/content", {}),
                    Case("manage", "DELETE", f"{T}/email-templates/{i}", {}),
                    Case("manage", "DELETE", f"{T}/api-tokens/{i}", {}),
                    Case("manage", "POST", f"{T}/api-tokens/{i}/secret", {}),
                    Case("manage", "GET", f"{T}/messages/{i}", {}),
                    Case("manage", "POST", f"{T}/applications", {"json": {"job_id": i, "applicant_id": 1}}),
                    Case("manage", "POST", f"{T}/offers", {"json": {"application_id": i}}),
                    Case("manage", "POST", f"{T}/offers", {"json": {"application_id": app, "parent_offer_id": i}}),
                    Case("manage", "POST", f"{T}/background-checks", {"json": {"application_id": i, "partner": "bg",
                                                                               "package_code": "p"}}),
                    Case("manage", "POST", f"{T}/documents", {"files": {"file": ("a.txt", b"x")},
                                                              "data": {"owner_type": "job", "owner_id": str(i)}}))
    for i in OUT:
        yield from (Case("manage", "GET", f"{T}/applications", {"params": {"job_id": str(i)}}),
                    Case("manage", "GET", f"{T}/offers", {"params": {"application_id": str(i)}}),
                    Case("manage", "GET", f"{T}/background-checks", {"params": {"application_id": str(i)}}))
    yield from (Case("manage", method, f"{M}/clients/{LONG}", {}) for method in ("GET", "DELETE"))
    yield Case("manage", "GET", f"{M}/partners/{LONG}", {})
    for path in (f"{T}/jobs", f"{T}/applicants", f"{T}/applications", f"{T}/offers", f"{T}/background-checks"):
        yield from (Case("manage", "GET", path, {"params": {"limit": size}}) for size in [*SIZES, "501"])
        yield from (Case("manage", "GET", path, {"params": {"cursor": c}})
                    for c in ("", LONG, "abc", "a\u0000", str(2**64), "-1"))
    bodies: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", f"{M}/tenants", {"id": 300, "name": ""}), ("POST", f"{M}/tenants", {"id": 300, "name": LONG}),
        ("PATCH", f"{M}/tenants/218", {"name": ""}), ("PATCH", f"{M}/tenants/218", {"settings": MANY_KEYS}),
        ("PATCH", f"{M}/tenants/218", {"settings": {"K" * 200: 1}}),
        ("POST", f"{M}/partners", {"code": "", "name": "x"}), ("POST", f"{M}/partners", {"code": LONG, "name": "x"}),
        ("POST", f"{M}/partners", {"code": "p", "name": "x", "kind": LONG}),
        ("POST", f"{T}/partners", {"code": ""}), ("POST", f"{T}/partners", {"code": LONG}),
        *[("POST", f"{M}/clients", {"name": "x", "scopes": "Public.Job.Read", "tenant_id": 218, **b}) for b in (
            {"scopes": ["Public.Job.Read"] * 101}, {"scopes": LONG}, {"scopes": [LONG]}, {"token_lifetime": 2**31},
            {"token_lifetime": -1}, {"name": ""}, {"partner": LONG})],
        *[("POST", f"{T}/jobs", {"title": "x", **b}) for b in (
            {"title": ""}, {"title": LONG}, {"code": ""}, {"code": LONG}, {"external_id": LONG},
            {"num_vacancies": 2**31}, {"num_vacancies": -1}, {"career_page_id": 2**31}, {"description": TEXT},
            {"summary": TEXT}, {"division_code": LONG}, {"attributes": MANY_KEYS}, {"attributes": {"K" * 200: 1}},
            {"hiring_deadline": "99999-01-01"}, {"status": "bogus"})],
        *[("PATCH", f"{T}/jobs/{job}", b) for b in (
            *[{"expires_at": d} for d in [*ZONELESS, *EDGES]],
            {"custom_fields": None}, {"custom_fields": [{}] * 101}, {"custom_fields": [MANY_KEYS]}, {"title": None},
            {"code": None}, {"salary": 1e13}, {"job_type": LONG}, {"cancel_reason": LONG}, {"career_page_id": 2**31})],
        *[("POST", f"{T}/applicants", {"first_name": "a", "last_name": "b", "email": "a@example.com", **b}) for b in (
            {"first_name": ""}, {"first_name": LONG}, {"last_name": ""}, {"middle_name": LONG},
            {"email": "a" * 400 + "@example.com"}, {"email": "not-an-email"}, {"phone": LONG},
            {"attributes": MANY_KEYS})],
        *[("POST", f"{T}/applications", {"job_id": job, "applicant_id": r["applicant"], **b}) for b in (
            {"applicant_id": -1}, {"tags": ["t"] * 51}, {"tags": [LONG]}, {"tags": [""]},
            {"form_answers": [{"question": "q"}] * 201}, {"form_answers": [{"question": ""}]},
            {"form_answers": [{"question": LONG}]}, {"status": "bogus"}, {"status_code": LONG}, {"source": LONG},
            {"current_step": LONG}, {"attributes": MANY_KEYS}, {"score": "high"})],
        *[("POST", f"{T}/offers", {"application_id": app, **b}) for b in (
            *[{"start_date": d} for d in [*ZONELESS, *EDGES]], {"offer_made_at": ZONELESS[0]},
            {"hours_per_week": 1e6}, {"hours_per_week": -1}, {"hours_per_month": 1e6}, {"comments": TEXT},
            {"status": ""}, {"status": LONG}, {"pay_scale_id": LONG}, {"attributes": MANY_KEYS})],
        *[("POST", f"{T}/offers/{offer}/process", b) for b in ({"action_type_id": 2**31}, {"action_type_id": -1})],
        *[("POST", f"{T}/offers/{offer}/onboarding-form", b) for b in (
            {"answers": []}, {"answers": [{"question": "q"}] * 201}, {"answers": [{"question": LONG}]})],
        *[("POST", f"{T}/background-checks", {"application_id": app, "partner": "bg", "package_code": "p", **b})
          for b in ({"partner": ""}, {"partner": LONG}, {"package_code": ""}, {"package_code": LONG},
                    {"package_name": LONG})],
        *[("POST", f"{T}/career-pages", b) for b in ({"name": ""}, {"name": LONG}, {"name": "x", "url": LONG})],
        *[("POST", f"{T}/email-templates", {"name": "t", "subject": "s", "body": "b", **b}) for b in (
            {"name": ""}, {"name": LONG}, {"subject": ""}, {"subject": LONG}, {"body": ""}, {"body": TEXT})],
        *[("POST", f"{T}/api-tokens", {"name": "t", "endpoints": "Gupy.Jobs.Read", **b}) for b in (
            {"name": ""}, {"name": LONG}, {"endpoints": ["Gupy.Jobs.Read"] * 101}, {"endpoints": LONG})],
    ]
    yield from (Case("manage", method, path, {"json": body}) for method, path, body in bodies)
    yield from (Case("manage", "POST", f"{T}/documents", {"files": {"file": ("a.txt", b"x")},
                                                          "data": {"owner_type": "job", "owner_id": str(job), **d}})
                for d in ({"title": LONG}, {"category": LONG}, {"owner_type": "bogus"}, {"owner_id": "1e3"}))
    yield from json_kin("manage", "POST", f"{T}/applicants", {"first_name": "a", "last_name": "b",
                                                              "email": "a@example.com"}, "first_name", "score")
    yield from json_kin("manage", "POST", f"{T}/jobs", {"title": "x"}, "title", "num_vacancies")
    yield Case("manage", "GET", f"{T}/jobs/1%00", {})


def oauth(creds: dict[str, Credentials]) -> Iterator[Case]:
    token = "/connect/token"
    grant = {"grant_type": "client_credentials"}
    hire, provider = creds["pageup"], creds["provider"]

    def basic(user: bytes, secret: bytes) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(user + b":" + secret).decode()}

    forms = [{"client_id": "a\u0000b", "client_secret": "x"}, {"client_id": "x", "client_secret": "y\u0000"},
             {"client_id": LONG, "client_secret": "y"}, {"client_id": "x", "client_secret": LONG},
             {"grant_type": LONG, "client_id": "x", "client_secret": "y"}, {"client_id": "", "client_secret": ""},
             *[{"client_id": hire.client_id, "client_secret": hire.client_secret, **f} for f in (
                 {"scope": LONG}, {"instanceId": str(2**63)}, {"instanceId": "-1"}, {"instanceId": LONG})],
             *[{"client_id": provider.client_id, "client_secret": provider.client_secret, "instanceId": t}
               for t in (str(2**31), str(2**63), str(10**30), "-1", "0", "1e3", "")]]
    yield from (Case("oauth", "POST", token, {"data": {**grant, **f}}) for f in forms)
    yield from (Case("oauth", "POST", token, {"data": grant, "headers": basic(u, s)})
                for u, s in ((b"a\x00b", b"c"), (b"a", b"c\x00d"), (b"x" * 60_000, b"y"),
                             (hire.client_id.encode() + b"\x00", hire.client_secret.encode())))
    yield Case("oauth", "POST", token, {"data": grant, "headers": {"Authorization": "Basic %%%"}})
    yield Case("oauth", "POST", token, {"json": {**grant, "client_id": "x", "client_secret": "y"}})
    yield Case("oauth", "POST", f"{token}%00", {"data": grant})
    # LinkedIn's token endpoints: the same forms, and tokens that are not tokens
    for path in ("/oauth/v2/accessToken", "/oauth/v2/introspectToken"):
        yield from (Case("oauth", "POST", path, {"data": {**grant, "token": "x", **f}}) for f in forms[:6])
        yield Case("oauth", "POST", path, {"json": {**grant, "client_id": "x", "client_secret": "y"}})
    app = {"client_id": hire.client_id, "client_secret": hire.client_secret}
    yield from (Case("oauth", "POST", "/oauth/v2/introspectToken", {"data": {**app, "token": t}})
                for t in ("a\u0000b", LONG, "a.b.c", "e30.e30.", "", "x" * 5000))


def linkedin() -> Iterator[Case]:
    apps = "/v2/provisionedApplications"
    valid = {"uniqueForeignId": "k", "name": "n", "description": "d", "tenantId": 218}
    yield from json_kin("linkedin", "POST", apps, valid, "name", "tenantId")
    yield from (Case("linkedin", "POST", apps, {"json": {**valid, **f}}) for f in (
        {"name": LONG}, {"description": LONG}, {"uniqueForeignId": LONG}, {"uniqueForeignId": "a\u0000b"},
        *({"tenantId": i} for i in OUT), {"tenantId": "x"}, {"validJsSdkDomains": [LONG]},
        {"validJsSdkDomains": ["https://a.example.com"] * 1000}, {"validJsSdkDomains": "https://a.example.com"},
        {"oauth2AuthorizedCallbackUrls": [LONG]}, {"oauth2AuthorizedCallbackUrls": [None]}))
    yield from (Case("linkedin", "GET", apps, {"params": p}) for p in (
        {"q": "credentialsByUniqueForeignId", "uniqueForeignId": LONG}, {"q": LONG, "uniqueForeignId": "k"},
        {"q": "credentialsByUniqueForeignId", "uniqueForeignId": ""}))
    for key in ("urn:li:developerApplication:" + str(2**63), "urn:li:developerApplication:-1", LONG, "%00", "x" * 99):
        yield Case("linkedin", "POST", f"{apps}/{key}", {"json": {"patch": {"$set": {"name": "x"}}}})
    yield from json_kin("linkedin", "POST", f"{apps}/urn:li:developerApplication:1", {"patch": {"$set": {}}},
                        "patch", "patch")


ATS = "/v2/atsIntegrations"
KEY = {"integrationContext": "urn:li:organization:218", "integrationType": "APPLY_WITH_LINKEDIN",
       "tenantType": "JOBS", "dataProvider": "ATS"}
V1 = "&".join(f"ids[0].{k}={v}" for k, v in KEY.items())
ENTITY = "&".join(f"{k}={v}" for k, v in KEY.items())
V2_KEY = "(dataProvider:ATS,integrationContext:urn%3Ali%3Aorganization%3A218,integrationType:APPLY_WITH_LINKEDIN," \
         "tenantType:JOBS)"
PATCH = {"X-RestLi-Method": "batch_partial_update"}


def customer() -> Iterator[Case]:
    """A customer's app against atsIntegrations (its integration requested, not yet enabled)."""
    good = {"entities": {ENTITY: {"patch": {"$set": {"integrationName": "n"}}}}}
    yield Case("customer", "POST", f"{ATS}?{V1}", {"json": good})  # no X-RestLi-Method
    yield Case("customer", "POST", f"{ATS}?{V1}", {"json": good, "headers": {"X-RestLi-Method": LONG[:41]}})
    for query in ("", "ids[0].integrationContext=urn:li:organization:218", V1.replace("urn:li:organization", "urn"),
                  V1.replace("APPLY_WITH_LINKEDIN", "NOPE"), V1.replace("JOBS", "RECRUITER"),
                  "ids=List((a:b", "ids=List(" + ",".join(["(a:b)"] * 101) + ")", f"{V1}&ids=List({V2_KEY})",
                  f"ids[999].integrationContext=x&{V1}", "ids=" + LONG[:7000], "ids[0].a%00=1"):
        yield Case("customer", "POST", f"{ATS}?{query}", {"json": good, "headers": PATCH})
        yield Case("customer", "GET", f"{ATS}?{query}", {})
    for body in ({"entities": {ENTITY.replace("JOBS", "RECRUITER"): good["entities"][ENTITY]}},
                 {"entities": {}}, {"entities": []}, {"entities": {ENTITY: {}}}, {"entities": {ENTITY: {"patch": {}}}},
                 {"entities": {ENTITY: {"patch": {"$set": {"integrationName": ""}}}}},
                 {"entities": {ENTITY: {"patch": {"$set": {"integrationName": LONG}}}}},
                 {"entities": {ENTITY: {"patch": {"$set": {"integrationName": None}}}}},
                 {"entities": {ENTITY: {"patch": {"$set": {"integrationName": "n", "onboardingStatus": "ENABLED"}}}}},
                 {"entities": {LONG[:3000]: good["entities"][ENTITY]}}, {"entities": {"(a:": {"patch": {}}}}, []):
        yield Case("customer", "POST", f"{ATS}?{V1}", {"json": body, "headers": PATCH})
    yield from (Case(c.who, c.method, f"{ATS}?{V1}", {**c.kwargs, "headers": PATCH})
                for c in json_kin("customer", "POST", ATS, good, "x", "y"))
    tunnel = {"X-HTTP-Method-Override": "GET", "X-RestLi-Method": "batch_get"}
    yield Case("customer", "POST", ATS, {"content": V1, "headers": {**tunnel, "Content-Type": "application/json"}})
    yield Case("customer", "POST", ATS, {"content": "ids=é".encode(), "headers": {
        **tunnel, "Content-Type": "application/x-www-form-urlencoded"}})
    configurations = f"{ATS}/{V2_KEY}/configurations"
    update = {"X-RestLi-Method": "batch_update"}
    value = {"configurationValue": {"string": "https://ats.example.com/x"}}
    for path, query, body in (
            (configurations, "ids=CALLBACK_URL", {"entities": {"CALLBACK_URL": {
                "configurationValue": {"string": LONG}}}}),
            (configurations, "ids=NOPE", {"entities": {"NOPE": value}}),
            (configurations, "ids=VIEWER_SETTING", {"entities": {"VIEWER_SETTING": {"configurationValue": {
                "string": "ALL_SEATS"}}}}),
            (configurations, "ids=CALLBACK_URL", {"entities": {"CALLBACK_URL": {"configurationValue": {}}}}),
            (configurations, "", {"entities": {"CALLBACK_URL": value}}),
            (f"{ATS}/(a:b)/configurations", "ids=CALLBACK_URL", {"entities": {"CALLBACK_URL": value}}),
            (f"{ATS}/{LONG[:2500]}/configurations", "ids=CALLBACK_URL", {"entities": {"CALLBACK_URL": value}}),
            (f"{ATS}/x=1/configurations", "ids=CALLBACK_URL", {"entities": {"CALLBACK_URL": value}})):
        yield Case("customer", "PUT", f"{path}?{query}", {"json": body, "headers": update})
    yield Case("customer", "PUT", f"{configurations}?ids=CALLBACK_URL", {"json": {"entities": {"CALLBACK_URL": value}}})
    for version in (None, "", "2024", "202413", LONG[:21], "202401.1"):
        headers = {"LinkedIn-Version": version} if version is not None else {}
        yield Case("customer", "GET", f"/rest/atsIntegrations?{V1}", {"headers": headers})


def connect() -> Iterator[Case]:
    """Connect's client mode, with a client of the tenant that holds its scope."""
    path = "/capi/v1/client/recruitment"
    line = {"couponCode": "Datanews", "couponNumber": 1, "amount": 100, "quantity": 1, "email": "a@b.example"}
    valid = {"product": "CO27409", "campaign": "Spring2019", "recruiter": {"customerNumber": 34272},
             "recruitments": [line]}
    yield from json_kin("connect", "POST", path, valid, "product", "recruitments")
    for change in ({"product": LONG}, {"campaign": None}, {"recruitments": [line] * 101}, {"recruitments": "x"},
                   {"recruiter": {"customerNumber": 2**64}}, {"recruiter": {"email": LONG}},
                   {"recruitmentPremiumPreferences": [{"companyCode": "x", "product": "y", "preferenceNumber": 2**40}]},
                   {"recruitments": [{**line, "amount": "1e400"}]}, {"recruitments": [{**line, "quantity": 2**63}]},
                   {"recruitments": [{**line, "address": {"floor": 10**9}}]}, {"extra": 1}):
        yield Case("connect", "POST", path, {"json": {**valid, **change}})
    yield Case("connect", "POST", path, {"json": valid, "headers": {"Idempotency-Key": LONG[:300]}})
    for campaign in (LONG[:13], "%00"):
        yield Case("connect", "GET", f"/capi/v1/recruitment/{campaign}", {})


def widget() -> Iterator[Case]:
    """The configuration plugin's API, with the grant of the customer's admin."""
    requests = "/uas/widgets/ats/requests"
    for body in ({"api_key": "nobody", "type": "APPLY_WITH_LINKEDIN"}, {"api_key": LONG, "type": "x"},
                 {"type": "APPLY_WITH_LINKEDIN"}, {"api_key": "x", "type": None}, [], "x"):
        yield Case("widget", "POST", requests, {"json": body})
    yield from json_kin("widget", "POST", requests, {"api_key": "x", "type": "y"}, "type", "api_key")
    yield Case("widget", "GET", "/uas/widgets/ats/state", {"params": {"api_key": LONG}})
    yield Case("widget", "GET", "/uas/widgets/ats/state", {"params": {"api_key": "x", "types": LONG}})
    yield Case("widget", "POST", "/uas/widgets/ats/confirmations", {"json": {"api_key": "x", "type": "y"}})


@dataclass
class World:
    http: TestClient
    runtime: Runtime
    headers: dict[str, dict[str, str]]
    records: dict[str, int]
    creds: dict[str, Credentials]


@pytest.fixture
def world(runtime: Runtime, client: TestClient, operator_headers: dict[str, str]) -> World:
    """Tenant 218 with one of each record, and a credential for every caller."""
    factories.tenant(runtime, 218)
    factories.partner(runtime, "bg", tenants=(218,))
    records = factories.recruitment(runtime, 218)
    creds = {"pageup": factories.client(runtime, " ".join(HIRE_SCOPES), tenant_id=218),
             "provider": factories.client(runtime, "Public.BackgroundCheck.Read Public.BackgroundCheck.Write",
                                          partner_code="bg")}
    bearer = {who: token_response(client, c, instanceId="218").json()["access_token"] for who, c in creds.items()}
    factories.partner(runtime, "ats", tenants=(218,))
    parent = factories.client(runtime, "LinkedIn.Provisioning", partner_code="ats")
    bearer["linkedin"] = client.post("/oauth/v2/accessToken", data={
        "grant_type": "client_credentials", "client_id": parent.client_id,
        "client_secret": parent.client_secret}).json()["access_token"]
    with runtime.db.transaction() as session:
        _, gupy_token = api_tokens.create(session, Caller.operator(218), name="all",
                                          scopes=[s.value for s in GupyScope], clock=runtime.clock)
    bearer["customer"], bearer["widget"] = _customer_app(runtime, client, bearer["linkedin"])
    connect_client = factories.client(runtime, "Connect.Recruitment.Client", tenant_id=218)
    bearer["connect"] = token_response(client, connect_client, instanceId="218").json()["access_token"]
    headers = {**{who: {"Authorization": f"Bearer {b}"} for who, b in bearer.items()},
               "gupy": {"Authorization": f"Bearer {gupy_token}"}, "manage": operator_headers, "oauth": {}}
    return World(client, runtime, headers, records, creds)


def _customer_app(runtime: Runtime, client: TestClient, parent_token: str) -> tuple[str, str]:
    """A partner's app for tenant 218 with Apply with LinkedIn requested by the tenant's admin: its token,
    and the admin's plugin grant (the sign-in window's)."""
    created = client.post("/v2/provisionedApplications", headers={"Authorization": f"Bearer {parent_token}"}, json={
        "uniqueForeignId": "c", "name": "n", "description": "d", "tenantId": 218}).json()
    admin = factories.member(runtime, "admin@example.com")
    app_id = int(created["key"].rsplit(":", 1)[1])
    with runtime.db.transaction() as session:
        app = session.get(PartnerApp, app_id)
        assert app is not None
        integrations.request(session, app, integrations.administrator(session, app, admin),
                             "APPLY_WITH_LINKEDIN", clock=runtime.clock)
        token = signin.start(session, accounts.get(session, admin), clock=runtime.clock, lifetime=3600)
        signed_in = signin.resolve(session, token, clock=runtime.clock, idle=3600)
        assert signed_in is not None
    expires = runtime.clock.now() + timedelta(seconds=600)
    signature = runtime.urls.sign(GRANT, signed_in.session_id, app_id, expires=expires)
    customer = client.post("/oauth/v2/accessToken", data={
        "grant_type": "client_credentials", "client_id": created["credentials"]["client_id"],
        "client_secret": created["credentials"]["client_secret"]}).json()["access_token"]
    return customer, f"{signed_in.session_id}.{app_id}.{int(expires.timestamp())}.{signature}"


def reflected(runtime: Runtime) -> MetaData:
    """Every table the database holds (reflected, so a table no model names counts too)."""
    tables = MetaData()
    tables.reflect(bind=runtime.db.engine)
    return tables


def snapshot(runtime: Runtime, tables: MetaData) -> dict[str, list[str]]:
    """Every row of every table."""
    with runtime.db.engine.connect() as conn:
        return {t.name: sorted(repr(row) for row in conn.execute(select(t))) for t in tables.sorted_tables}


CORPORA: dict[str, Callable[[World], Iterator[Case]]] = {
    "pageup": lambda w: pageup(w.records), "gupy": lambda w: gupy(w.records), "manage": lambda w: manage(w.records),
    "oauth": lambda w: oauth(w.creds), "linkedin": lambda w: linkedin(), "customer": lambda w: customer(),
    "widget": lambda w: widget(), "connect": lambda w: connect(),
}


@pytest.mark.parametrize("corpus", list(CORPORA))
def test_hostile_input_is_refused_in_the_dialects_shape_and_changes_nothing(world: World, corpus: str):
    tables = reflected(world.runtime)  # once: reflecting the schema took most of each case's time
    before = snapshot(world.runtime, tables)
    cases = list(CORPORA[corpus](world))
    failures = []
    for case in cases:
        kwargs = dict(case.kwargs)
        headers = {**world.headers[case.who], **kwargs.pop("headers", {})}
        answer = world.http.request(case.method, case.path, headers=headers, **kwargs)
        problems = []
        if not 400 <= answer.status_code < 500:
            problems.append(f"answered {answer.status_code}")
        try:
            if not SHAPES[case.dialect](answer.json()):
                problems.append("not in the dialect's error shape")
        except ValueError:
            problems.append("not JSON")
        after = snapshot(world.runtime, tables)
        if after != before:
            problems.append("changed " + ", ".join(t for t in after if after[t] != before.get(t)))
            before = after
        if problems:
            failures.append(f"{case} -> {'; '.join(problems)}: {answer.text[:200]}")
    assert not failures, f"{len(failures)} of {len(cases)} hostile requests were not refused cleanly:\n" + "\n".join(
        failures)
