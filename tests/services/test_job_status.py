"""The job lifecycle, every pair of statuses: allowed moves succeed once their rules hold, the rest refuse."""

import itertools

import pytest

from hireport.kit.errors import InvalidTransition
from hireport.models import Job, JobStatus
from hireport.services import job_status
from hireport.services.job_status import ALLOWED, REQUIRED

S = JobStatus
# The moves, written out rather than read from the table under test. The seed's (Gupy's "Regras de alteração de
# status": draft to waiting_approval, approved or disapproved; waiting_approval to approved; approved to published;
# published to frozen; published or frozen to canceled or closed) and hireport's own, documented in job_status: a
# job waiting for approval may be disapproved, a disapproved one reworked as a draft, a frozen one published again.
SEED = {(S.draft, S.waiting_approval), (S.draft, S.approved), (S.draft, S.disapproved),
        (S.waiting_approval, S.approved), (S.approved, S.published), (S.published, S.frozen),
        (S.published, S.canceled), (S.frozen, S.canceled), (S.published, S.closed), (S.frozen, S.closed)}
OURS = {(S.waiting_approval, S.disapproved), (S.disapproved, S.draft), (S.frozen, S.published)}
MOVES = SEED | OURS

# Moves into canceled consult the applications: those pairs run with a database, further down.
PAIRS = [(a, b) for a, b in itertools.product(JobStatus, JobStatus) if not (b == S.canceled and (a, b) in MOVES)]


def test_the_table_holds_exactly_these_moves():
    assert {(a, b) for a, targets in ALLOWED.items() for b in targets} == MOVES


def _job(status: JobStatus, **fields) -> Job:
    return Job(tenant_id=1, status=status, code="c", title="t", custom_fields=[], attributes={}, **fields)


def _complete(status: JobStatus) -> Job:
    from datetime import date

    return _job(status, num_vacancies=2, description="d", career_page_id=1, hiring_deadline=date(2027, 1, 1),
                cancel_reason="cancellation_requested_by_manager")


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair(source: JobStatus, target: JobStatus):
    job = _complete(source)
    if target == source:
        job_status.change(None, job, target)  # type: ignore[arg-type]
        assert job.status == source
    elif (source, target) in MOVES:
        job_status.change(None, job, target)  # type: ignore[arg-type]
        assert job.status == target
    else:
        with pytest.raises(InvalidTransition) as refused:
            job_status.change(None, job, target)  # type: ignore[arg-type]
        assert str(source) in refused.value.message and job.status == source


RULES = [(target, i) for target, rules in REQUIRED.items() for i in range(len(rules))]


@pytest.mark.parametrize(("target", "rule_index"), RULES, ids=[f"{t}-{REQUIRED[t][i].field}" for t, i in RULES])
def test_each_requirement_is_enforced_and_named(target: JobStatus, rule_index: int):
    rules = REQUIRED[target]
    source = next(a for a, b in sorted(MOVES) if b == target)
    job = _complete(source)
    field = rules[rule_index].field  # the job's own (neutral) field: the dialects spell it
    broken = {"num_vacancies": 0, "description": "", "career_page_id": None, "hiring_deadline": None,
              "custom_fields": [{"id": None, "value": "x"}], "cancel_reason": None}[field]
    setattr(job, field, broken)
    with pytest.raises(InvalidTransition) as refused:
        job_status.change(None, job, target)  # type: ignore[arg-type]
    assert refused.value.details == [{"field": rules[rule_index].field, "message": rules[rule_index].message}]
    assert job.status == source


def test_final_statuses_say_so():
    for final in (JobStatus.closed, JobStatus.canceled):
        with pytest.raises(InvalidTransition, match="final"):
            job_status.change(None, _complete(final), JobStatus.published)  # type: ignore[arg-type]


@pytest.mark.parametrize("source", [JobStatus.published, JobStatus.frozen])
def test_cancel_is_refused_while_an_application_is_hired(runtime, source):
    from hireport.kit.auth import Caller
    from hireport.models import ApplicationStatus
    from hireport.services import applications
    from tests import factories

    factories.tenant(runtime)
    records = factories.recruitment(runtime, 218)
    with runtime.db.transaction() as session:
        job = session.get(Job, records["job"])
        job.status, job.cancel_reason = source, "cancellation_requested_by_manager"
        job_status.change(session, job, JobStatus.canceled)
        assert job.status == JobStatus.canceled
        job.status = source
        application = applications.get(session, Caller.operator(218), records["application"])
        application.status = ApplicationStatus.hired
        session.flush()
        with pytest.raises(InvalidTransition, match="hired"):
            job_status.change(session, job, JobStatus.canceled)
        assert job.status == source
