"""`hireport serve` as a process, used over loopback with a plain HTTP client, as a user would."""

import gc
import json
import os
import subprocess
import time
from pathlib import Path

import httpx
import jwt
import pytest

from hireport.server import app_from_environment, prepare
from hireport.settings import Settings
from tests.postgres import free_port
from tests.served import HIREPORT, Server, run_cli


def test_a_token_over_http_from_a_served_hireport(server: Server):
    integrator = server.demo["clients"][0]
    response = httpx.post(f"{server.base_url}/connect/token", data={
        "grant_type": "client_credentials", "client_id": integrator["client_id"],
        "client_secret": integrator["client_secret"], "scope": "Public.Job.Read", "instanceId": "218"})
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    jwks = httpx.get(f"{server.base_url}/.well-known/openid-configuration/jwks").json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=f"{server.base_url}/resources",
                        issuer=server.base_url)
    assert claims["instanceid"] == "218"
    assert claims["scope"] == ["Public.Job.Read"]


def test_demo_prints_clients_for_the_hire_api_and_the_provider(server: Server):
    clients = server.demo["clients"]
    assert {c["partner"] for c in clients} == {None, "bg"}
    for c in clients:
        assert set(c) == {"client_id", "client_secret", "scopes", "tenant", "partner"}
        assert c["tenant"] == 218 and isinstance(c["scopes"], list)


def test_cli_client_is_usable_at_once(server: Server):
    out = json.loads(run_cli(server.env, "clients", "create", "--tenant", "218", "--partner", "bg",
                             "--scopes", "Public.BackgroundCheck.Read", "--json").stdout)
    assert out["partner"] == "bg" and out["tenant"] == 218 and out["scopes"] == ["Public.BackgroundCheck.Read"]
    response = httpx.post(f"{server.base_url}/connect/token", data={
        "grant_type": "client_credentials", "instanceid": "218"}, auth=(out["client_id"], out["client_secret"]))
    assert response.status_code == 200
    assert jwt.decode(response.json()["access_token"], options={"verify_signature": False})["partner_id"]


def test_management_api_request_ids_metrics_and_logs_without_secrets(server: Server):
    operator = {"Authorization": f"Bearer {server.operator_credential}"}
    created = httpx.post(f"{server.base_url}/manage/v1/clients", headers={**operator, "X-Request-ID": "trace-42"},
                         json={"name": "x", "tenant_id": 218, "scopes": "Public.Job.Read"})
    assert created.status_code == 201
    assert created.headers["x-request-id"] == "trace-42"
    secret = created.json()["client_secret"]
    token = httpx.post(f"{server.base_url}/connect/token", data={
        "grant_type": "client_credentials", "client_id": created.json()["client_id"], "client_secret": secret,
    }).json()["access_token"]
    jobs = httpx.get(f"{server.base_url}/manage/v1/tenants/218/jobs", headers=operator, params={"limit": 20})
    assert len(jobs.json()["items"]) == 12
    assert httpx.get(f"{server.base_url}/manage/v1/tenants", headers={}).headers["x-request-id"]

    metrics = httpx.get(f"{server.base_url}/metrics").text
    assert 'route="/manage/v1/tenants/{tenant_id}/jobs",status="200"' in metrics
    assert 'route="/connect/token",status="200"' in metrics
    assert "hireport_http_request_duration_seconds_bucket" in metrics

    time.sleep(0.2)  # let the server flush its log lines
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    assert any(line.get("request_id") == "trace-42" for line in lines)
    logged = server.log.read_text()
    for value in (secret, token, server.operator_credential, *(c["client_secret"] for c in server.demo["clients"])):
        assert value not in logged


def test_concurrent_writers_lose_nothing(server: Server):
    """8 clients create jobs at once (SQLite writers queue on the write lock; PostgreSQL runs them in parallel)."""
    from concurrent.futures import ThreadPoolExecutor

    operator = {"Authorization": f"Bearer {server.operator_credential}"}
    url = f"{server.base_url}/manage/v1/tenants/218/jobs"

    def writer(n: int) -> list[int]:
        with httpx.Client(headers=operator, timeout=30) as http:
            return [http.post(url, json={"title": f"writer {n} job {i}"}).status_code for i in range(15)]

    with ThreadPoolExecutor(8) as pool:
        statuses = [s for batch in pool.map(writer, range(8)) for s in batch]
    assert statuses == [201] * 120
    titles, cursor = [], None
    with httpx.Client(headers=operator) as http:
        while True:
            page = http.get(url, params={"limit": 500, **({"cursor": cursor} if cursor else {})}).json()
            titles += [j["title"] for j in page["items"]]
            if (cursor := page["next_cursor"]) is None:
                break
    created = [t for t in titles if t.startswith("writer ")]
    assert sorted(created) == sorted(f"writer {n} job {i}" for n in range(8) for i in range(15))


@pytest.mark.serve
def test_links_follow_the_port_when_no_public_url_is_set(tmp_path: Path):
    """`scripts/start` on another port: the issuer, discovery and signed links name the port served on."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "HIREPORT_PUBLIC_BASE_URL"}
    env |= {"HIREPORT_DATA_DIR": str(tmp_path / "data"), "HIREPORT_PORT": str(port)}
    demo = json.loads(run_cli(env, "demo", "--json").stdout)
    assert demo["base_url"] == f"http://127.0.0.1:{port}"
    process = subprocess.Popen([*HIREPORT, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                discovery = httpx.get(f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert discovery.json()["issuer"] == f"http://127.0.0.1:{port}"
        assert discovery.json()["token_endpoint"] == f"http://127.0.0.1:{port}/connect/token"
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_what_start_up_built_is_out_of_the_collectors_sight(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A full collection walking start-up's objects took 124 ms of a request's time under load."""
    monkeypatch.setenv("HIREPORT_DATA_DIR", str(tmp_path))
    prepare(Settings())
    gc.unfreeze()
    try:
        app_from_environment()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
