"""What the jobs service tells an edge about a job: the statuses it may move to, written out from the seeds'
lifecycle (and hireport's documented additions), in the statuses' order."""

import pytest

from hireport.models import Job, JobStatus
from hireport.services import jobs

S = JobStatus
MOVES = {
    S.draft: [S.waiting_approval, S.approved, S.disapproved],
    S.waiting_approval: [S.approved, S.disapproved],
    S.disapproved: [S.draft],
    S.approved: [S.published],
    S.published: [S.frozen, S.canceled, S.closed],
    S.frozen: [S.published, S.canceled, S.closed],
    S.canceled: [],
    S.closed: [],
}


def test_every_status_is_listed():
    assert set(MOVES) == set(JobStatus)


@pytest.mark.parametrize("status", list(JobStatus), ids=str)
def test_the_moves_from_each_status(status: JobStatus):
    job = Job(tenant_id=1, status=status, code="c", title="t", custom_fields=[], attributes={})
    assert jobs.moves_from(job) == MOVES[status]
