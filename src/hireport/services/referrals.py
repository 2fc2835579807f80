"""Referrals: a customer (the referrer) registers the people they referred for a subscription product under a
campaign. A client names the referrer, who is matched to a customer (by customer number, else e-mail, else
phone) or created; so is each person referred. A signed-in person is only ever a customer provably theirs:
the one linked to their account, else the unlinked customer with their account's e-mail address, else a
new one; naming another customer never makes it theirs. Each referral becomes an order; it is unverified
until the order is confirmed, which credits the referrer the campaign's points exactly once (a cancelled
order never credits). A referrer ranks the premiums of the campaign's catalogue they would like.

Registrations of one tenant run one at a time (the tenant's row is locked first), so two identical ones at
once never create the same customer twice, and a retried request (same idempotency key) is answered from
what the first one stored.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from hireport.kit.pagination import Page, keyset_page
from hireport.kit.tenancy import get_scoped, lock_tenant, scoped, scoped_update
from hireport.models import (
    Account,
    Campaign,
    Coupon,
    Customer,
    IdempotentRequest,
    OrderStatus,
    Premium,
    PremiumPreference,
    Product,
    Referral,
)
from hireport.services import accounts

MAX_REFERRALS, MAX_PREFERENCES, MAX_QUANTITY = 100, 50, 1000
MAX_AMOUNT = Decimal("1000000")


@dataclass
class Person:
    """A customer as a registration names them; every field optional."""

    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    department_name: str | None = None
    address: dict[str, Any] = field(default_factory=dict)  # Customer's address columns, by name
    phone: str | None = None
    email: str | None = None
    customer_number: int | None = None


@dataclass
class Referred:
    person: Person
    coupon_code: str
    coupon_number: int
    amount: Decimal
    quantity: int


@dataclass
class Preference:
    company_code: str
    product: str
    preference_number: int


@dataclass
class Registration:
    product: str
    campaign: str
    referrer: Person | None
    referred: list[Referred]
    preferences: list[Preference] | None  # None: leave them as they are; []: remove them


class NotACustomer(InvalidInput):
    """A signed-in person who is no customer yet has nothing of their own to change."""


@dataclass
class Summary:
    points: int
    products: list[str]
    verified: list[Referral]
    unverified: list[Referral]
    customers: dict[int, Customer]


def register(session: Session, caller: Caller, wanted: Registration, *, clock: Clock,
             account_id: int | None = None) -> list[Referral]:
    """Record the referrals of `wanted`. With `account_id` (a signed-in person), the referrer is that person's
    own customer (see `_own_customer`); without, the referrer `wanted` names is matched or created."""
    lock_tenant(session, caller)
    product = _product(session, caller, wanted.product)
    campaign = _campaign(session, caller, wanted.campaign)
    if product.code not in campaign.product_codes:
        raise InvalidInput(f"product {product.code} is not valid for campaign {campaign.code}", field="product")
    if not wanted.referred:
        raise InvalidInput("{referrals} needs at least one item", field="referrals")
    if len(wanted.referred) > MAX_REFERRALS:
        raise InvalidInput(f"at most {MAX_REFERRALS} {{referrals}} in one registration", field="referrals")
    coupons = [_coupon(session, caller, product, r, i) for i, r in enumerate(wanted.referred)]
    premiums = None if wanted.preferences is None else _premiums(session, caller, campaign, wanted.preferences)
    referrer = _referrer(session, caller, wanted.referrer, account_id, clock)
    now = clock.now()
    made = []
    for index, (item, coupon) in enumerate(zip(wanted.referred, coupons, strict=True)):
        _check_line(item, index)
        referred = _match_or_create(session, caller, item.person, clock)
        if referred.id == referrer.id:
            raise InvalidInput("a customer cannot be their own {referrer}", field=f"referrals[{index}]")
        row = Referral(tenant_id=referrer.tenant_id, campaign_id=campaign.id, product_id=product.id,
                       coupon_id=coupon.id, referrer_id=referrer.id, referred_id=referred.id, amount=item.amount,
                       quantity=item.quantity, order_status=OrderStatus.pending, credited_points=None,
                       created_at=now, decided_at=None)
        session.add(row)
        made.append(row)
    if premiums is not None:
        _replace_preferences(session, caller, referrer, campaign, premiums)
    session.flush()
    return made


def customer_of_account(session: Session, caller: Caller, account_id: int) -> Customer | None:
    return session.scalars(scoped(Customer, caller).where(Customer.account_id == account_id)).one_or_none()


def summary(session: Session, caller: Caller, customer: Customer | None, campaign_code: str, *, limit: int,
            offset: int, ascending: bool) -> Summary:
    """A referrer's points and referrals under a campaign, verified and not (each list paged and sorted by
    when it was registered)."""
    campaign = _campaign(session, caller, campaign_code)
    if customer is None:
        return Summary(0, list(campaign.product_codes), [], [], {})
    rows = list(session.scalars(scoped(Referral, caller).where(Referral.referrer_id == customer.id,
                                                               Referral.campaign_id == campaign.id)
                                .order_by(Referral.id.asc() if ascending else Referral.id.desc())))
    points = sum(r.credited_points or 0 for r in rows)
    verified = [r for r in rows if r.order_status == OrderStatus.confirmed][offset:offset + limit]
    unverified = [r for r in rows if r.order_status == OrderStatus.pending][offset:offset + limit]
    ids = {r.referred_id for r in verified + unverified}
    customers = {c.id: c for c in session.scalars(scoped(Customer, caller).where(Customer.id.in_(ids)))} if ids else {}
    return Summary(points, list(campaign.product_codes), verified, unverified, customers)


def preferences(session: Session, caller: Caller, customer: Customer | None,
                campaign_code: str) -> list[tuple[PremiumPreference, Premium]]:
    campaign = _campaign(session, caller, campaign_code)
    if customer is None:
        return []
    rows = session.scalars(scoped(PremiumPreference, caller).where(PremiumPreference.customer_id == customer.id,
                                                                   PremiumPreference.campaign_id == campaign.id)
                           .order_by(PremiumPreference.preference_number))
    found = list(rows)
    premium_ids = {p.premium_id for p in found}
    premiums = {p.id: p for p in session.scalars(scoped(Premium, caller).where(Premium.id.in_(premium_ids)))}
    return [(p, premiums[p.premium_id]) for p in found]


def set_preferences(session: Session, caller: Caller, account_id: int, campaign_code: str,
                    wanted: list[Preference]) -> None:
    """Delete the signed-in person's preferences for the campaign, then apply these. A person who is no
    customer yet has none to change (NotACustomer)."""
    customer = customer_of_account(session, caller, account_id)
    if customer is None:
        raise NotACustomer("the user is not a customer yet: register a recruitment first")
    campaign = _campaign(session, caller, campaign_code)
    _replace_preferences(session, caller, customer, campaign, _premiums(session, caller, campaign, wanted))
    session.flush()


def decide(session: Session, caller: Caller, referral_id: int, *, confirm: bool, clock: Clock) -> Referral:
    """Confirm a referral's order (the referrer is credited the campaign's points) or cancel it. Only a
    pending order moves, and only once, even when two decisions race (a conditional UPDATE)."""
    referral = get_scoped(session, Referral, caller, referral_id, what="order")
    campaign = get_scoped(session, Campaign, caller, referral.campaign_id)
    target = OrderStatus.confirmed if confirm else OrderStatus.cancelled
    moved = session.execute(
        scoped_update(Referral, caller).where(Referral.id == referral_id,
                                              Referral.order_status == OrderStatus.pending)
        .values(order_status=target, decided_at=clock.now(),
                credited_points=campaign.points_per_referral if confirm else None)
        .execution_options(synchronize_session=False))
    if getattr(moved, "rowcount", 0) != 1:
        session.refresh(referral)
        raise InvalidTransition(f"order {referral_id} is {referral.order_status.value}: only a pending order is "
                                f"confirmed or cancelled")
    session.refresh(referral)
    return referral


def register_once(session: Session, caller: Caller, wanted: Registration, *, key: str | None, request: bytes,
                  answer: tuple[int, str], clock: Clock, account_id: int | None = None) -> tuple[int, str]:
    """Register `wanted` (see `register`) and give `answer` (status, body). With an idempotency `key`, once: a
    retry with the same key and the same `request` gets the first answer and registers nothing; the same key
    with another request is a Conflict. A registration refused is not remembered (a retry may succeed)."""
    if key is not None:
        first = _replay(session, caller, key, request)
        if first is not None:
            return first
    register(session, caller, wanted, clock=clock, account_id=account_id)
    if key is not None:
        _remember(session, caller, key, request, answer, clock=clock)
    return answer


def _replay(session: Session, caller: Caller, key: str, request: bytes) -> tuple[int, str] | None:
    """The first answer to a request with this idempotency key, if there was one; the same key with another
    body is a Conflict. Locks the tenant's registrations first: a retry racing its original waits for it."""
    lock_tenant(session, caller)
    found = session.scalars(scoped(IdempotentRequest, caller).where(
        IdempotentRequest.client_id == caller.client_id, IdempotentRequest.key == key)).one_or_none()
    if found is None:
        return None
    if found.request_hash != _digest(request):
        raise Conflict("this Idempotency-Key was used with another request body")
    return found.status, found.body


def _remember(session: Session, caller: Caller, key: str, request: bytes, answer: tuple[int, str], *,
              clock: Clock) -> None:
    status, body = answer
    session.add(IdempotentRequest(tenant_id=caller.require_tenant(), client_id=caller.client_id, key=key,
                                  request_hash=_digest(request), status=status, body=body, created_at=clock.now()))
    session.flush()


def _digest(request: bytes) -> str:
    return hashlib.sha256(request).hexdigest()


def _product(session: Session, caller: Caller, code: str) -> Product:
    product = session.scalars(scoped(Product, caller).where(Product.code == code)).one_or_none()
    if product is None:
        raise InvalidInput(f"no product {code[:12]!r}", field="product")
    if not product.subscription:
        raise InvalidInput(f"product {code} is not a subscription product", field="product")
    return product


def _campaign(session: Session, caller: Caller, code: str) -> Campaign:
    campaign = session.scalars(scoped(Campaign, caller).where(Campaign.code == code)).one_or_none()
    if campaign is None:
        raise InvalidInput(f"no campaign {code[:12]!r}", field="campaign")
    return campaign


def _coupon(session: Session, caller: Caller, product: Product, item: Referred, index: int) -> Coupon:
    coupon = session.scalars(scoped(Coupon, caller).where(Coupon.code == item.coupon_code,
                                                          Coupon.number == item.coupon_number)).one_or_none()
    if coupon is None:
        raise InvalidInput(f"no coupon {item.coupon_code[:12]!r} number {item.coupon_number}",
                           field=f"referrals[{index}].coupon_code")
    if coupon.product_id != product.id:
        raise InvalidInput(f"coupon {item.coupon_code} {item.coupon_number} does not belong to product {product.code}",
                           field=f"referrals[{index}].coupon_code")
    return coupon


def _check_line(item: Referred, index: int) -> None:
    if not 1 <= item.quantity <= MAX_QUANTITY:
        raise InvalidInput(f"quantity must be 1 to {MAX_QUANTITY}", field=f"referrals[{index}].quantity")
    if not Decimal(0) <= item.amount <= MAX_AMOUNT or item.amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput(f"amount must be 0 to {MAX_AMOUNT}, in cents at most", field=f"referrals[{index}].amount")


def _premiums(session: Session, caller: Caller, campaign: Campaign, wanted: list[Preference]) -> list[tuple[int, int]]:
    """(preference number, premium id) of each wanted preference, checked against the campaign's catalogue."""
    if len(wanted) > MAX_PREFERENCES:
        raise InvalidInput(f"at most {MAX_PREFERENCES} premium preferences", field="preferences")
    numbers = [p.preference_number for p in wanted]
    if any(n < 1 for n in numbers) or len(set(numbers)) != len(numbers):
        raise InvalidInput("preference numbers must be positive and unique", field="preferences")
    catalogue = {(p.company_code, p.product): p.id for p in session.scalars(
        scoped(Premium, caller).where(Premium.campaign_id == campaign.id))}
    chosen = []
    for index, p in enumerate(wanted):
        premium_id = catalogue.get((p.company_code, p.product))
        if premium_id is None:
            raise InvalidInput(f"premium {p.company_code[:40]}/{p.product[:40]} is not in campaign {campaign.code}'s "
                               "catalogue", field=f"preferences[{index}]")
        chosen.append((p.preference_number, premium_id))
    return chosen


def _replace_preferences(session: Session, caller: Caller, customer: Customer, campaign: Campaign,
                         chosen: list[tuple[int, int]]) -> None:
    for old in session.scalars(scoped(PremiumPreference, caller).where(
            PremiumPreference.customer_id == customer.id, PremiumPreference.campaign_id == campaign.id)):
        session.delete(old)
    session.flush()
    for number, premium_id in chosen:
        session.add(PremiumPreference(tenant_id=customer.tenant_id, customer_id=customer.id, campaign_id=campaign.id,
                                      premium_id=premium_id, preference_number=number))


def _referrer(session: Session, caller: Caller, given: Person | None, account_id: int | None,
              clock: Clock) -> Customer:
    if account_id is not None:
        return _own_customer(session, caller, given, account_id, clock)
    if given is None:
        raise InvalidInput("{referrer} is required", field="referrer")
    return _match_or_create(session, caller, given, clock)


def _own_customer(session: Session, caller: Caller, given: Person | None, account_id: int,
                  clock: Clock) -> Customer:
    """The customer a signed-in person is: the one linked to their account (`given` ignored); else the first
    unlinked customer with their account's e-mail address; else a new one made of `given`, with the account's
    e-mail address and no phone (an address or number the person names is not shown to be theirs, and client
    registrations find their recruiter by either: someone else's must never lead to this person). Either is
    linked to the account. A customer number `given` must be that customer's (a new one gets the tenant's next)."""
    linked = customer_of_account(session, caller, account_id)
    if linked is not None:
        return linked
    email = accounts.get(session, account_id).email
    own = session.scalars(scoped(Customer, caller).where(Customer.email == email, Customer.account_id.is_(None))
                          .order_by(Customer.id).limit(1)).first()
    named = given.customer_number if given else None
    if named is not None and (own is None or own.customer_number != named):
        raise InvalidInput(f"customer {named} is not the signed-in user's: only the customer with the user's own "
                           "e-mail address may be named", field="referrer.customer_number")
    if own is None:
        if given is None:
            raise InvalidInput("{referrer} is required", field="referrer")
        own = _new_customer(session, caller, Person(**{**vars(given), "email": email, "phone": None}), clock)
    own.account_id = account_id
    return own


def _match_or_create(session: Session, caller: Caller, person: Person, clock: Clock) -> Customer:
    """The customer with this customer number, else this e-mail, else this phone; else a new one."""
    customers = scoped(Customer, caller)
    for column, value in ((Customer.customer_number, person.customer_number), (Customer.email, person.email),
                          (Customer.phone, person.phone)):
        if value is not None:
            found = session.scalars(customers.where(column == value).order_by(Customer.id).limit(1)).first()
            if found is not None:
                return found
    return _new_customer(session, caller, person, clock)


def _new_customer(session: Session, caller: Caller, person: Person, clock: Clock) -> Customer:
    """A customer made of what a registration gives, with the tenant's next customer number."""
    if not (person.first_name or person.last_name or person.company_name):
        raise InvalidInput("a new customer needs a name", field="name")
    if person.email is None and person.phone is None:
        raise InvalidInput("a new customer needs an e-mail address or a phone number", field="email")
    return _create(session, caller, Person(**{**vars(person), "customer_number": None}), clock)


def _create(session: Session, caller: Caller, person: Person, clock: Clock, *,
            account_id: int | None = None) -> Customer:
    number = person.customer_number
    if number is None:
        last = session.scalars(scoped(Customer, caller).order_by(Customer.customer_number.desc()).limit(1)).first()
        number = (last.customer_number + 1) if last else 10001
    customer = Customer(
        tenant_id=caller.require_tenant(), customer_number=number, account_id=account_id,
        first_name=person.first_name, middle_name=person.middle_name, last_name=person.last_name,
        company_name=person.company_name, department_name=person.department_name, phone=person.phone,
        email=person.email, created_at=clock.now(), **person.address)
    session.add(customer)
    session.flush()
    return customer


# -- the catalogue and the orders, as the management API and the demo set them up -------------------------


def has_products(session: Session, caller: Caller) -> bool:
    return session.scalars(scoped(Product, caller).limit(1)).first() is not None


def create_product(session: Session, caller: Caller, *, code: str, name: str, subscription: bool,
                   clock: Clock) -> Product:
    _code(code, "code")
    if session.scalars(scoped(Product, caller).where(Product.code == code)).first() is not None:
        raise Conflict(f"product {code} already exists")
    product = Product(tenant_id=caller.require_tenant(), code=code, name=name, subscription=subscription,
                      created_at=clock.now())
    session.add(product)
    session.flush()
    return product


def create_campaign(session: Session, caller: Caller, *, code: str, name: str, points_per_referral: int,
                    product_codes: list[str], premiums: list[tuple[str, str, str]], clock: Clock) -> Campaign:
    """A campaign for these products (each must exist), with its premium catalogue: (company code, product,
    name) each."""
    _code(code, "code")
    if session.scalars(scoped(Campaign, caller).where(Campaign.code == code)).first() is not None:
        raise Conflict(f"campaign {code} already exists")
    if not 0 <= points_per_referral <= 1_000_000:
        raise InvalidInput("{points_per_referral} must be 0 to 1000000", field="points_per_referral")
    known = {p.code for p in session.scalars(scoped(Product, caller).where(Product.code.in_(product_codes)))}
    missing = [c for c in product_codes if c not in known]
    if missing:
        raise InvalidInput(f"no product {missing[0][:12]!r}", field="product_codes")
    if len(set(premiums)) != len(premiums) or len({(c, p) for c, p, _ in premiums}) != len(premiums):
        raise InvalidInput("each premium (company code and product) once", field="premiums")
    campaign = Campaign(tenant_id=caller.require_tenant(), code=code, name=name,
                        points_per_referral=points_per_referral, product_codes=list(dict.fromkeys(product_codes)),
                        created_at=clock.now())
    session.add(campaign)
    session.flush()
    for company_code, product, premium_name in premiums:
        session.add(Premium(tenant_id=campaign.tenant_id, campaign_id=campaign.id, company_code=company_code,
                            product=product, name=premium_name))
    session.flush()
    return campaign


def create_coupon(session: Session, caller: Caller, *, code: str, number: int, product_code: str, price: Decimal,
                  clock: Clock) -> Coupon:
    _code(code, "code")
    product = session.scalars(scoped(Product, caller).where(Product.code == product_code)).one_or_none()
    if product is None:
        raise InvalidInput(f"no product {product_code[:12]!r}", field="product_code")
    if session.scalars(scoped(Coupon, caller).where(Coupon.code == code, Coupon.number == number)).first():
        raise Conflict(f"coupon {code} number {number} already exists")
    coupon = Coupon(tenant_id=product.tenant_id, product_id=product.id, code=code, number=number, price=price)
    session.add(coupon)
    session.flush()
    return coupon


def create_customer(session: Session, caller: Caller, person: Person, *, account_id: int | None = None,
                    clock: Clock) -> Customer:
    """A customer with the number given (or the next one), who signs in as `account_id` if given."""
    lock_tenant(session, caller)  # the next number, and the account linked once, even when two create at once
    if person.customer_number is not None and session.scalars(scoped(Customer, caller).where(
            Customer.customer_number == person.customer_number)).first() is not None:
        raise Conflict(f"customer {person.customer_number} already exists")
    if account_id is not None:
        _check_linkable(session, caller, account_id)
    return _create(session, caller, person, clock, account_id=account_id)


def link_account(session: Session, caller: Caller, customer_number: int, account_id: int) -> Customer:
    """The customer a person who signs in is (their "ConnectID")."""
    lock_tenant(session, caller)
    customer = session.scalars(scoped(Customer, caller).where(Customer.customer_number == customer_number)).first()
    if customer is None:
        raise NotFound(f"customer {customer_number} not found")
    _check_linkable(session, caller, account_id)
    customer.account_id = account_id
    session.flush()
    return customer


def _check_linkable(session: Session, caller: Caller, account_id: int) -> None:
    """An account a customer may sign in as: one that exists, and no customer's of the tenant yet."""
    if session.get(Account, account_id) is None:
        raise InvalidInput(f"no account {account_id}", field="account_id")
    if customer_of_account(session, caller, account_id) is not None:
        message = f"account {account_id} is already linked to a customer"
        raise Conflict(message, details=[{"field": "account_id", "message": message}])


@dataclass(frozen=True)
class OrderRow:
    referral: Referral
    campaign: str
    referrer: Customer
    referred: Customer


def order_rows(session: Session, caller: Caller, *, limit: int) -> list[OrderRow]:
    """The newest orders with their campaign's code and both customers (the console's list)."""
    found = orders(session, caller, limit=limit)
    customer_ids = {r.referrer_id for r in found} | {r.referred_id for r in found}
    customers = {c.id: c for c in session.scalars(scoped(Customer, caller).where(Customer.id.in_(customer_ids)))}
    campaigns = {c.id: c.code for c in session.scalars(scoped(Campaign, caller).where(
        Campaign.id.in_({r.campaign_id for r in found})))}
    return [OrderRow(r, campaigns[r.campaign_id], customers[r.referrer_id], customers[r.referred_id]) for r in found]


def orders(session: Session, caller: Caller, *, limit: int) -> list[Referral]:
    """The newest orders."""
    return list(session.scalars(scoped(Referral, caller).order_by(Referral.id.desc()).limit(limit)))


def orders_page(session: Session, caller: Caller, *, status: OrderStatus | None, limit: int,
                cursor: str | None) -> Page[Referral]:
    """The orders referrals made, oldest first (`status`: only those in it)."""
    query = scoped(Referral, caller)
    return keyset_page(session, query.where(Referral.order_status == status) if status else query, Referral.id,
                       limit=limit, cursor=cursor)


def _code(code: str, name: str) -> None:
    if not code or len(code) > 12 or not code.isprintable():
        raise InvalidInput(f"{{{name}}} must be 1 to 12 printable characters", field=name)
