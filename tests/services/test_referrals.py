"""The referral rules, through the service on a real database: a registration sent again with its idempotency
key gets the first answer and creates nothing, the same key with another request is a conflict; and a
signed-in person who is no customer yet has no preferences of their own to change."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hireport.kit.auth import Caller
from hireport.kit.errors import Conflict
from hireport.kit.runtime import Runtime
from hireport.models import Customer, PremiumPreference, Referral
from hireport.services import referrals
from hireport.services.referrals import NotACustomer, Person, Preference, Referred, Registration
from tests import factories

CLIENT = Caller(client_id="registrar", tenant_id=218)
OK = (200, '{"status":"ok"}')


@pytest.fixture
def catalogue(runtime: Runtime) -> None:
    """Tenant 218 with a subscription product, a campaign of it with one premium, and a coupon."""
    factories.tenant(runtime, 218)
    caller, clock = Caller.operator(218), runtime.clock
    with runtime.db.transaction() as session:
        referrals.create_product(session, caller, code="P1", name="p", subscription=True, clock=clock)
        referrals.create_campaign(session, caller, code="C1", name="c", points_per_referral=5, product_codes=["P1"],
                                  premiums=[("CO1", "PR1", "a premium")], clock=clock)
        referrals.create_coupon(session, caller, code="K1", number=1, product_code="P1", price=Decimal(1),
                                clock=clock)


def _registration(referred_email: str) -> Registration:
    return Registration(product="P1", campaign="C1", referrer=Person(first_name="R", email="r@example.com"),
                        referred=[Referred(Person(first_name="F", email=referred_email), "K1", 1, Decimal(1), 1)],
                        preferences=None)


def _register(runtime: Runtime, key: str | None, request: bytes, answer: tuple[int, str] = OK,
              referred_email: str = "f@example.com") -> tuple[int, str]:
    with runtime.db.transaction() as session:
        return referrals.register_once(session, CLIENT, _registration(referred_email), key=key, request=request,
                                       answer=answer, clock=runtime.clock)


def _counts(runtime: Runtime) -> tuple[int, int]:
    with runtime.db.transaction(write=False) as session:
        return (int(session.scalar(select(func.count()).select_from(Customer)) or 0),
                int(session.scalar(select(func.count()).select_from(Referral)) or 0))


def test_a_retry_with_the_same_key_and_request_gets_the_first_answer_and_creates_nothing(runtime: Runtime,
                                                                                         catalogue: None):
    assert _register(runtime, "order-7", b'{"a":1}') == OK
    after_first = _counts(runtime)
    assert after_first == (2, 1)
    # the answer is the first one, as stored, even when this request's own would differ
    assert _register(runtime, "order-7", b'{"a":1}', answer=(201, "later")) == OK
    assert _counts(runtime) == after_first


def test_the_same_key_with_another_request_is_a_conflict_and_creates_nothing(runtime: Runtime, catalogue: None):
    _register(runtime, "order-7", b'{"a":1}')
    before = _counts(runtime)
    with pytest.raises(Conflict, match="Idempotency-Key was used with another request body"):
        _register(runtime, "order-7", b'{"a":2}', referred_email="other@example.com")
    assert _counts(runtime) == before


def test_without_a_key_or_with_another_key_each_registration_counts(runtime: Runtime, catalogue: None):
    _register(runtime, None, b'{"a":1}')
    _register(runtime, None, b'{"a":1}')
    _register(runtime, "order-8", b'{"a":1}')
    assert _counts(runtime) == (2, 3), "one referrer and one person referred, three orders"


def test_a_person_who_is_no_customer_yet_has_no_preferences_to_change(runtime: Runtime, catalogue: None):
    account_id = factories.member(runtime, "new@example.com")
    wanted = [Preference(company_code="CO1", product="PR1", preference_number=1)]
    with runtime.db.transaction() as session, pytest.raises(NotACustomer, match="not a customer yet"):
        referrals.set_preferences(session, CLIENT, account_id, "C1", wanted)
    with runtime.db.transaction() as session:
        referrals.create_customer(session, Caller.operator(218), Person(first_name="N", email="new@example.com"),
                                  account_id=account_id, clock=runtime.clock)
    with runtime.db.transaction() as session:
        referrals.set_preferences(session, CLIENT, account_id, "C1", wanted)
    with runtime.db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(PremiumPreference)) == 1
