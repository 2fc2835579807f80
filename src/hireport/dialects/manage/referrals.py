"""A tenant's referral programme: products, campaigns (with their premium catalogue), coupons, customers
(and the account a customer signs in with), and the orders referrals made: confirmed (the referrer is
credited the campaign's points, once) or cancelled."""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from hireport.dialects.manage.auth import OnTenant
from hireport.dialects.manage.schemas import Cursor, Limit, PageOf, page_of
from hireport.kit.bounds import RowId
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import OrderStatus
from hireport.services import referrals
from hireport.services.referrals import Person

router = APIRouter(prefix="/tenants/{tenant_id}", tags=["referrals"])

Code = Annotated[str, Field(min_length=1, max_length=12)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProductCreate(Strict):
    code: Code
    name: Name
    subscription: bool


class PremiumCreate(Strict):
    company_code: Annotated[str, Field(min_length=1, max_length=40)]
    product: Annotated[str, Field(min_length=1, max_length=40)]
    name: Name


class CampaignCreate(Strict):
    code: Code
    name: Name
    points_per_referral: int = Field(ge=0, le=1_000_000)
    product_codes: list[Code] = Field(min_length=1, max_length=50)
    premiums: list[PremiumCreate] = Field(default=[], max_length=200)


class CouponCreate(Strict):
    code: Code
    number: int = Field(ge=0, le=2**31 - 1)
    product_code: Code
    price: float = Field(ge=0, le=1_000_000)


class CustomerCreate(Strict):
    customer_number: int | None = Field(default=None, ge=1, le=2**53)
    first_name: Annotated[str, Field(max_length=100)] | None = None
    last_name: Annotated[str, Field(max_length=100)] | None = None
    company_name: Annotated[str, Field(max_length=200)] | None = None
    email: Annotated[str, Field(max_length=320)] | None = None
    phone: Annotated[str, Field(max_length=16, pattern=r"^\+?[0-9]{5,15}$")] | None = None
    account_id: int | None = Field(default=None, ge=1, le=2**53, description="The account that signs in as it")


class Created(BaseModel):
    id: int


class OrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    campaign_id: int
    referrer_id: int
    referred_id: int
    order_status: OrderStatus
    credited_points: int | None


@router.post("/products", status_code=status.HTTP_201_CREATED)
def create_product(body: ProductCreate, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> Created:
    return Created(id=referrals.create_product(session, caller, code=body.code, name=body.name,
                                               subscription=body.subscription, clock=rt.clock).id)


@router.post("/campaigns", status_code=status.HTTP_201_CREATED)
def create_campaign(body: CampaignCreate, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> Created:
    return Created(id=referrals.create_campaign(
        session, caller, code=body.code, name=body.name, points_per_referral=body.points_per_referral,
        product_codes=body.product_codes, premiums=[(p.company_code, p.product, p.name) for p in body.premiums],
        clock=rt.clock).id)


@router.post("/coupons", status_code=status.HTTP_201_CREATED)
def create_coupon(body: CouponCreate, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> Created:
    return Created(id=referrals.create_coupon(session, caller, code=body.code, number=body.number,
                                              product_code=body.product_code, price=Decimal(str(body.price)),
                                              clock=rt.clock).id)


@router.post("/customers", status_code=status.HTTP_201_CREATED)
def create_customer(body: CustomerCreate, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> Created:
    """A customer (a taken `customer_number` is a 409), who signs in as `account_id` if given: an account that
    exists (else a 400) and is no other customer's of the tenant (else a 409)."""
    customer = referrals.create_customer(session, caller, Person(
        first_name=body.first_name, last_name=body.last_name, company_name=body.company_name,
        email=body.email.lower() if body.email else None, phone=body.phone,
        customer_number=body.customer_number), account_id=body.account_id, clock=rt.clock)
    return Created(id=customer.id)


@router.get("/orders")
def list_orders(session: DbSession, caller: OnTenant, limit: Limit = 50, cursor: Cursor = None,
                order_status: OrderStatus | None = None) -> PageOf[OrderRead]:
    """The orders referrals made, oldest first (`order_status`: only the pending, confirmed or cancelled)."""
    page = referrals.orders_page(session, caller, status=order_status, limit=limit, cursor=cursor)
    return page_of(page, OrderRead.model_validate)


@router.post("/orders/{order_id}/confirm")
def confirm_order(order_id: RowId, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> OrderRead:
    """A pending order is confirmed: its referral is verified, and the referrer credited the campaign's points
    (once: confirming again is a 409)."""
    return OrderRead.model_validate(referrals.decide(session, caller, order_id, confirm=True, clock=rt.clock))


@router.post("/orders/{order_id}/cancel")
def cancel_order(order_id: RowId, session: DbSession, rt: RuntimeDep, caller: OnTenant) -> OrderRead:
    """A pending order is cancelled: its referral never credits."""
    return OrderRead.model_validate(referrals.decide(session, caller, order_id, confirm=False, clock=rt.clock))
