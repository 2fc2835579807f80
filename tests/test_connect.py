"""Connect's recruitment API (`/capi`) against the demo tenant, which carries the seed's (002) own codes: the
seed's sample as published (a JSON syntax error, named with its place) and mended (it registers); the
validation rules (numbers are JSON numbers; an unknown code is a 400, Connect documenting no 404); points and
lists following the life of the orders; premium preferences replaced or kept; retries with an Idempotency-Key;
concurrent registrations; the rate limit; and a signed-in person who becomes only a customer of their own."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from hireport import demo
from hireport.kit.auth import Caller, TokenClaims
from hireport.kit.errors import InvalidTransition
from hireport.kit.runtime import Runtime
from hireport.models import Customer, PremiumPreference, Referral
from hireport.services import referrals
from tests import factories
from tests.test_bad_input import reflected, snapshot

# The request sample of Connect's `POST /v1/recruitment` as its documentation prints it: a JSON string of the body
SAMPLE = Path(__file__).parent / "data" / "connect_recruitment_sample.txt"
CLIENT, USER = "/capi/v1/client/recruitment", "/capi/v1/recruitment"
SHAPE = {"exceptionType", "errorMessage"}


def published_sample() -> str:
    """The request sample of `POST /v1/recruitment`, as Connect's documentation prints it."""
    return str(json.loads(SAMPLE.read_text()))


def mended_sample() -> str:
    return published_sample().replace('"kari.nordmann@gmail.com"\n', '"kari.nordmann@gmail.com",\n', 1)


@pytest.fixture
def loaded(runtime: Runtime) -> demo.Demo:
    return demo.load(runtime)


@pytest.fixture
def bearer(client: TestClient, loaded: demo.Demo) -> dict[str, str]:
    creds = factories.Credentials(loaded.connect.client_id, loaded.connect.client_secret)
    answer = factories.token_response(client, creds, instanceId="218", scope="Connect.Recruitment.Client")
    assert answer.status_code == 200, answer.text
    return {"Authorization": "Bearer " + answer.json()["access_token"], "Content-Type": "application/json"}


def user_bearer(runtime: Runtime, loaded: demo.Demo, account_id: int) -> dict[str, str]:
    """A token an application got for this signed-in person (the authorization-code flow is tested in
    test_authorization_code; here only what it yields matters)."""
    token, _ = runtime.tokens.issue(TokenClaims(client_id=loaded.connect.client_id, tenant_id=218,
                                                scopes=["Connect.Recruitment.User"], partner_id=None, lifetime=300,
                                                subject=account_id))
    return {"Authorization": f"Bearer {token}"}


def kari(runtime: Runtime) -> int:
    """The account of Kari Nordmann, customer 34272 (linked to it): a person who is a customer."""
    account_id = factories.member(runtime, "kari.nordmann@gmail.com")
    with runtime.db.transaction() as session:
        referrals.link_account(session, Caller.operator(218), 34272, account_id)
    return account_id


def count(runtime: Runtime, model: Any) -> int:
    with runtime.db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def body(**changes: Any) -> dict[str, Any]:
    sample = json.loads(mended_sample())
    sample.update(changes)
    return sample


def test_the_published_sample_names_its_syntax_error(client: TestClient, bearer: dict[str, str], runtime: Runtime):
    before = count(runtime, Customer)
    answer = client.post(CLIENT, content=published_sample().encode(), headers=bearer)
    assert answer.status_code == 400
    assert set(answer.json()) == SHAPE and answer.json()["exceptionType"] == "BadRequestException"
    where = next(n for n, line in enumerate(published_sample().splitlines(), 1) if '"customerNumber"' in line)
    assert f"expected ',' or '}}': line {where} column" in answer.json()["errorMessage"], answer.json()
    assert count(runtime, Customer) == before


def test_a_missing_body_is_said_so(client: TestClient, bearer: dict[str, str], runtime: Runtime):
    """`curl -d @file` with a file that is not there sends no body: the answer says what is wrong."""
    before = count(runtime, Customer)
    answer = client.post(CLIENT, content=b"", headers=bearer)
    assert answer.status_code == 400
    assert answer.json() == {"exceptionType": "BadRequestException", "errorMessage": (
        "The request is invalid. (the request has no body; send it as JSON (Content-Type: application/json))")}
    assert count(runtime, Customer) == before


def test_the_readme_example_is_the_mended_sample():
    """The body the README posts (examples/connect-recruitment.json) is the mended sample."""
    shipped = Path(__file__).parent.parent / "examples" / "connect-recruitment.json"
    assert json.loads(shipped.read_text()) == json.loads(mended_sample())


def test_the_mended_sample_registers(client: TestClient, bearer: dict[str, str], runtime: Runtime):
    customers, orders = count(runtime, Customer), count(runtime, Referral)
    answer = client.post(CLIENT, content=mended_sample().encode(), headers=bearer)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "ok"}
    assert count(runtime, Customer) == customers + 1, "the recruiter is customer 34272; Ola is new"
    assert count(runtime, Referral) == orders + 1
    with runtime.db.transaction(write=False) as session:
        ola = session.scalars(select(Customer).where(Customer.email == "ola.nordmann@company.com")).one()
        assert (ola.first_name, ola.company_name, ola.entrance, ola.floor, ola.country_code) == (
            "Ola", "Company International Ltd", "A", 6, "NO")
        referral = session.scalars(select(Referral)).one()
        kari = session.get(Customer, referral.referrer_id)
        assert kari is not None and kari.customer_number == 34272
        assert [p.preference_number for p in session.scalars(select(PremiumPreference))] == [1]


@pytest.mark.parametrize(("change", "words"), [
    ({"product": "SINGLE1"}, "not a subscription product"),
    ({"product": "NOPE"}, "no product"),
    ({"product": "x" * 13}, "product"),
    ({"campaign": "Autumn2019"}, "no campaign"),
    ({"campaign": "Spring2019-long"}, "campaign"),
    ({"recruitments": []}, "recruitments"),
    ({"recruitmentPremiumPreferences": [{"companyCode": "468979834", "product": "HS3829", "preferenceNumber": 1},
                                        {"companyCode": "468979834", "product": "HS3830", "preferenceNumber": 1}]},
     "unique"),
    ({"recruitmentPremiumPreferences": [{"companyCode": "468979834", "product": "HS3829", "preferenceNumber": 0}]},
     "preferenceNumber"),
    ({"recruitmentPremiumPreferences": [{"companyCode": "1", "product": "X", "preferenceNumber": 1}]},
     "catalogue"),
])
def test_broken_rules_are_400s_that_change_nothing(client: TestClient, bearer: dict[str, str], runtime: Runtime,
                                                   change: dict[str, Any], words: str):
    before = (count(runtime, Customer), count(runtime, Referral), count(runtime, PremiumPreference))
    answer = client.post(CLIENT, json=body(**change), headers=bearer)
    assert answer.status_code == 400, answer.text
    assert set(answer.json()) == SHAPE and words in answer.json()["errorMessage"], answer.json()
    assert (count(runtime, Customer), count(runtime, Referral), count(runtime, PremiumPreference)) == before


@pytest.mark.parametrize("line", [
    {"couponCode": "Single"}, {"couponCode": "Nope"}, {"quantity": 0}, {"quantity": 10**6}, {"amount": -1},
    {"amount": 1.001}, {"email": "not-an-address"}, {"phoneNumber": "12ab"}, {"address": {"countryCode": "Norway"}},
    {"couponNumber": -1}, {"name": {"firstName": ""}},
])
def test_bad_recruitment_lines_are_refused(client: TestClient, bearer: dict[str, str], runtime: Runtime,
                                           line: dict[str, Any]):
    sample = body()
    sample["recruitments"][0].update(line)
    before = count(runtime, Referral)
    answer = client.post(CLIENT, json=sample, headers=bearer)
    assert answer.status_code == 400 and set(answer.json()) == SHAPE, answer.text
    assert count(runtime, Referral) == before


def test_preferences_are_replaced_when_present_and_kept_when_absent(client: TestClient, bearer: dict[str, str],
                                                                      runtime: Runtime):
    def preferences() -> list[int]:
        with runtime.db.transaction(write=False) as session:
            return sorted(p.preference_number for p in session.scalars(select(PremiumPreference)))

    two = [{"companyCode": "468979834", "product": "HS3829", "preferenceNumber": 1},
           {"companyCode": "468979834", "product": "HS3830", "preferenceNumber": 2}]
    assert client.post(CLIENT, json=body(recruitmentPremiumPreferences=two), headers=bearer).status_code == 200
    assert preferences() == [1, 2]
    without = body()
    del without["recruitmentPremiumPreferences"]
    without["recruitments"][0]["email"] = "other@company.com"
    assert client.post(CLIENT, json=without, headers=bearer).status_code == 200
    assert preferences() == [1, 2], "absent: untouched"
    emptied = body(recruitmentPremiumPreferences=[])
    emptied["recruitments"][0]["email"] = "third@company.com"
    assert client.post(CLIENT, json=emptied, headers=bearer).status_code == 200
    assert preferences() == [], "an empty list clears them"


def test_points_follow_the_orders(client: TestClient, bearer: dict[str, str], runtime: Runtime,
                                  loaded: demo.Demo, operator_headers: dict[str, str]):
    kari_account = kari(runtime)
    for n in range(3):
        sample = body()
        sample["recruitments"][0]["email"] = f"friend{n}@company.com"
        assert client.post(CLIENT, json=sample, headers=bearer).status_code == 200
    user = user_bearer(runtime, loaded, kari_account)
    listed = client.get(f"{USER}/Spring2019", headers=user).json()
    assert (listed["points"], listed["products"], len(listed["unverifiedRecruitments"]), listed["recruitments"]) == (
        0, ["CO27409"], 3, [])
    orders = client.get("/manage/v1/tenants/218/orders", headers=operator_headers).json()["items"]
    first, second, third = sorted(o["id"] for o in orders)
    confirm = f"/manage/v1/tenants/218/orders/{first}/confirm"
    assert client.post(confirm, headers=operator_headers).json()["credited_points"] == 50
    assert client.post(confirm, headers=operator_headers).status_code == 409, "credited once"
    assert client.post(f"/manage/v1/tenants/218/orders/{second}/cancel", headers=operator_headers).status_code == 200
    assert client.post(f"/manage/v1/tenants/218/orders/{second}/confirm", headers=operator_headers).status_code == 409
    listed = client.get(f"{USER}/Spring2019", headers=user).json()
    assert listed["points"] == 50
    assert [r["orderNumber"] for r in listed["recruitments"]] == [first]
    assert [r["orderNumber"] for r in listed["unverifiedRecruitments"]] == [third]
    client.post(f"/manage/v1/tenants/218/orders/{third}/confirm", headers=operator_headers)
    newest_first = client.get(f"{USER}/Spring2019", params={"limit": 1}, headers=user).json()["recruitments"]
    oldest_first = client.get(f"{USER}/Spring2019", params={"limit": 1, "ascending": "true"}, headers=user).json()
    assert [r["orderNumber"] for r in newest_first] == [third]
    assert [r["orderNumber"] for r in oldest_first["recruitments"]] == [first] and oldest_first["points"] == 100
    paged = client.get(f"{USER}/Spring2019", params={"limit": 1, "offset": 1}, headers=user).json()["recruitments"]
    assert [r["orderNumber"] for r in paged] == [first]


def test_concurrent_confirmations_credit_once(client: TestClient, bearer: dict[str, str], runtime: Runtime):
    assert client.post(CLIENT, json=body(), headers=bearer).status_code == 200
    with runtime.db.transaction(write=False) as session:
        order_id = session.scalars(select(Referral.id)).one()
    start = threading.Barrier(6)

    def attempt(_: int) -> str:
        start.wait()
        try:
            with runtime.db.transaction() as session:
                referrals.decide(session, Caller.operator(218), order_id, confirm=True, clock=runtime.clock)
        except InvalidTransition:
            return "refused"
        return "confirmed"

    with ThreadPoolExecutor(6) as pool:
        assert sorted(pool.map(attempt, range(6))) == ["confirmed"] + ["refused"] * 5
    with runtime.db.transaction(write=False) as session:
        assert session.get(Referral, order_id).credited_points == 50  # type: ignore[union-attr]


def test_user_mode_registers_the_signed_in_customer_and_their_premiums(client: TestClient, runtime: Runtime,
                                                                       loaded: demo.Demo):
    newcomer = factories.member(runtime, "nina@example.com")
    user = user_bearer(runtime, loaded, newcomer)
    sample = body()
    sample["recruiter"] = {"name": {"firstName": "Nina", "lastName": "Berg"}, "email": "nina.berg@example.com"}
    assert client.post(USER, json=sample, headers=user).status_code == 200
    again = body()
    again["recruiter"] = {"name": {"firstName": "Somebody", "lastName": "Else"}, "email": "else@example.com"}
    again["recruitments"][0]["email"] = "second@company.com"
    assert client.post(USER, json=again, headers=user).status_code == 200
    with runtime.db.transaction(write=False) as session:
        nina = session.scalars(select(Customer).where(Customer.account_id == newcomer)).one()
        assert nina.first_name == "Nina", "created once and linked; later requests' recruiter ignored"
        assert session.scalars(select(Customer).where(Customer.email == "else@example.com")).first() is None
    wanted = {"recruitmentPremiumPreferences": [
        {"companyCode": "468979834", "product": "HS3830", "preferenceNumber": 1},
        {"companyCode": "468979834", "product": "HS3829", "preferenceNumber": 2}]}
    changed = client.post(f"{USER}/premium/Spring2019", json=wanted, headers=user)
    assert changed.status_code == 200, changed.text
    assert changed.json() == wanted
    assert client.get(f"{USER}/premium/Spring2019", headers=user).json() == wanted
    assert client.get(f"{USER}/Spring2019", headers=user).json()["unverifiedRecruitments"][0]["name"][
        "firstName"] == "Ola"


def test_modes_are_kept_apart(client: TestClient, bearer: dict[str, str], runtime: Runtime, loaded: demo.Demo):
    assert client.get(f"{USER}/Spring2019", headers=bearer).status_code == 403, "a client token is no user"
    user = user_bearer(runtime, loaded, factories.member(runtime, "u@example.com"))
    assert client.post(CLIENT, json=body(), headers=user).status_code == 403
    refused = client.post(CLIENT, json=body(), headers={"Authorization": "Bearer nonsense"})
    assert refused.status_code == 401 and set(refused.json()) == SHAPE


def test_a_retry_with_the_same_key_creates_nothing(client: TestClient, bearer: dict[str, str], runtime: Runtime):
    keyed = {**bearer, "Idempotency-Key": "order-7"}
    payload = mended_sample().encode()
    assert client.post(CLIENT, content=payload, headers=keyed).json() == {"status": "ok"}
    customers, orders = count(runtime, Customer), count(runtime, Referral)
    retry = client.post(CLIENT, content=payload, headers=keyed)
    assert retry.status_code == 200 and retry.json() == {"status": "ok"}
    assert (count(runtime, Customer), count(runtime, Referral)) == (customers, orders)
    other = client.post(CLIENT, json=body(campaign="Spring2019", product="CO27409", recruitments=[
        {**body()["recruitments"][0], "email": "x@company.com"}]), headers=keyed)
    assert other.status_code == 409 and set(other.json()) == SHAPE
    assert count(runtime, Referral) == orders


def test_concurrent_identical_registrations_create_each_customer_once(client: TestClient, bearer: dict[str, str],
                                                                     runtime: Runtime):
    payload = mended_sample().encode()
    start = threading.Barrier(4)

    def send(_: int) -> int:
        start.wait()
        return client.post(CLIENT, content=payload, headers=bearer).status_code

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(send, range(4))) == [200] * 4
    with runtime.db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Customer).where(
            Customer.email == "ola.nordmann@company.com")) == 1
    assert count(runtime, Referral) == 4, "four registrations, four orders, one Ola"


def test_past_the_rate_limit_is_a_429_with_retry_after(client: TestClient, bearer: dict[str, str], runtime: Runtime,
                                                       monkeypatch: pytest.MonkeyPatch):
    from hireport.dialects.connect.auth import LIMITER
    from hireport.kit.ratelimit import Limiter
    runtime.state[LIMITER] = Limiter("2/minute", runtime.rate_limits, namespace="connect-test")
    answers = [client.post(CLIENT, json=body(product="NOPE"), headers=bearer) for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 429]
    assert int(answers[2].headers["Retry-After"]) >= 1 and set(answers[2].json()) == SHAPE


def test_a_recruiter_no_customer_matches_is_created(client: TestClient, bearer: dict[str, str], runtime: Runtime):
    """The seed's sample on a tenant where its customer 34272 is unknown: the recruiter is created (with the
    tenant's next customer number: numbers are the tenant's to give)."""
    sample = body()
    sample["recruiter"].update(customerNumber=99999, email="kari.other@example.com", phoneNumber="+4799999999")
    before = count(runtime, Customer)
    assert client.post(CLIENT, json=sample, headers=bearer).status_code == 200
    assert count(runtime, Customer) == before + 2, "the recruiter and Ola"
    with runtime.db.transaction(write=False) as session:
        kari = session.scalars(select(Customer).where(Customer.email == "kari.other@example.com")).one()
        assert (kari.first_name, kari.middle_name, kari.postal_address, kari.customer_number) == (
            "Kari", "Snøhaug", "Postboks 6", 34273)
        assert session.scalars(select(Referral)).one().referrer_id == kari.id


def test_a_customer_cannot_recruit_themselves(client: TestClient, bearer: dict[str, str], runtime: Runtime):
    sample = body()
    sample["recruitments"][0]["email"] = "kari.nordmann@gmail.com"  # customer 34272, the recruiter
    before = count(runtime, Referral)
    answer = client.post(CLIENT, json=sample, headers=bearer)
    assert answer.status_code == 400 and "cannot be their own recruiter" in answer.json()["errorMessage"]
    assert count(runtime, Referral) == before


def test_client_mode_needs_a_recruiter(client: TestClient, bearer: dict[str, str], runtime: Runtime):
    sample = body()
    del sample["recruiter"]
    before = count(runtime, Customer)
    answer = client.post(CLIENT, json=sample, headers=bearer)
    assert answer.status_code == 400 and answer.json()["errorMessage"].startswith("recruiter is required")
    assert count(runtime, Customer) == before


# -- numbers are JSON numbers; an unknown code is a 400 (Connect documents no 404) -------------------------

NUMBERS = {  # each number of a Connect request body, and where the seed's sample carries it
    ("Recruiter", "customerNumber"): ("recruiter", "customerNumber"),
    ("Address", "streetNumber"): ("recruiter", "address", "streetNumber"),
    ("Address", "floor"): ("recruitments", 0, "address", "floor"),
    ("Recruitment", "couponNumber"): ("recruitments", 0, "couponNumber"),
    ("Recruitment", "amount"): ("recruitments", 0, "amount"),
    ("Recruitment", "quantity"): ("recruitments", 0, "quantity"),
    ("PremiumPreference", "preferenceNumber"): ("recruitmentPremiumPreferences", 0, "preferenceNumber"),
}


def test_every_number_of_a_request_body_is_tested_as_a_string(client: TestClient):
    spec = client.get("/capi/openapi.json").json()
    schemas = spec["components"]["schemas"]
    seen, found, waiting = set(), set(), [
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for ops in spec["paths"].values() for op in ops.values() if "requestBody" in op]
    while waiting:
        name = waiting.pop().rsplit("/", 1)[1]
        if name in seen:
            continue
        seen.add(name)
        for prop, schema in schemas[name]["properties"].items():
            kinds = [schema, schema.get("items", {}), *schema.get("anyOf", [])]
            found |= {(name, prop) for k in kinds if k.get("type") in ("integer", "number")}
            waiting += [k["$ref"] for k in kinds if "$ref" in k] + [
                k["items"]["$ref"] for k in kinds if "$ref" in k.get("items", {})]
    assert found == set(NUMBERS)


def test_a_number_sent_as_a_string_or_boolean_is_refused(client: TestClient, bearer: dict[str, str],
                                                         runtime: Runtime):
    tables = reflected(runtime)
    before = snapshot(runtime, tables)
    for where in NUMBERS.values():
        for kind in (str, lambda _: True):  # "10", or true
            sample = body()
            place: Any = sample
            for step in where[:-1]:
                place = place[step]
            place[where[-1]] = kind(place[where[-1]])
            answer = client.post(CLIENT, json=sample, headers=bearer)
            assert answer.status_code == 400 and set(answer.json()) == SHAPE, (where, answer.text)
            assert where[-1] in answer.json()["errorMessage"]
    assert snapshot(runtime, tables) == before


def test_a_preference_number_sent_as_a_string_is_refused(client: TestClient, runtime: Runtime, loaded: demo.Demo):
    user = user_bearer(runtime, loaded, kari(runtime))
    tables = reflected(runtime)
    before = snapshot(runtime, tables)
    answer = client.post(f"{USER}/premium/Spring2019", headers=user, json={"recruitmentPremiumPreferences": [
        {"companyCode": "468979834", "product": "HS3829", "preferenceNumber": "1"}]})
    assert answer.status_code == 400 and "preferenceNumber" in answer.json()["errorMessage"], answer.text
    assert snapshot(runtime, tables) == before


def test_an_unknown_campaign_is_a_400_that_changes_nothing(client: TestClient, bearer: dict[str, str],
                                                           runtime: Runtime, loaded: demo.Demo):
    user = user_bearer(runtime, loaded, kari(runtime))
    tables = reflected(runtime)
    before = snapshot(runtime, tables)
    for method, path, headers in (("POST", CLIENT, bearer), ("POST", USER, user), ("GET", f"{USER}/Autumn2019", user),
                                  ("GET", f"{USER}/premium/Autumn2019", user),
                                  ("POST", f"{USER}/premium/Autumn2019", user)):
        payload = {"recruitmentPremiumPreferences": []} if "premium" in path else body(campaign="Autumn2019")
        answer = client.request(method, path, headers=headers, json=payload if method == "POST" else None)
        assert answer.status_code == 400, (method, path, answer.text)
        assert answer.json()["exceptionType"] == "BadRequestException", answer.json()
        assert answer.json()["errorMessage"].startswith("no campaign 'Autumn2019'")
    assert snapshot(runtime, tables) == before


def test_the_registration_documents_only_what_it_answers(client: TestClient):
    """Connect documents 200, 400, 429 and 500; hireport adds only what it also answers: 401 and 403 (the
    token), 409 (an Idempotency-Key used with another body), 408 (a stalled body), 413, 414 and 431 (sizes).
    Never a 404."""
    spec = client.get("/capi/openapi.json").json()
    responses = set(spec["paths"]["/capi/v1/client/recruitment"]["post"]["responses"])
    assert responses - {"401", "403", "408", "409", "413", "414", "431"} == {"200", "400", "429", "500"}
    assert not [(path, method) for path, ops in spec["paths"].items() for method, op in ops.items()
                if "404" in op["responses"]]


# -- a signed-in person becomes only a customer of their own ------------------------------------------------

KARI = {"customerNumber": 34272, "email": "kari.nordmann@gmail.com", "phoneNumber": "+4787654321"}
WANTED = {"recruitmentPremiumPreferences": [{"companyCode": "468979834", "product": "HS3830", "preferenceNumber": 1}]}


def recruiting(friend: str, **changes: Any) -> dict[str, Any]:
    """The seed's sample, recruiting someone new: this e-mail address, no phone number."""
    sample = body(**changes)
    sample["recruitments"][0]["email"] = friend
    del sample["recruitments"][0]["phoneNumber"]
    return sample


@pytest.fixture
def kari_has_a_history(client: TestClient, bearer: dict[str, str], operator_headers: dict[str, str]) -> None:
    """Customer 34272 (no account linked to it) recruited twice in client mode, once confirmed (50 points),
    and would like premium HS3829."""
    for friend in ("first@company.com", "second@company.com"):
        assert client.post(CLIENT, json=recruiting(friend), headers=bearer).status_code == 200
    first = min(o["id"] for o in client.get("/manage/v1/tenants/218/orders", headers=operator_headers).json()["items"])
    assert client.post(f"/manage/v1/tenants/218/orders/{first}/confirm", headers=operator_headers).status_code == 200


def customer_rows(runtime: Runtime, number: int) -> list[dict[str, Any]]:
    """Customer `number`'s row, the referrals it made or is part of, and its premium preferences."""
    with runtime.db.transaction(write=False) as session:
        customer = session.scalars(select(Customer).where(Customer.customer_number == number)).one()
        found = [customer, *session.scalars(select(Referral).where(
            (Referral.referrer_id == customer.id) | (Referral.referred_id == customer.id)).order_by(Referral.id)),
                 *session.scalars(select(PremiumPreference).where(PremiumPreference.customer_id == customer.id))]
        return [{c.key: getattr(row, c.key) for c in row.__table__.columns} for row in found]


def what_the_user_sees(client: TestClient, user: dict[str, str]) -> tuple[int, int, int, Any]:
    """Their points, recruitments verified and not, and premium preferences."""
    listed = client.get(f"{USER}/Spring2019", headers=user).json()
    premiums = client.get(f"{USER}/premium/Spring2019", headers=user).json()
    return (listed["points"], len(listed["recruitments"]), len(listed["unverifiedRecruitments"]),
            premiums["recruitmentPremiumPreferences"])


@pytest.mark.parametrize("named", ["email", "phoneNumber"])
def test_naming_another_customers_email_or_phone_makes_a_new_customer(client: TestClient, runtime: Runtime,
                                                                      loaded: demo.Demo, kari_has_a_history: None,
                                                                      named: str):
    kari_before = customer_rows(runtime, 34272)
    mallory = factories.member(runtime, "mallory@example.com")
    user = user_bearer(runtime, loaded, mallory)
    sample = recruiting("mallorys.friend@company.com", recruitmentPremiumPreferences=[],
                        recruiter={"name": {"firstName": "Mallory"}, named: KARI[named]})
    assert client.post(USER, json=sample, headers=user).status_code == 200
    assert what_the_user_sees(client, user) == (0, 0, 1, []), "only the recruitment of her own"
    assert client.post(f"{USER}/premium/Spring2019", json=WANTED, headers=user).json() == WANTED
    assert customer_rows(runtime, 34272) == kari_before
    with runtime.db.transaction(write=False) as session:
        hers = referrals.customer_of_account(session, Caller.operator(218), mallory)
        assert hers is not None and hers.customer_number != 34272 and hers.first_name == "Mallory"
        assert (hers.email, hers.phone) == ("mallory@example.com", None), "only what is shown to be hers"
        assert session.scalars(select(Referral).where(Referral.referrer_id == hers.id)).one()


@pytest.mark.parametrize("named", ["email", "phoneNumber"])
def test_an_address_or_number_a_person_names_never_leads_a_later_registration_to_them(
        client: TestClient, runtime: Runtime, loaded: demo.Demo, bearer: dict[str, str], named: str):
    """Naming a newcomer's e-mail or phone before the newcomer is anyone's customer does not make the person
    that newcomer: a client registration naming it later makes the newcomer's own customer, and the person is
    credited nothing."""
    newcomer = {"email": "newcomer@example.com", "phoneNumber": "+4711112222"}
    mallory = factories.member(runtime, "mallory@example.com")
    user = user_bearer(runtime, loaded, mallory)
    assert client.post(USER, json=recruiting("mallorys.friend@company.com", recruitmentPremiumPreferences=[],
                                             recruiter={"name": {"firstName": "Mallory"}, named: newcomer[named]}),
                       headers=user).status_code == 200
    later = recruiting("newcomers.friend@company.com", recruiter={"name": {"firstName": "New"}, **newcomer})
    assert client.post(CLIENT, json=later, headers=bearer).status_code == 200
    assert what_the_user_sees(client, user) == (0, 0, 1, []), "only the recruitment of her own"
    with runtime.db.transaction(write=False) as session:
        hers = referrals.customer_of_account(session, Caller.operator(218), mallory)
        found = session.scalars(select(Customer).where(Customer.email == "newcomer@example.com")).one()
        assert hers is not None and found.id != hers.id and found.first_name == "New"


@pytest.mark.parametrize("number", [34272, 99999])
def test_naming_a_customer_number_not_ones_own_is_a_400_that_changes_nothing(
        client: TestClient, runtime: Runtime, loaded: demo.Demo, kari_has_a_history: None, number: int):
    """The seed's sample names customer 34272: from someone else (or with a number no one has: the same
    answer, telling nothing of who exists) it is refused, whatever e-mail or phone comes with it."""
    user = user_bearer(runtime, loaded, factories.member(runtime, "mallory@example.com"))
    sample = body()
    sample["recruiter"]["customerNumber"] = number
    tables = reflected(runtime)
    before = snapshot(runtime, tables)
    answer = client.post(USER, json=sample, headers=user)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"exceptionType": "BadRequestException", "errorMessage": (
        f"customer {number} is not the signed-in user's: only the customer with the user's own e-mail address "
        f"may be named (recruiter.customerNumber: customer {number} is not the signed-in user's: only the "
        "customer with the user's own e-mail address may be named)")}
    assert snapshot(runtime, tables) == before
    assert what_the_user_sees(client, user) == (0, 0, 0, [])


@pytest.mark.parametrize("recruiter", ["as in the sample", "none"])
def test_a_person_whose_email_a_customer_has_becomes_that_customer(client: TestClient, runtime: Runtime,
                                                                    loaded: demo.Demo, kari_has_a_history: None,
                                                                    recruiter: str):
    account = factories.member(runtime, KARI["email"])
    user = user_bearer(runtime, loaded, account)
    sample = recruiting("third@company.com")
    if recruiter == "none":
        del sample["recruiter"]
    customers = count(runtime, Customer)
    assert client.post(USER, json=sample, headers=user).status_code == 200
    assert what_the_user_sees(client, user) == (50, 1, 2, sample["recruitmentPremiumPreferences"])
    assert count(runtime, Customer) == customers + 1, "only the person recruited is new"
    with runtime.db.transaction(write=False) as session:
        linked = referrals.customer_of_account(session, Caller.operator(218), account)
        assert linked is not None and linked.customer_number == 34272


def test_a_customer_linked_to_another_account_is_never_taken(client: TestClient, runtime: Runtime,
                                                             loaded: demo.Demo, kari_has_a_history: None):
    """Customer 34272 signs in as another account (the operator's choice): the account with its e-mail address
    gets a new customer of its own."""
    with runtime.db.transaction() as session:
        referrals.link_account(session, Caller.operator(218), 34272, factories.member(runtime, "kari@example.com"))
    kari_before = customer_rows(runtime, 34272)
    user = user_bearer(runtime, loaded, factories.member(runtime, KARI["email"]))
    sample = recruiting("third@company.com")
    del sample["recruiter"]["customerNumber"]
    assert client.post(USER, json=sample, headers=user).status_code == 200
    assert what_the_user_sees(client, user) == (0, 0, 1, sample["recruitmentPremiumPreferences"])
    assert customer_rows(runtime, 34272) == kari_before
