"""Background checks: a recruiter orders one from a provider partner; the provider polls for pending
checks, claims each (`queued`) exactly once, and reports progress and results with full replacements."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound
from hireport.kit.pagination import Page, keyset_page
from hireport.kit.tenancy import get_scoped, scoped, scoped_update
from hireport.models import Applicant, Application, BackgroundCheck, CheckStatus, Job, Partner, TenantPartner
from hireport.services.check_status import ALLOWED, REQUIRED, WITH_RESULTS

POLL_LIMIT = 5


@dataclass(frozen=True)
class CheckResult:
    report_type: str
    report_link: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Report:
    """A provider's full report of a check: what it does not say is cleared."""

    status: CheckStatus
    reference_number: str | None = None
    reason_for_fail: str | None = None
    results: list[CheckResult] | None = None


@dataclass(frozen=True)
class PendingCheck:
    check: BackgroundCheck
    application: Application
    applicant: Applicant
    job: Job
    partner_code: str


def order(session: Session, caller: Caller, *, application_id: int, partner_code: str, package_code: str,
          clock: Clock, package_name: str | None = None) -> BackgroundCheck:
    """Order a check on an application from a provider the tenant uses; it starts `pending`."""
    tenant_id = caller.require_tenant()
    get_scoped(session, Application, caller, application_id, what="application")
    partner = session.scalar(select(Partner).where(Partner.code == partner_code))
    if partner is None or session.get(TenantPartner, (tenant_id, partner.id)) is None:
        raise NotFound(f"this tenant does not use a provider {partner_code!r}")
    if not package_code.strip():
        raise InvalidInput("a check needs a package code", field="package_code")
    now = clock.now()
    check = BackgroundCheck(tenant_id=tenant_id, application_id=application_id, partner_id=partner.id,
                            package_code=package_code.strip(), package_name=package_name, status=CheckStatus.pending,
                            results=[], created_at=now, updated_at=now)
    session.add(check)
    session.flush()
    return check


def get(session: Session, caller: Caller, check_id: int) -> BackgroundCheck:
    return get_scoped(session, BackgroundCheck, caller, check_id, what="background check")


def list_page(session: Session, caller: Caller, *, limit: int, cursor: str | None,
              application_id: int | None = None) -> Page[BackgroundCheck]:
    stmt = scoped(BackgroundCheck, caller)
    if application_id is not None:
        stmt = stmt.where(BackgroundCheck.application_id == application_id)
    return keyset_page(session, stmt, BackgroundCheck.id, limit=limit, cursor=cursor)


def pending(session: Session, caller: Caller, *, provider: str | None = None,
            limit: int = POLL_LIMIT) -> list[PendingCheck]:
    """The oldest pending checks addressed to the calling provider in its tenant (at most `limit`).
    A provider code, if given, must be the caller's own."""
    partner_id = caller.require_partner()
    if provider is not None:
        own = session.scalar(select(Partner.code).where(Partner.id == partner_id))
        if provider != own:
            raise Forbidden(f"the access token is for provider {own!r}, not {provider!r}")
    stmt = (scoped(BackgroundCheck, caller).add_columns(Application, Applicant, Job, Partner.code)
            .join(Application, Application.id == BackgroundCheck.application_id)
            .join(Applicant, Applicant.id == Application.applicant_id)
            .join(Job, Job.id == Application.job_id)
            .join(Partner, Partner.id == BackgroundCheck.partner_id)
            .where(BackgroundCheck.partner_id == partner_id, BackgroundCheck.status == CheckStatus.pending)
            .order_by(BackgroundCheck.id).limit(limit))
    return [PendingCheck(*row) for row in session.execute(stmt)]


def report(session: Session, caller: Caller, check_id: int, new: Report, *, clock: Clock) -> BackgroundCheck:
    """Apply a provider's report: the transition must be allowed and the report complete. The move is a
    conditional update on the status it was read in, so of two concurrent reports (two pollers claiming
    the same check) exactly one wins and the other gets a 409."""
    check = _providers_check(session, caller, check_id)
    current = check.status
    if new.status not in ALLOWED[current]:
        if current == CheckStatus.queued and new.status == CheckStatus.queued:
            raise InvalidTransition(f"background check {check_id} is already queued (claimed)")
        raise InvalidTransition(f"a {current} background check cannot become {new.status}")
    results = _validate(new)
    values: dict[str, Any] = {"status": new.status, "reference_number": new.reference_number,
                              "reason_for_fail": new.reason_for_fail, "results": results,
                              "updated_at": clock.now()}
    moved = session.execute(
        scoped_update(BackgroundCheck, caller).where(BackgroundCheck.id == check.id, BackgroundCheck.status == current)
        .values(**values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"background check {check_id} changed while this report was made; read it again")
    session.refresh(check)
    return check


def _providers_check(session: Session, caller: Caller, check_id: int) -> BackgroundCheck:
    partner_id = caller.require_partner()
    check = session.scalar(scoped(BackgroundCheck, caller).where(BackgroundCheck.id == check_id,
                                                                 BackgroundCheck.partner_id == partner_id))
    if check is None:  # another tenant's, another provider's, or none: the same answer
        raise NotFound(f"background check {check_id} not found")
    return check


def _validate(new: Report) -> list[dict[str, Any]]:
    missing = [field for field in REQUIRED.get(new.status, ()) if not _given(new, field)]
    if missing:
        raise InvalidInput(f"status {new.status} needs {' and '.join('{' + f + '}' for f in missing)}",
                           details=[{"field": f, "message": f"required for status {new.status}"} for f in missing])
    if new.results and new.status not in WITH_RESULTS:
        raise InvalidInput(f"status {new.status} carries no results", field="results")
    out = []
    for index, result in enumerate(new.results or []):
        where = f"results[{index}]"
        if not result.report_type or not result.report_type.strip():
            raise InvalidInput("every result needs a {report_type}", field=f"{where}.report_type")
        if result.report_link is not None and not _is_web_link(result.report_link):
            raise InvalidInput("a {report_link} must be an http or https URL", field=f"{where}.report_link")
        if result.report_link is None and new.status != CheckStatus.inprogress:
            raise InvalidInput(f"every result of a {new.status} check needs a {{report_link}}",
                               field=f"{where}.report_link")
        out.append({"report_link": result.report_link, "report_type": result.report_type.strip(),
                    "status": result.status})
    return out


def _given(new: Report, field: str) -> bool:
    value = {"reference_number": new.reference_number, "reason_for_fail": new.reason_for_fail,
             "results": new.results}[field]
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def _is_web_link(link: str) -> bool:
    """The seed asks for an authenticated link to the report, not a scheme, and the vendor's own example
    sends `http`: both web schemes are accepted; anything else (javascript:, data:, file:) is not."""
    parts = urlsplit(link)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
