"""Accounts and memberships: argon2id with rehash, roles, the management API, `hireport users`, the demo's
people, and a served sign-in whose log holds no password or session token."""

import json
import os
import re
import subprocess
import sys

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from starlette.testclient import TestClient

from hireport.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from hireport.kit.runtime import Runtime
from hireport.models import Account, Role
from hireport.services import accounts
from hireport.services.accounts import Action
from tests import factories
from tests.served import Server, run_cli


def test_an_account_keeps_an_argon2id_hash_and_a_lower_case_email(runtime: Runtime):
    factories.tenant(runtime, 218)
    with runtime.db.transaction() as session:
        account = accounts.create(session, email=" Ana@Example.COM ", display_name="Ana", password="long password",
                                  clock=runtime.clock)
        assert account.email == "ana@example.com" and account.password_hash.startswith("$argon2id$")
        with pytest.raises(Conflict):
            accounts.create(session, email="ANA@example.com", display_name="Ana", password="long password",
                            clock=runtime.clock)
        for email, password in (("not an e-mail", "long password"), ("b@example.com", "short"),
                                ("b@example.com", "x" * 257)):
            with pytest.raises(InvalidInput):
                accounts.create(session, email=email, display_name="B", password=password, clock=runtime.clock)
        assert accounts.check_password(session, "ana@example.com", "long password") is account
        assert accounts.check_password(session, "ana@example.com", "long passwore") is None
        assert accounts.check_password(session, "nobody@example.com", "long password") is None


def test_a_password_is_rehashed_on_sign_in_when_the_parameters_change(runtime: Runtime):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    with runtime.db.transaction() as session:
        session.add(Account(email="old@example.com", display_name="Old", password_hash=weak.hash("old password"),
                            created_at=runtime.clock.now()))
    with runtime.db.transaction() as session:
        before = session.scalar(select(Account.password_hash))
        assert accounts.check_password(session, "old@example.com", "wrong password") is None
        assert session.scalar(select(Account.password_hash)) == before  # a wrong password changes nothing
        assert accounts.check_password(session, "old@example.com", "old password") is not None
    with runtime.db.transaction() as session:
        after = session.scalar(select(Account.password_hash))
        assert after != before and not PasswordHasher().check_needs_rehash(after)  # type: ignore[arg-type]
        assert accounts.check_password(session, "old@example.com", "old password") is not None


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.viewer, {Action.read}),
    (Role.recruiter, {Action.read, Action.recruit}),
    (Role.admin, {Action.read, Action.recruit, Action.administer}),
])
def test_a_role_decides_what_a_member_may_do(runtime: Runtime, role: Role, allowed: set[Action]):
    factories.tenant(runtime, 218)
    factories.tenant(runtime, 219)
    with runtime.db.transaction() as session:
        account = accounts.create(session, email="m@example.com", display_name="M", password="long password",
                                  clock=runtime.clock)
        accounts.add_member(session, account, tenant_id=218, role=role, clock=runtime.clock)
        member = accounts.member(session, account, 218)
        assert member.caller.tenant_id == 218 and member.caller.account_id == account.id
        for action in Action:
            assert member.may(action) == (action in allowed)
            if action not in allowed:
                with pytest.raises(Forbidden):
                    member.require(action)
        with pytest.raises(NotFound):
            accounts.member(session, account, 219)  # not a member: that tenant does not exist for them


def test_the_management_api_makes_accounts_and_members(client: TestClient, runtime: Runtime,
                                                      operator_headers: dict[str, str]):
    factories.tenant(runtime, 218)
    created = client.post("/manage/v1/accounts", headers=operator_headers,
                          json={"email": "Ana@example.com", "display_name": "Ana", "password": "long password"})
    assert created.status_code == 201, created.text
    account = created.json()
    assert account["email"] == "ana@example.com" and account["memberships"] == [] and "password" not in account
    path = f"/manage/v1/tenants/218/members/{account['id']}"
    assert client.put(path, headers=operator_headers, json={"role": "recruiter"}).json() == {
        "tenant_id": 218, "role": "recruiter"}
    assert client.put(path, headers=operator_headers, json={"role": "boss"}).status_code == 400
    assert client.put("/manage/v1/tenants/999/members/1", headers=operator_headers,
                      json={"role": "admin"}).status_code == 404
    members = client.get("/manage/v1/tenants/218/members", headers=operator_headers).json()["items"]
    assert [(m["email"], m["role"]) for m in members] == [("ana@example.com", "recruiter")]
    assert client.get(f"/manage/v1/accounts/{account['id']}", headers=operator_headers).json()["memberships"] == [
        {"tenant_id": 218, "role": "recruiter"}]
    assert client.post("/manage/v1/accounts", headers=operator_headers,
                       json={"email": "ana@example.com", "display_name": "A", "password": "long password"}
                       ).status_code == 409
    assert client.post("/manage/v1/accounts", headers=operator_headers,
                       json={"email": "b@example.com", "display_name": "B", "password": "short"}).status_code == 400
    assert client.delete(path, headers=operator_headers).status_code == 204
    assert client.delete(path, headers=operator_headers).status_code == 404
    assert client.post("/manage/v1/accounts", json={}).status_code == 401


@pytest.mark.serve
def test_the_demo_people_sign_in_and_the_log_keeps_no_secret(server: Server):
    admin, recruiter = server.demo["people"]
    assert (admin["role"], recruiter["role"], admin["tenant"]) == ("admin", "recruiter", 218)
    viewer = json.loads(run_cli(server.env, "users", "create", "--tenant", "218", "--role", "viewer", "--email",
                                "Vera@example.com", "--name", "Vera", "--json").stdout)
    assert viewer["email"] == "vera@example.com" and viewer["role"] == "viewer" and len(viewer["password"]) >= 10
    listed = json.loads(run_cli(server.env, "users", "list", "--tenant", "218", "--json").stdout)
    assert {(p["email"], p["role"]) for p in listed} == {
        (admin["email"], "admin"), (recruiter["email"], "recruiter"), ("vera@example.com", "viewer")}
    tokens = []
    for person in (admin, recruiter, viewer):
        with httpx.Client(base_url=server.base_url) as browser:
            page = browser.get("/account/signin")
            csrf = re.search(r'name="csrf" value="([^"]*)"', page.text)[1]  # type: ignore[index]
            response = browser.post("/account/signin", data={"csrf": csrf, "email": person["email"],
                                                              "password": person["password"]})
            assert response.status_code == 303, response.text
            tokens.append(browser.cookies["hireport_session"])
    log = server.log.read_text()
    for secret in [admin["password"], recruiter["password"], viewer["password"], *tokens]:
        assert secret not in log


def test_hireport_users_refuses_clearly(tmp_path, database_url: str):
    full = {**os.environ, "HIREPORT_DATA_DIR": str(tmp_path / "data"), "HIREPORT_DATABASE_URL": database_url}
    run = [sys.executable, "-m", "hireport"]
    subprocess.run([*run, "tenants", "create", "5", "--name", "X"], env=full, check=True, capture_output=True)
    ok = subprocess.run([*run, "users", "create", "--tenant", "5", "--role", "admin", "--email", "a@example.com",
                         "--password", "long password"], env=full, capture_output=True, text=True)
    assert ok.returncode == 0 and "long password" not in ok.stdout
    for args in (["--tenant", "5", "--role", "admin", "--email", "a@example.com"],
                 ["--tenant", "6", "--role", "admin", "--email", "b@example.com"],
                 ["--tenant", "5", "--role", "admin", "--email", "c@example.com", "--password", "short"]):
        bad = subprocess.run([*run, "users", "create", *args], env=full, capture_output=True, text=True)
        assert bad.returncode == 1 and bad.stderr.startswith("error:") and "Traceback" not in bad.stderr, bad.stderr
