"""Past one machine: two `hireport serve` processes on one PostgreSQL and one Redis, behind one public URL,
act as one server: a rate limit, a revocation and a setting change hold across both; and `/metrics` of a
two-worker `hireport serve` counts what every worker served."""

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.redis_server import RedisServer
from tests.served import Server, serve

PUBLIC_URL = "http://hireport.test"  # the load balancer's address: both processes issue and accept its tokens
JWKS = "/.well-known/openid-configuration/jwks"  # a route no one else calls here
SETTLE = 1.0  # seconds given to a change to reach the other process (Redis pub/sub is asynchronous)


@pytest.fixture
def backend() -> str:
    return "postgresql"  # shared by several processes


@pytest.fixture
def pair(tmp_path: Path, database_url: str, redis_server: RedisServer) -> Iterator[tuple[Server, Server]]:
    settings = {"redis_url": redis_server.url, "public_base_url": PUBLIC_URL, "gupy_rate_limit": "5/minute"}
    with serve(tmp_path, database_url, **settings) as a, serve(tmp_path, database_url, **settings) as b:
        yield a, b


def _token(server: Server, client: dict) -> dict[str, str]:
    response = httpx.post(f"{server.base_url}/connect/token", data={
        "grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": client["client_secret"],
        "instanceId": "218"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _until(condition, what: str) -> float:
    """Poll `condition` for at most `SETTLE` seconds; how long it took."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < SETTLE, f"{what} did not reach the other process in {SETTLE} s"
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_rate_limit_is_counted_across_both_processes(pair: tuple[Server, Server]):
    a, b = pair
    bearer = {"Authorization": f"Bearer {a.demo['api_token']['token']}"}
    answers = [httpx.get(f"{server.base_url}/api/v1/jobs", headers=bearer) for server in (a, b, a, b, a)]
    assert [r.status_code for r in answers] == [200] * 5
    assert [r.headers["x-ratelimit-remaining"] for r in answers] == ["4", "3", "2", "1", "0"]
    for server in (b, a):
        limited = httpx.get(f"{server.base_url}/api/v1/jobs", headers=bearer)
        assert limited.status_code == 429, limited.text


def test_a_revocation_on_one_process_is_refused_by_the_other_at_once(pair: tuple[Server, Server]):
    a, b = pair
    integrator = next(c for c in a.demo["clients"] if c["partner"] is None)
    bearer = _token(a, integrator)
    jobs = f"{b.base_url}/v3/218/recruitment/hire/jobs"
    assert httpx.get(jobs, headers=bearer).status_code == 200  # B has just loaded its revoked clients
    revoked = httpx.delete(f"{a.base_url}/manage/v1/clients/{integrator['client_id']}",
                           headers={"Authorization": f"Bearer {a.operator_credential}"})
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    # well inside the 2 s after which B would look again without being told
    _until(lambda: httpx.get(jobs, headers=bearer).status_code == 401, "the revocation")


def test_a_setting_changed_on_one_process_is_applied_by_the_other_at_once(pair: tuple[Server, Server]):
    a, b = pair
    operator = {"Authorization": f"Bearer {a.operator_credential}"}
    checks = httpx.get(f"{a.base_url}/manage/v1/tenants/218/background-checks", headers=operator).json()["items"]
    check_id = next(c["id"] for c in checks if c["status"] == "inprogress")
    provider = _token(a, next(c for c in a.demo["clients"] if c["partner"] == "bg"))

    def fuzzed() -> bool:
        """Whether B's answer carries the fuzzy serializer's GUID property."""
        response = httpx.put(f"{b.base_url}/v3/218/backgroundchecking/{check_id}", json={"status": "inprogress"},
                             headers=provider)
        assert response.status_code == 200, response.text
        return any(_is_guid(key) for key in response.json())

    assert fuzzed()  # the default, now remembered by B
    switched = httpx.patch(f"{a.base_url}/manage/v1/tenants/218", json={"settings": {"fuzzy_serializer": False}},
                           headers=operator)
    assert switched.status_code == 200 and switched.json()["settings"]["fuzzy_serializer"] is False
    _until(lambda: not fuzzed(), "the setting")  # well inside the 10 s B would otherwise remember it


def _is_guid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def test_metrics_of_two_workers_are_added_up(tmp_path: Path, database_url: str):
    """Requests on new connections land on either worker; every scrape, whichever worker answers it, counts
    them all. (Each worker that served a request keeps its counts in files of its own process id.)"""
    temporary = tmp_path / "tmp"  # where `hireport serve` makes its metrics directory
    temporary.mkdir()
    with serve(tmp_path, database_url, workers=2, extra_env={"TMPDIR": str(temporary)}) as server:
        served = 0
        while served < 20 or len(_counting_processes(temporary)) < 2:
            assert served < 500, "every request went to one worker"
            assert httpx.get(f"{server.base_url}{JWKS}").status_code == 200
            served += 1
        # the last request is counted once its answer has been sent: give it a moment, then every scrape agrees
        _until(lambda: _count(server) == served, "the last count")
        assert [_count(server) for _ in range(10)] == [served] * 10
    assert not list(temporary.iterdir()), "the metrics directory is removed when the server stops"


def _counting_processes(temporary: Path) -> set[str]:
    return {path.stem.rpartition("_")[2] for path in temporary.glob("hireport-metrics-*/counter_*.db")}


def _count(server: Server) -> float:
    """The requests for the JWKS, by `/metrics`."""
    text = httpx.get(f"{server.base_url}/metrics").text
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "hireport_http_requests_total" and sample.labels["route"] == JWKS)
