"""The background-check lifecycle, every pair of statuses, through the service on a real database."""

import itertools

import pytest
from sqlalchemy import update

from hireport.kit.auth import Caller
from hireport.kit.errors import InvalidTransition
from hireport.kit.runtime import Runtime
from hireport.models import BackgroundCheck, CheckStatus
from hireport.services import checks
from hireport.services.check_status import ALLOWED
from hireport.services.checks import CheckResult, Report
from tests import factories

S = CheckStatus
# The moves, written out rather than read from the table under test. The seed's (PageUp's background-checking
# API): a provider marks what it polled queued, then reports new, inprogress, completed, cancelled, failed or
# expired; `pending` only from `queued` (the test reset: any status to queued, then to pending). hireport's own,
# documented in check_status: a pending check may be marked new, failed or cancelled at once; `inprogress` may
# repeat, to report more partial results; a claimed check is not claimed again (queued to queued is refused); the
# final statuses (completed, cancelled, failed, expired) move only to queued, for the reset.
WORKING = {S.new, S.inprogress, S.expired, S.completed, S.cancelled, S.failed}
MOVES = ({(s, S.queued) for s in CheckStatus if s != S.queued} | {(S.queued, S.pending)}
         | {(S.queued, t) for t in WORKING} | {(S.pending, S.new), (S.pending, S.failed), (S.pending, S.cancelled)}
         | {(s, t) for s in (S.new, S.inprogress) for t in WORKING - {S.new}})
LINK = "https://reports.example/1"
COMPLETE = {
    CheckStatus.pending: Report(CheckStatus.pending),
    CheckStatus.queued: Report(CheckStatus.queued),
    CheckStatus.new: Report(CheckStatus.new, reference_number="R1"),
    CheckStatus.inprogress: Report(CheckStatus.inprogress, results=[CheckResult("Police Check")]),
    CheckStatus.expired: Report(CheckStatus.expired),
    CheckStatus.completed: Report(CheckStatus.completed, reference_number="R1",
                                  results=[CheckResult("Police Check", LINK, "pass")]),
    CheckStatus.cancelled: Report(CheckStatus.cancelled, reference_number="R1",
                                  results=[CheckResult("Police Check", LINK, "cancelled")]),
    CheckStatus.failed: Report(CheckStatus.failed, reason_for_fail="consent missing"),
}


def test_every_pair_of_statuses(runtime: Runtime):
    factories.tenant(runtime, 218)
    factories.partner(runtime, "bg", tenants=(218,))
    application = factories.recruitment(runtime, 218)["application"]
    with runtime.db.transaction() as session:
        partner_id = checks.order(session, Caller.operator(218), application_id=application, partner_code="bg",
                                  package_code="STD", clock=runtime.clock).partner_id
    provider = Caller(client_id="p", tenant_id=218, partner_id=partner_id)
    outcomes = {}
    for source, target in itertools.product(CheckStatus, CheckStatus):
        with runtime.db.transaction() as session:
            check = checks.order(session, Caller.operator(218), application_id=application, partner_code="bg",
                                 package_code="STD", clock=runtime.clock)
            session.execute(update(BackgroundCheck).where(BackgroundCheck.id == check.id).values(status=source))
        try:
            with runtime.db.transaction() as session:
                checks.report(session, provider, check.id, COMPLETE[target], clock=runtime.clock)
            outcomes[source, target] = "moved"
        except InvalidTransition:
            outcomes[source, target] = "refused"
        with runtime.db.transaction(write=False) as session:
            status = session.get(BackgroundCheck, check.id).status  # type: ignore[union-attr]
        assert status == (target if outcomes[source, target] == "moved" else source), (source, target)
    pairs = itertools.product(CheckStatus, CheckStatus)
    expected = {(s, t): "moved" if (s, t) in MOVES else "refused" for s, t in pairs}
    assert outcomes == expected


def test_the_table_holds_exactly_these_moves():
    assert {(a, b) for a, targets in ALLOWED.items() for b in targets} == MOVES


@pytest.mark.parametrize("target", [CheckStatus.pending, CheckStatus.queued])
def test_the_seed_fixes_pending_only_from_queued_and_queued_from_everywhere_else(target):
    for source in CheckStatus:
        allowed = target in ALLOWED[source]
        if target == CheckStatus.pending:
            assert allowed == (source == CheckStatus.queued), source
        else:
            assert allowed == (source != CheckStatus.queued), source
