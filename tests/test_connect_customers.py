"""The management API's customers (Connect's recruiters and the people they recruit): the account a customer
signs in as must exist (else a 400) and be no other customer's of the tenant (else a 409), both decided before
anything is written, and named by the field `account_id`."""

import pytest
from starlette.testclient import TestClient

from hireport.kit.auth import Caller
from hireport.kit.runtime import Runtime
from hireport.services import referrals
from tests import factories
from tests.test_bad_input import reflected, snapshot

CUSTOMERS = "/manage/v1/tenants/218/customers"


@pytest.fixture
def account(runtime: Runtime) -> int:
    factories.tenant(runtime)
    return factories.member(runtime, "kari@example.com")


def test_a_customer_signs_in_as_the_account_given(client: TestClient, runtime: Runtime,
                                                  operator_headers: dict[str, str], account: int):
    made = client.post(CUSTOMERS, json={"first_name": "Kari", "email": "kari@example.com", "account_id": account},
                       headers=operator_headers)
    assert made.status_code == 201, made.text
    with runtime.db.transaction(write=False) as session:
        linked = referrals.customer_of_account(session, Caller.operator(218), account)
        assert linked is not None and linked.id == made.json()["id"]


def test_an_unknown_account_is_a_400_that_changes_nothing(client: TestClient, runtime: Runtime,
                                                          operator_headers: dict[str, str], account: int):
    tables = reflected(runtime)
    before = snapshot(runtime, tables)
    answer = client.post(CUSTOMERS, json={"first_name": "Kari", "account_id": account + 1000},
                         headers=operator_headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "invalid_input"
    assert answer.json()["error"]["details"] == [{"field": "account_id", "message": f"no account {account + 1000}"}]
    assert snapshot(runtime, tables) == before


def test_an_account_already_linked_is_a_409_that_changes_nothing(client: TestClient, runtime: Runtime,
                                                                 operator_headers: dict[str, str], account: int):
    first = client.post(CUSTOMERS, json={"first_name": "Kari", "account_id": account}, headers=operator_headers)
    assert first.status_code == 201, first.text
    tables = reflected(runtime)
    before = snapshot(runtime, tables)
    answer = client.post(CUSTOMERS, json={"first_name": "Mallory", "account_id": account}, headers=operator_headers)
    assert answer.status_code == 409, answer.text
    message = f"account {account} is already linked to a customer"
    assert answer.json()["error"] == {"code": "conflict", "message": message,
                                      "details": [{"field": "account_id", "message": message}]}
    assert snapshot(runtime, tables) == before
