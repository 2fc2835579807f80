"""PageUp's Background Checking API for providers: poll pending checks, report status and results."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, Field

from hireport.dialects.pageup.auth import hire
from hireport.dialects.pageup.fuzzy import JSONResponseMaybeFuzzy
from hireport.dialects.pageup.scopes import Scope
from hireport.dialects.pageup.shapes import to_wire
from hireport.kit.auth import Caller
from hireport.kit.bounds import LONG_TEXT, Id32, RowId
from hireport.kit.errors import InvalidInput
from hireport.kit.tenant_settings import TenantSetting
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import CheckStatus
from hireport.services import checks, identity
from hireport.services.checks import CheckResult, CheckState, PendingCheck, Report

router = APIRouter(prefix="/{tenantId}/backgroundchecking", tags=["BackgroundChecking"])

# What an operator turns per tenant (`PATCH /manage/v1/tenants/{id}` with `settings`): PageUp's fuzzy serializer
# on this API's answers, and the leases a poll for pending checks takes (false: every poll the oldest five).
FUZZY = TenantSetting("fuzzy_serializer", bool, default=True)
LEASED = TenantSetting("pending_checks_leased", bool, default=True)


ReadCaller = Annotated[Caller, Depends(hire(Scope.background_check_read, partner=True))]
WriteCaller = Annotated[Caller, Depends(hire(Scope.background_check_write, partner=True))]


class ResultIn(BaseModel):
    reportLink: str | None = Field(default=None, max_length=2000,
                                  description="An authenticated http(s) link to the report")
    reportType: str | None = Field(default=None, max_length=200,
                                  description="Required: the kind of check, e.g. Credit Check")
    status: str | None = Field(default=None, max_length=50, description="The outcome, e.g. pass")


class CheckUpdate(BaseModel):
    """A full replacement of the check's provider-reported state: a field left out is cleared."""

    status: str = Field(max_length=20, description="queued, pending (only from queued), new, inprogress, expired, "
                                                   "completed, cancelled or failed")
    referenceNumber: str | None = Field(default=None, max_length=200)
    reasonForFail: str | None = Field(default=None, max_length=LONG_TEXT)
    results: list[ResultIn] | None = Field(default=None, max_length=50)
    note: Any = Field(default=None, description="Legacy; accepted and ignored")


@router.get("", summary="Pending background checks for the calling provider (at most 5)")
async def poll(tenantId: Id32, rt: RuntimeDep, caller: ReadCaller,
               status: Annotated[str, Query(max_length=20, description="Only `pending` is served")] = "pending",
               provider: Annotated[str | None, Query(min_length=1, max_length=50,
                                                     description="Your provider code (optional)")] = None,
               ) -> JSONResponseMaybeFuzzy:
    """Up to 5 of the oldest pending checks addressed to you that no poll was handed in the last
    30 seconds: each poll is given its own, so parallel pollers do not race for the same checks. Queue
    each (`PUT {"status": "queued"}`) as soon as you read it: it then leaves this list for good. A check
    you were handed but did not queue comes back (to you or another poller) once its 30 seconds are up.
    A tenant may ask for the strict answer instead, the 5 oldest pending checks to every poll
    (`PATCH /manage/v1/tenants/{id}` with `{"settings": {"pending_checks_leased": false}}`).
    Checks in any other status cannot be listed: `status` other than `pending` is a 400."""
    if status.lower() != CheckStatus.pending:
        raise InvalidInput("only status=pending can be listed; checks leave this API once they move on",
                           field="status")

    def hand_out(session: DbSession) -> JSONResponseMaybeFuzzy:
        settings = identity.tenant_settings(session, tenantId, remembered=rt.confirmed)
        found = checks.pending(session, caller, provider=provider, clock=rt.clock,
                               leased=settings[LEASED.name])
        return JSONResponseMaybeFuzzy([_pending(p) for p in found], fuzzy=settings[FUZZY.name])

    return await rt.db.write(hand_out)  # a poll takes leases: it writes


@router.put("/{checkId}", summary="Report a background check's status (full replacement)")
async def report(tenantId: Id32, checkId: RowId, rt: RuntimeDep, caller: WriteCaller,
                 body: Annotated[CheckUpdate, Body()]) -> JSONResponseMaybeFuzzy:
    """The body replaces what the check holds: a field left out is cleared. `queued` claims a pending check
    (a second claim is a 409); `pending` only from `queued` (for test resets); `new` needs `referenceNumber`;
    `completed`/`cancelled` need `referenceNumber` and `results`; `failed` needs `reasonForFail`; `inprogress`
    may carry partial results. Each result needs `reportType`; `reportLink` is an http(s) URL."""
    report = _report(body)

    def apply(session: DbSession) -> JSONResponseMaybeFuzzy:
        check = checks.report(session, caller, checkId, report, clock=rt.clock)
        fuzzy = identity.tenant_settings(session, tenantId, remembered=rt.confirmed)[FUZZY.name]
        return JSONResponseMaybeFuzzy(_state(check), fuzzy=fuzzy)

    return await rt.db.write(apply)


def _report(body: CheckUpdate) -> Report:
    try:
        status = CheckStatus(body.status.strip().lower())
    except ValueError:
        raise InvalidInput(f"unknown status {body.status!r}", field="status") from None
    results = None if body.results is None else [
        CheckResult(report_type=r.reportType or "", report_link=r.reportLink, status=r.status) for r in body.results]
    return Report(status=status, reference_number=body.referenceNumber, reason_for_fail=body.reasonForFail,
                  results=results)


def _pending(p: PendingCheck) -> dict[str, Any]:
    return {
        "backgroundcheckrequest": {"id": p.id, "status": p.status.value, "provider": p.partner_code,
                                   "createdDate": to_wire(p.created_at)},
        "applicant": {"id": p.applicant_id, "firstName": p.first_name, "middleName": p.middle_name,
                      "lastName": p.last_name, "emailid": p.email, "phone": p.phone},
        "application": {"id": p.application_id,
                        "job": {"id": p.job_id, "title": p.job_title, "divisioncode": p.division_code,
                                "externalId": p.job_external_id}},
        "package": {"code": p.package_code, "name": p.package_name},
        "note": None,
    }


def _state(check: CheckState) -> dict[str, Any]:
    return {"id": check.id, "status": check.status.value, "referenceNumber": check.reference_number,
            "reasonForFail": check.reason_for_fail, "updatedDate": to_wire(check.updated_at),
            "results": [{"reportLink": r["report_link"], "reportType": r["report_type"], "status": r["status"]}
                        for r in check.results]}


