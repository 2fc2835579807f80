"""Background checks: a recruiter orders one from a provider partner; the provider polls for pending
checks, claims each (`queued`) exactly once, and reports progress and results with full replacements."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, Forbidden, InvalidInput, InvalidTransition, NotFound
from hireport.kit.pagination import Page, keyset_page
from hireport.kit.query import Query
from hireport.kit.tenancy import bound, get_scoped, prepared, prepared_update, scoped
from hireport.models import (
    Applicant,
    Application,
    BackgroundCheck,
    CheckStatus,
    Job,
    Partner,
    PartnerKind,
    TenantPartner,
)
from hireport.services import identity
from hireport.services.check_status import ALLOWED, REQUIRED, WITH_RESULTS

PROVIDER_KIND = PartnerKind.background_check  # the partners that run checks

POLL_LIMIT = 5
LEASE_SECONDS = 30  # long enough to claim five checks, short enough that a dead poller's come back soon


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


@dataclass(slots=True)
class PendingCheck:
    """A pending check as its provider is handed it: the check, and the applicant, application and job it is
    about (a read model: plain values, loaded with one statement built once)."""

    id: int
    status: CheckStatus
    partner_code: str
    created_at: datetime
    package_code: str
    package_name: str | None
    applicant_id: int
    first_name: str
    middle_name: str | None
    last_name: str
    email: str
    phone: str | None
    application_id: int
    job_id: int
    job_title: str
    division_code: str | None
    job_external_id: str | None


_HANDED = (prepared(BackgroundCheck, BackgroundCheck.id, BackgroundCheck.status, Partner.code,
                    BackgroundCheck.created_at, BackgroundCheck.package_code, BackgroundCheck.package_name,
                    Applicant.id, Applicant.first_name, Applicant.middle_name, Applicant.last_name, Applicant.email,
                    Applicant.phone, Application.id, Job.id, Job.title, Job.division_code, Job.external_id,
                    joins=((Application, Application.id == BackgroundCheck.application_id),
                           (Applicant, Applicant.id == Application.applicant_id),
                           (Job, Job.id == Application.job_id)))
           .join(Partner, Partner.id == BackgroundCheck.partner_id))
_PENDING = (BackgroundCheck.partner_id == bindparam("partner"), BackgroundCheck.status == CheckStatus.pending)
_PARTNER_CODE = Query(select(Partner.code).where(Partner.id == bindparam("partner")))
# The strict answer: the oldest pending checks, leased or not.
_OLDEST = Query(_HANDED.where(*_PENDING).order_by(BackgroundCheck.id).limit(bindparam("limit")))
# The checks a poll was just handed.
_BY_IDS = Query(_HANDED.where(BackgroundCheck.id.in_(bindparam("ids", expanding=True))).order_by(BackgroundCheck.id))
# The oldest pending checks no live lease holds: on PostgreSQL, locked (the rows another poll is leasing
# skipped) and materialized, so the LIMIT holds (as a subquery in an UPDATE's WHERE, PostgreSQL may run it
# again for every row, each time skipping the rows already leased, and lease more).
_DUE = select((prepared(BackgroundCheck, BackgroundCheck.id)
               .where(*_PENDING, or_(BackgroundCheck.leased_until.is_(None),
                                     BackgroundCheck.leased_until <= bindparam("now")))
               .order_by(BackgroundCheck.id).limit(bindparam("limit")).with_for_update(skip_locked=True)
               .cte("due").prefix_with("MATERIALIZED", dialect="postgresql")).c.id)
# One statement takes the leases: WITH due AS (the oldest unleased, locked) UPDATE ... RETURNING id.
_LEASE = Query(prepared_update(BackgroundCheck).where(BackgroundCheck.id.in_(_DUE))
               .values(leased_until=bindparam("until")).returning(BackgroundCheck.id))


def providers(session: Session, tenant_id: int) -> list[Partner]:
    """The background-check providers the tenant uses (a tenant's other partners, an ATS, check nothing)."""
    return [p for p in identity.tenant_partners(session, tenant_id) if p.kind == PROVIDER_KIND]


def order(session: Session, caller: Caller, *, application_id: int, partner_code: str, package_code: str,
          clock: Clock, package_name: str | None = None) -> BackgroundCheck:
    """Order a check on an application from a background-check provider the tenant uses; it starts `pending`."""
    tenant_id = caller.require_tenant()
    get_scoped(session, Application, caller, application_id, what="application")
    partner = session.scalar(select(Partner).where(Partner.code == partner_code, Partner.kind == PROVIDER_KIND))
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


def pending(session: Session, caller: Caller, *, clock: Clock, leased: bool = True, provider: str | None = None,
            limit: int = POLL_LIMIT) -> list[PendingCheck]:
    """The oldest pending checks addressed to the calling provider in its tenant (at most `limit`). A
    provider code, if given, must be the caller's own.

    With `leased` (the default), only checks no poll was handed in the last `LEASE_SECONDS`, each then
    leased to this poll: parallel pollers get different checks instead of racing for the same ones. The
    lease is taken in this transaction (which must be a writing one), so it holds across processes; a
    check its poller never claimed comes back when the lease ends, and a report ends it. Without
    `leased`, the strict answer: the oldest, whoever was handed them, and no lease taken."""
    partner_id = caller.require_partner()
    if provider is not None:
        row = _PARTNER_CODE.first(session, {"partner": partner_id})
        own = row[0] if row else None
        if provider != own:
            raise Forbidden(f"the access token is for provider {own!r}, not {provider!r}")
    if not leased:
        return [PendingCheck(*row) for row in _OLDEST.rows(session, bound(caller, partner=partner_id, limit=limit))]
    # On PostgreSQL a concurrent poll skips the rows this one is leasing (and re-checks, once this one
    # commits, that they are still unleased); on SQLite this writing transaction holds the write lock.
    now = clock.now()
    leased_ids = [row[0] for row in _LEASE.rows(session, bound(caller, partner=partner_id, now=now, limit=limit,
                                                               until=now + timedelta(seconds=LEASE_SECONDS)))]
    if not leased_ids:
        return []
    return [PendingCheck(*row) for row in _BY_IDS.rows(session, bound(caller, ids=leased_ids))]


@dataclass(slots=True)
class CheckState:
    """A check as its provider last reported it: what a report is answered with."""

    id: int
    status: CheckStatus
    reference_number: str | None
    reason_for_fail: str | None
    results: list[dict[str, Any]]
    updated_at: datetime


_PROVIDERS_STATUS = Query(prepared(BackgroundCheck, BackgroundCheck.status)
                          .where(BackgroundCheck.id == bindparam("check"),
                                 BackgroundCheck.partner_id == bindparam("partner")))
# The move, on the status it was read in; it answers with the new state (no row: another report won).
_MOVE = Query(prepared_update(BackgroundCheck)
              .where(BackgroundCheck.id == bindparam("check"), BackgroundCheck.status == bindparam("current"))
              .values(status=bindparam("status"), reference_number=bindparam("reference_number"),
                      reason_for_fail=bindparam("reason_for_fail"), results=bindparam("results"),
                      leased_until=None, updated_at=bindparam("now"))
              .returning(BackgroundCheck.id, BackgroundCheck.status, BackgroundCheck.reference_number,
                         BackgroundCheck.reason_for_fail, BackgroundCheck.results, BackgroundCheck.updated_at))


def report(session: Session, caller: Caller, check_id: int, new: Report, *, clock: Clock) -> CheckState:
    """Apply a provider's report: the transition must be allowed and the report complete. The move is a
    conditional update on the status it was read in, so of two concurrent reports (two pollers claiming
    the same check) exactly one wins and the other gets a 409. Two statements, built once: a claim is the
    busiest write of the API."""
    row = _PROVIDERS_STATUS.first(session, bound(caller, check=check_id, partner=caller.require_partner()))
    if row is None:  # another tenant's, another provider's, or none: the same answer
        raise NotFound(f"background check {check_id} not found")
    current = row[0]
    if new.status not in ALLOWED[current]:
        if current == CheckStatus.queued and new.status == CheckStatus.queued:
            raise InvalidTransition(f"background check {check_id} is already queued (claimed)")
        raise InvalidTransition(f"a {current} background check cannot become {new.status}")
    results = _validate(new)
    moved = _MOVE.first(session, bound(caller, check=check_id, current=current, status=new.status,
                                       reference_number=new.reference_number, reason_for_fail=new.reason_for_fail,
                                       results=results, now=clock.now()))
    if moved is None:
        raise Conflict(f"background check {check_id} changed while this report was made; read it again")
    loaded = session.identity_map.get(session.identity_key(BackgroundCheck, check_id))
    if loaded is not None:
        session.expire(loaded)  # the session's copy, if it holds one, is read again when next used
    return CheckState(*moved)


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
