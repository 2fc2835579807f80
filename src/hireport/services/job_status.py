"""The job (requisition) lifecycle, as data: which status may follow which, and what
each target status requires of the job. Every dialect changes job status only through `change`.

Where the seed is silent, hireport decides (documented in the dialects' OpenAPI):
waiting_approval may also be disapproved; a disapproved job may go back to draft to be reworked;
a frozen job may be published again (the publishing requirements apply again).
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from hireport.kit.errors import InvalidTransition
from hireport.kit.tenancy import in_tenant
from hireport.models import Application, ApplicationStatus, Job, JobStatus

S = JobStatus

ALLOWED: dict[JobStatus, frozenset[JobStatus]] = {
    S.draft: frozenset({S.waiting_approval, S.approved, S.disapproved}),
    S.waiting_approval: frozenset({S.approved, S.disapproved}),
    S.disapproved: frozenset({S.draft}),
    S.approved: frozenset({S.published}),
    S.published: frozenset({S.frozen, S.canceled, S.closed}),
    S.frozen: frozenset({S.published, S.canceled, S.closed}),
    S.canceled: frozenset(),
    S.closed: frozenset(),
}


@dataclass(frozen=True)
class Rule:
    """A requirement of a target status; `check` returns True when the job meets it."""

    field: str
    message: str
    check: Callable[[Job], bool]


_VACANCIES = Rule("num_vacancies", "{num_vacancies} must be greater than zero", lambda j: (j.num_vacancies or 0) > 0)
_DESCRIPTION = Rule("description", "{description} must not be empty", lambda j: bool(j.description))

REQUIRED: dict[JobStatus, tuple[Rule, ...]] = {
    S.waiting_approval: (_VACANCIES, _DESCRIPTION),
    S.approved: (_VACANCIES, _DESCRIPTION),
    S.disapproved: (_VACANCIES, _DESCRIPTION),
    S.published: (
        Rule("career_page_id", "{career_page_id} is required to publish", lambda j: j.career_page_id is not None),
        Rule("hiring_deadline", "{hiring_deadline} is required to publish", lambda j: j.hiring_deadline is not None),
        Rule("custom_fields", "every custom field needs an id",
             lambda j: all(isinstance(f, dict) and f.get("id") for f in j.custom_fields)),
    ),
    S.canceled: (Rule("cancel_reason", "{cancel_reason} is required to cancel", lambda j: bool(j.cancel_reason)),),
}

FINAL = frozenset(s for s, targets in ALLOWED.items() if not targets)


def change(session: Session, job: Job, target: JobStatus) -> None:
    """Move `job` to `target`, or raise `InvalidTransition` naming the rule that fails.
    Asking for the status the job already has changes nothing."""
    if target == job.status:
        return
    if target not in ALLOWED[job.status]:
        if job.status in FINAL:
            raise InvalidTransition(f"a {job.status} job is final and cannot change status")
        allowed = ", ".join(sorted(ALLOWED[job.status]))
        raise InvalidTransition(f"a {job.status} job cannot become {target}; it may become: {allowed}")
    failed = [rule for rule in REQUIRED.get(target, ()) if not rule.check(job)]
    if failed:
        raise InvalidTransition(
            f"cannot move the job to {target}: " + "; ".join(r.message for r in failed),
            details=[{"field": r.field, "message": r.message} for r in failed],
        )
    if target == S.canceled and _has_hired(session, job):
        raise InvalidTransition("cannot cancel a job that has a hired application")
    job.status = target


def _has_hired(session: Session, job: Job) -> bool:
    stmt = (in_tenant(Application, job.tenant_id).with_only_columns(Application.id)
            .where(Application.job_id == job.id, Application.status == ApplicationStatus.hired).limit(1))
    return session.scalar(stmt) is not None
