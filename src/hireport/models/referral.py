"""Referrals (recruit-a-friend subscription sales): a tenant's products, its campaigns with the premiums a
referrer may win, coupons, customers, and the referrals customers register, each made an order; points
credited once a referral's order is confirmed; and what a referrer would like as a premium."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hireport.models.base import Base, BigId, TenantScoped, enum_column, ref

CODE = 12  # product, campaign and coupon codes


class Product(TenantScoped, Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    code: Mapped[str] = mapped_column(String(CODE))
    name: Mapped[str] = mapped_column(String(200))
    subscription: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]


class Campaign(TenantScoped, Base):
    """A referral campaign: the products one may refer for, and the points a confirmed referral earns."""

    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    code: Mapped[str] = mapped_column(String(CODE))
    name: Mapped[str] = mapped_column(String(200))
    points_per_referral: Mapped[int] = mapped_column(Integer)
    product_codes: Mapped[list[str]]  # the products valid for it
    created_at: Mapped[datetime]


class Premium(TenantScoped, Base):
    """A gift of a campaign's catalogue, named by the company that provides it and its product code."""

    __tablename__ = "premiums"
    __table_args__ = (UniqueConstraint("campaign_id", "company_code", "product"),)

    campaign_id: Mapped[int] = ref("campaigns.id")
    company_code: Mapped[str] = mapped_column(String(40))
    product: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))


class Coupon(TenantScoped, Base):
    """A price offer for a product (code and number)."""

    __tablename__ = "coupons"
    __table_args__ = (UniqueConstraint("tenant_id", "code", "number"),)

    product_id: Mapped[int] = ref("products.id")
    code: Mapped[str] = mapped_column(String(CODE))
    number: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))


class Customer(TenantScoped, Base):
    """A customer: a referrer, someone referred, or both; `account_id` links a person who signs in."""

    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "customer_number"),
        UniqueConstraint("tenant_id", "account_id"),
        Index("ix_customers_tenant_email", "tenant_id", "email"),
        Index("ix_customers_tenant_phone", "tenant_id", "phone"),
    )

    customer_number: Mapped[int] = mapped_column(BigId)
    account_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id", ondelete="SET NULL"))
    first_name: Mapped[str | None] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    company_name: Mapped[str | None] = mapped_column(String(200))
    department_name: Mapped[str | None] = mapped_column(String(200))
    street_address: Mapped[str | None] = mapped_column(String(200))
    street_number: Mapped[int | None] = mapped_column(Integer)
    entrance: Mapped[str | None] = mapped_column(String(10))
    floor: Mapped[int | None] = mapped_column(Integer)
    postal_code: Mapped[str | None] = mapped_column(String(20))
    postal_place: Mapped[str | None] = mapped_column(String(100))
    postal_address: Mapped[str | None] = mapped_column(String(200))
    postal_address_postal_code: Mapped[str | None] = mapped_column(String(20))
    postal_address_postal_place: Mapped[str | None] = mapped_column(String(100))
    country_code: Mapped[str | None] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime]


class OrderStatus(StrEnum):
    """An order's life: the moves live in `services.referrals`."""

    pending = "pending"
    confirmed = "confirmed"
    cancelled = "cancelled"


class Referral(TenantScoped, Base):
    """One person referred by a customer under a campaign, for a product with a coupon: made an order of
    its own (its number is the referral's id). Unverified until the order is confirmed; then the referrer
    is credited the campaign's points, once (`credited_points`, set in the same change)."""

    __tablename__ = "referrals"
    __table_args__ = (Index("ix_referrals_tenant_referrer", "tenant_id", "referrer_id", "campaign_id", "id"),)

    campaign_id: Mapped[int] = ref("campaigns.id")
    product_id: Mapped[int] = ref("products.id")
    coupon_id: Mapped[int] = ref("coupons.id")
    referrer_id: Mapped[int] = ref("customers.id")
    referred_id: Mapped[int] = ref("customers.id")
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    quantity: Mapped[int] = mapped_column(Integer)
    order_status: Mapped[OrderStatus] = enum_column(OrderStatus)
    credited_points: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class PremiumPreference(TenantScoped, Base):
    """What a referrer would like from a campaign's catalogue, ranked (1 first)."""

    __tablename__ = "premium_preferences"
    __table_args__ = (UniqueConstraint("customer_id", "campaign_id", "preference_number"),)

    customer_id: Mapped[int] = ref("customers.id")
    campaign_id: Mapped[int] = ref("campaigns.id")
    premium_id: Mapped[int] = ref("premiums.id")
    preference_number: Mapped[int] = mapped_column(Integer)


class IdempotentRequest(TenantScoped, Base):
    """A request sent with an `Idempotency-Key`: its first answer, given again to a retry of it."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("tenant_id", "client_id", "key"),)

    client_id: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(String(4000))
    created_at: Mapped[datetime]
