"""API tokens: per endpoint, revocable, never stored in clear; JWTs with the scopes; the rate limit."""

import pytest
from starlette.testclient import TestClient

from hireport.app import create_app
from hireport.kit.runtime import Runtime
from tests import factories
from tests.factories import token_response
from tests.gupy.conftest import JOBS, Company, assert_error, create_job


def test_no_token_is_401_and_a_bad_one_403(company: Company, client: TestClient):
    assert_error(client.get(JOBS, headers={"Authorization": ""}), 401)
    assert_error(client.get(JOBS, headers={"Authorization": "Token abc"}), 401)
    assert_error(client.get(JOBS, headers={"Authorization": "Bearer 00000000-0000-0000-0000-000000000000"}), 403)
    assert_error(client.get(JOBS, headers={"Authorization": "Bearer a.b.c"}), 403)


def test_a_token_reaches_only_its_endpoints(company: Company, client: TestClient):
    read_only = company.new_token("Gupy.Jobs.Read")
    assert client.get(JOBS, headers=read_only).status_code == 200
    assert_error(client.post(JOBS, json={}, headers=read_only), 403)
    job_id = create_job(company.http)["id"]
    assert_error(client.get(f"{JOBS}/{job_id}/applications", headers=read_only), 403)


def test_revoked_tokens_stop_working(company: Company, client: TestClient, operator_headers, clock):
    created = client.post("/manage/v1/tenants/218/api-tokens", headers=operator_headers,
                          json={"name": "erp", "endpoints": ["Gupy.Jobs.Read"]}).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert client.get(JOBS, headers=headers).status_code == 200
    assert "token" not in client.get("/manage/v1/tenants/218/api-tokens", headers=operator_headers).json()["items"][0]
    client.delete(f"/manage/v1/tenants/218/api-tokens/{created['id']}", headers=operator_headers)
    clock.advance(10)  # a confirmed token is trusted for at most 10 s
    assert_error(client.get(JOBS, headers=headers), 403)


def test_api_tokens_hold_only_gupy_endpoints(company: Company, client: TestClient, operator_headers):
    refused = client.post("/manage/v1/tenants/218/api-tokens", headers=operator_headers,
                          json={"name": "x", "endpoints": ["Public.Job.Read"]})
    assert refused.status_code == 400


def test_a_jwt_with_the_scopes_is_accepted_too(company: Company, client: TestClient, runtime: Runtime):
    creds = factories.client(runtime, "Gupy.Jobs.Read", tenant_id=218)
    token = token_response(client, creds).json()["access_token"]
    assert client.get(JOBS, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert_error(client.post(JOBS, json={}, headers={"Authorization": f"Bearer {token}"}), 403)


def test_rate_limit_answers_429_with_gupy_headers(company: Company, runtime: Runtime,
                                                  monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HIREPORT_GUPY_RATE_LIMIT", "3/minute")
    http = TestClient(create_app(runtime), base_url="http://testserver/api",
                      headers={"Authorization": f"Bearer {company.token}"})
    first = http.get("/v1/jobs")
    assert (first.headers["x-ratelimit-limit"], first.headers["x-ratelimit-remaining"]) == ("3", "2")
    assert int(first.headers["x-ratelimit-reset"]) > 0
    http.get("/v1/jobs")
    http.get("/v1/jobs")
    limited = http.get("/v1/jobs")
    assert_error(limited, 429)
    assert limited.headers["x-ratelimit-remaining"] == "0"
    other = http.get("/v1/jobs", headers=company.new_token("Gupy.Jobs.Read"))
    assert other.status_code == 200, "the limit is per token"
