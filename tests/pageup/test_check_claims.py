"""Exactly-once claiming: 8 providers poll the same backlog of 1,000 pending checks over HTTP at once; every
check is queued exactly once and none is lost (SQLite and PostgreSQL). With leases (the default) each poll is
handed its own checks, so the pollers do not race: at most 1.3 requests per claim, also with two server
processes on one PostgreSQL. With the strict answer (every poll the 5 oldest) they race, and the conditional
claim still lets exactly one win."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.models import Application, BackgroundCheck, CheckStatus
from hireport.services import checks
from tests.served import Server, serve

POLLERS = 8
BACKLOG = 1000


def _order_backlog(database_url: str) -> set[int]:
    db = Database(database_url)
    try:
        with db.transaction() as session:
            application_ids = list(session.scalars(select(Application.id).where(Application.tenant_id == 218)))
            for n in range(BACKLOG):
                checks.order(session, Caller.operator(218), application_id=application_ids[n % len(application_ids)],
                             partner_code="bg", package_code="STD", clock=Clock())
        with db.transaction(write=False) as session:
            return set(session.scalars(select(BackgroundCheck.id).where(BackgroundCheck.status == CheckStatus.pending)))
    finally:
        db.dispose()


def _poller(server: Server) -> tuple[list[int], Counter[int]]:
    """Polls and claims until the backlog is drained: the checks it claimed, and its requests by status
    (the polls counted under 0)."""
    provider = next(c for c in server.demo["clients"] if c["partner"] == "bg")
    token = httpx.post(f"{server.base_url}/connect/token", data={
        "grant_type": "client_credentials", "client_id": provider["client_id"],
        "client_secret": provider["client_secret"], "instanceId": "218"}).json()["access_token"]
    claimed, statuses = [], Counter[int]()
    deadline = time.monotonic() + 120
    url = f"{server.base_url}/v3/218/backgroundchecking"
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
        while time.monotonic() < deadline:
            page = http.get(url, params={"status": "pending", "provider": "bg"})
            assert page.status_code == 200, page.text
            statuses[0] += 1
            found = [next(v for k, v in item.items() if k == "backgroundcheckrequest")["id"] for item in page.json()]
            if not found:
                return claimed, statuses
            for check_id in found:
                response = http.put(f"{url}/{check_id}", json={"status": "queued"})
                statuses[response.status_code] += 1
                if response.status_code == 200:
                    claimed.append(check_id)
    raise AssertionError("the backlog was not drained within 120 s")


@pytest.mark.parametrize("leased", [True, False], ids=["leased", "strict"])
def test_eight_pollers_claim_every_check_exactly_once(server: Server, database_url: str, leased: bool):
    if not leased:
        switched = httpx.patch(f"{server.base_url}/manage/v1/tenants/218",
                               json={"settings": {"pending_checks_leased": False}},
                               headers={"Authorization": f"Bearer {server.operator_credential}"})
        assert switched.status_code == 200, switched.text
    claims, polls, statuses = _drain(server, database_url)
    if leased:
        assert statuses[409] == 0, "each poll was handed its own checks"
        assert polls + statuses.total() <= 1.3 * claims, (polls, statuses)
    else:
        assert statuses[409] > 0, "the pollers did race for the same checks"


@pytest.mark.parametrize("backend", ["postgresql"])  # the database several server processes share
def test_leases_hold_across_two_server_processes(tmp_path: Path, database_url: str):
    with serve(tmp_path, database_url, workers=2) as server:
        claims, polls, statuses = _drain(server, database_url)
    assert statuses[409] == 0, "each poll was handed its own checks, whichever process served it"
    assert polls + statuses.total() <= 1.3 * claims, (polls, statuses)


def _drain(server: Server, database_url: str) -> tuple[int, int, Counter[int]]:
    """Order the backlog and let the pollers drain it; assert every check was claimed exactly once. The checks
    claimed, the polls made, and the claims' answers by status."""
    backlog = _order_backlog(database_url)
    assert len(backlog) >= BACKLOG  # with the demo's own pending checks
    with ThreadPoolExecutor(POLLERS) as pool:
        results = list(pool.map(lambda _: _poller(server), range(POLLERS)))
    claims = [check_id for claimed, _ in results for check_id in claimed]
    statuses = sum((s for _, s in results), Counter[int]())
    polls = statuses.pop(0)
    assert set(statuses) <= {200, 409}, statuses
    assert len(claims) == len(set(claims)), "a check was claimed twice"
    assert set(claims) == backlog, "a check was lost"
    db = Database(database_url)
    try:
        with db.transaction(write=False) as session:
            queued = session.scalar(select(func.count()).select_from(BackgroundCheck)
                                    .where(BackgroundCheck.id.in_(backlog), BackgroundCheck.status == "queued"))
            assert queued == len(backlog)
    finally:
        db.dispose()
    return len(claims), polls, statuses
