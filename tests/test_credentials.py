"""The credential lifecycle: clients, operator credentials and API tokens revoked and rotated; signing keys
sealed at rest and rotated; logs without request values; the demo's credentials, kept and reissued."""

import base64
import json
import shlex
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from starlette.testclient import TestClient

from hireport import cli
from hireport.app import build_runtime
from hireport.kit import auth
from hireport.kit.auth import MAX_TOKEN_LIFETIME, REVOCATION_REFRESH, RING_REFRESH
from hireport.kit.clock import FrozenClock
from hireport.kit.runtime import Runtime
from hireport.kit.secrets import secret_matches
from hireport.models import Base
from hireport.services import identity
from hireport.settings import Settings
from tests import factories
from tests.factories import token_response

JOBS = "/v3/218/recruitment/hire/jobs"


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch):
    """Move the wall clock that the caches of revocations and keys use (not the tokens' clock)."""
    offset = [0.0]
    monkeypatch.setattr(auth, "time", SimpleNamespace(monotonic=lambda: time.monotonic() + offset[0]))

    def advance(seconds: float) -> None:
        offset[0] += seconds

    return advance


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_revoked_clients_tokens_are_refused(runtime: Runtime, client: TestClient, operator_headers, later):
    factories.tenant(runtime, 218)
    creds = factories.client(runtime, "Public.Job.Read", tenant_id=218)
    token = token_response(client, creds).json()["access_token"]
    elsewhere = build_runtime(runtime.settings, clock=runtime.clock)  # another process on the same database
    try:
        assert elsewhere.tokens.verify(token).client_id == creds.client_id
        assert client.get(JOBS, headers=_bearer(token)).status_code == 200
        revoked = client.delete(f"/manage/v1/clients/{creds.client_id}", headers=operator_headers)
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
        refused = client.get(JOBS, headers=_bearer(token))
        assert refused.status_code == 401 and "revoked" in refused.json()["Message"], "at once in this process"
        assert token_response(client, creds).json()["error"] == "invalid_client", "and no new token"
        assert elsewhere.tokens.verify(token), "another process still trusts what it read a moment ago..."
        later(REVOCATION_REFRESH)
        with pytest.raises(auth.Unauthenticated, match="revoked"):
            elsewhere.tokens.verify(token)  # ...for at most REVOCATION_REFRESH seconds
    finally:
        elsewhere.db.dispose()


def test_a_rotated_client_secret_replaces_the_old(runtime: Runtime, client: TestClient, operator_headers):
    factories.tenant(runtime, 218)
    creds = factories.client(runtime, "Public.Job.Read", tenant_id=218)
    rotated = client.post(f"/manage/v1/clients/{creds.client_id}/secret", headers=operator_headers).json()
    assert token_response(client, creds).status_code == 400
    new = factories.Credentials(creds.client_id, rotated["client_secret"])
    assert token_response(client, new).json()["access_token"]


def test_operator_credentials_are_revoked_and_rotated(runtime: Runtime, client: TestClient, operator_headers):
    with runtime.db.transaction() as session:
        second = identity.create_operator_credential(session, name="second", clock=runtime.clock)
    operators = client.get("/manage/v1/operators", headers=operator_headers).json()["items"]
    assert all("secret" not in str(o) for o in operators)
    by_name = {o["name"]: o["id"] for o in operators}
    rotated = client.post(f"/manage/v1/operators/{by_name['second']}/secret", headers=operator_headers).json()
    assert client.get("/manage/v1/tenants", headers=_bearer(second)).status_code == 401, "the old secret stops"
    assert client.get("/manage/v1/tenants", headers=_bearer(rotated["operator_credential"])).status_code == 200
    revoked = client.delete(f"/manage/v1/operators/{by_name['second']}", headers=operator_headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert client.get("/manage/v1/tenants", headers=_bearer(rotated["operator_credential"])).status_code == 401
    last = client.delete(f"/manage/v1/operators/{by_name['tests']}", headers=operator_headers)
    assert last.status_code == 409, "the last active credential would lock the management API"


def test_api_tokens_are_rotated(runtime: Runtime, client: TestClient, operator_headers):
    factories.tenant(runtime, 218)
    made = client.post("/manage/v1/tenants/218/api-tokens", headers=operator_headers,
                       json={"name": "x", "endpoints": ["Gupy.Jobs.Read"]}).json()
    assert client.get("/api/v1/jobs", headers=_bearer(made["token"])).status_code == 200
    rotated = client.post(f"/manage/v1/tenants/218/api-tokens/{made['id']}/secret", headers=operator_headers).json()
    assert rotated["endpoints"] == ["Gupy.Jobs.Read"]
    assert client.get("/api/v1/jobs", headers=_bearer(made["token"])).status_code == 403
    assert client.get("/api/v1/jobs", headers=_bearer(rotated["token"])).status_code == 200


def test_the_database_holds_no_private_key_in_clear(runtime: Runtime, client: TestClient):
    with runtime.db.transaction(write=False) as session:
        dumped = repr([session.execute(select(t)).all() for t in Base.metadata.sorted_tables])
    for key in runtime.tokens.verifying_keys():
        pem = key.private_pem()
        body = "".join(pem.strip().splitlines()[1:-1])
        der = base64.b64decode(body)
        assert "PRIVATE KEY" not in dumped
        assert all(line not in dumped for line in pem.splitlines()[1:-1]), "no line of the PEM"
        assert der.hex()[:64] not in dumped and body[:64] not in dumped
    secret_file = Path(runtime.settings.data_dir) / "secret.key"
    assert secret_file.stat().st_mode & 0o777 == 0o600, "the key that seals them is owner-only, outside the database"


def test_keys_that_were_in_clear_are_sealed_on_the_next_start(runtime: Runtime):
    key = runtime.tokens.verifying_keys()[0]
    with runtime.db.transaction() as session:
        session.execute(text("UPDATE signing_keys SET sealed_key = :pem"), {"pem": key.private_pem()})
    restarted = build_runtime(runtime.settings, clock=runtime.clock)
    try:
        assert restarted.tokens.verifying_keys()[0].kid == key.kid
        with runtime.db.transaction(write=False) as session:
            assert "PRIVATE KEY" not in session.scalar(text("SELECT sealed_key FROM signing_keys"))
    finally:
        restarted.db.dispose()


def test_rotating_keys_keeps_earlier_tokens_valid_until_they_expire(runtime: Runtime, client: TestClient,
                                                                     clock: FrozenClock, later):
    factories.tenant(runtime, 218)
    creds = factories.client(runtime, "Public.Job.Read", tenant_id=218)
    before = token_response(client, creds).json()["access_token"]
    old_kid = runtime.tokens.verifying_keys()[0].kid
    clock.advance(1)  # keys start at distinct moments
    new_key = identity.rotate_signing_key(runtime.db, clock=clock, kek=runtime.kek)
    later(RING_REFRESH)
    after = token_response(client, creds).json()["access_token"]
    assert auth.jwt.get_unverified_header(after)["kid"] == new_key.kid, "the new key signs"
    assert client.get(JOBS, headers=_bearer(before)).status_code == 200, "the old one still verifies"
    assert {k["kid"] for k in client.get("/.well-known/openid-configuration/jwks").json()["keys"]} == {
        old_kid, new_key.kid}
    clock.advance(MAX_TOKEN_LIFETIME + 1)
    assert [k["kid"] for k in client.get("/.well-known/openid-configuration/jwks").json()["keys"]] == [new_key.kid]


def test_sql_errors_carry_no_request_values(runtime: Runtime):
    factories.tenant(runtime, 218)
    with pytest.raises(IntegrityError) as raised, runtime.db.transaction() as session:
        identity.create_tenant(session, tenant_id=1, name="first", clock=runtime.clock)
        session.execute(text("INSERT INTO tenants (id, name, settings, created_at) VALUES (:id, :n, '{}', :t)"),
                        {"id": 1, "n": "a-secret-looking-value", "t": runtime.clock.now()})
    assert "a-secret-looking-value" not in str(raised.value)


def test_demo_shows_the_current_credentials_and_reissues_on_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]):
    """`hireport demo`, run in this process as the command runs it. (Every other command's refusals, in one
    line and without a traceback: tests/test_cli.py.)"""
    monkeypatch.setenv("HIREPORT_DATA_DIR", str(tmp_path / "data"))

    def demo(*flags: str) -> str:
        assert cli.run(["demo", *flags]) == 0
        return capsys.readouterr().out

    first, second = json.loads(demo("--json")), json.loads(demo("--json"))
    assert first["operator_credential"].startswith("hro_") and "operator_credential" not in second
    assert first["clients"] == second["clients"] and first["api_token"] == second["api_token"]
    assert (tmp_path / "data" / "demo-credentials.json").stat().st_mode & 0o777 == 0o600
    exported = dict(shlex.split(line)[1].split("=", 1) for line in demo("--env").splitlines())
    assert (exported["HIRE_CLIENT_ID"], exported["LINKEDIN_PARENT_SECRET"]) == (
        second["clients"][0]["client_id"], second["linkedin"]["parent"]["client_secret"]), "the same, for a shell"
    shown = demo()
    parent = second["linkedin"]["parent"]
    assert parent["tenant"] is None and f"client_id:     {parent['client_id']}" in shown
    assert "parent app (token at /oauth/v2/accessToken; its tokens act for the partner, no tenant)" in shown
    reissued = json.loads(demo("--json", "--reissue"))
    assert reissued["clients"][0]["client_secret"] != first["clients"][0]["client_secret"]
    settings = Settings(data_dir=tmp_path / "data")
    rt = build_runtime(settings)
    try:
        with rt.db.transaction(write=False) as session:
            old = identity.get_client(session, first["clients"][0]["client_id"])
            assert not secret_matches(first["clients"][0]["client_secret"], old.secret_hash), "the old ones stop"
    finally:
        rt.db.dispose()
