"""Connect's recruitment endpoints: register recruitments in client mode and in user mode, list a recruiter's
recruitments and points, and read or replace their premium preferences."""

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse, Response

from hireport.dialects.connect.auth import mode
from hireport.dialects.connect.scopes import Scope
from hireport.kit.auth import Caller
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import Customer, Referral
from hireport.services import referrals
from hireport.services.referrals import Person, Preference, Referred

router = APIRouter(prefix="/v1", tags=["Recruitment"])

ClientMode = Annotated[Caller, Depends(mode(Scope.client, person=False))]
UserMode = Annotated[Caller, Depends(mode(Scope.user, person=True))]
Code = Annotated[str, Field(min_length=1, max_length=12)]
CampaignCode = Annotated[str, Path(min_length=1, max_length=12, description="Campaign code", examples=["Spring2019"])]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255, description=(
    "A key of yours for this request: a retry with the same key and body gets the first answer and creates "
    "nothing; the same key with another body is a 409"))]
Text = Annotated[str, Field(min_length=1, max_length=100)]
LongText = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    """Refuses a field Connect does not document. (Each number field also says `strict=True`: a JSON number,
    never `"10"` or `true`.)"""

    model_config = ConfigDict(extra="forbid")


class Name(Strict):
    firstName: Text | None = None
    middleName: Text | None = None
    lastName: Text | None = None
    companyName: LongText | None = None
    departmentName: LongText | None = None


CountryCode = Annotated[str, Field(max_length=2, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
PostalCode = Annotated[str, Field(max_length=20, pattern=r"^[0-9A-Za-z -]{2,20}$")]


class Address(Strict):
    streetAddress: LongText | None = None
    streetNumber: int | None = Field(default=None, ge=0, le=100_000, strict=True)
    entrance: Annotated[str, Field(min_length=1, max_length=10)] | None = None
    floor: int | None = Field(default=None, ge=-10, le=300, strict=True)
    postalCode: PostalCode | None = None
    postalPlace: Text | None = None
    postalAddress: LongText | None = None
    postalAddressPostalCode: PostalCode | None = None
    postalAddressPostalPlace: Text | None = None
    countryCode: CountryCode | None = None


Phone = Annotated[str, Field(max_length=16, pattern=r"^\+?[0-9]{5,15}$", description="Digits, + first for E.164")]
Email = Annotated[str, Field(max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class Recruiter(Strict):
    name: Name | None = None
    address: Address | None = None
    phoneNumber: Phone | None = None
    email: Email | None = None
    customerNumber: int | None = Field(default=None, ge=1, le=2**53, strict=True)


class Recruitment(Strict):
    name: Name | None = None
    address: Address | None = None
    couponCode: Code
    couponNumber: int = Field(ge=0, le=2**31 - 1, strict=True)
    amount: float = Field(ge=0, le=1_000_000, strict=True,
                          description="In the currency's units, at most two decimals")
    quantity: int = Field(ge=1, le=referrals.MAX_QUANTITY, strict=True)
    phoneNumber: Phone | None = None
    email: Email | None = None


class PremiumPreference(Strict):
    companyCode: Annotated[str, Field(min_length=1, max_length=40)]
    product: Annotated[str, Field(min_length=1, max_length=40)]
    preferenceNumber: int = Field(ge=1, le=1000, strict=True)


# The examples use the demo's catalogue (`hireport demo`, the seed's own codes): product CO27409, campaign
# Spring2019 and its premium 468979834/HS3829, coupon Datanews number 1, customer 34272.
PREFERENCE_EXAMPLE: dict[str, Any] = {"companyCode": "468979834", "product": "HS3829", "preferenceNumber": 1}
RECRUITED_EXAMPLE: dict[str, Any] = {"name": {"firstName": "Ola", "lastName": "Nordmann"}, "couponCode": "Datanews",
                                     "couponNumber": 1, "amount": 100, "quantity": 1,
                                     "email": "ola.nordmann@company.com"}


class Registration(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"product": "CO27409", "campaign": "Spring2019", "recruiter": {"customerNumber": 34272},
         "recruitmentPremiumPreferences": [PREFERENCE_EXAMPLE], "recruitments": [RECRUITED_EXAMPLE]},
        {"product": "CO27409", "campaign": "Spring2019", "recruitments": [RECRUITED_EXAMPLE],
         "recruiter": {"name": {"firstName": "Riley", "lastName": "Recruiter"}, "email": "riley@example.com"}}]})

    product: Code = Field(description="Product code; a subscription product valid for the campaign")
    campaign: Code = Field(description="Campaign code")
    recruiter: Recruiter | None = None
    recruitmentPremiumPreferences: list[PremiumPreference] | None = Field(default=None, max_length=50, description=(
        "Missing: existing premium preferences stay. Present (empty or not): they are replaced"))
    recruitments: list[Recruitment] = Field(min_length=1, max_length=referrals.MAX_REFERRALS)


class Status(BaseModel):
    status: str = Field(description='"ok"')


class RecruitmentView(BaseModel):
    orderNumber: int
    name: Name
    amount: float
    quantity: int
    points: int | None
    registered: str


class RecruitmentList(BaseModel):
    points: int
    products: list[str]
    recruitments: list[RecruitmentView]
    unverifiedRecruitments: list[RecruitmentView]


class Preferences(BaseModel):
    recruitmentPremiumPreferences: list[PremiumPreference]


class PreferencesIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"recruitmentPremiumPreferences": [PREFERENCE_EXAMPLE]}]})

    recruitmentPremiumPreferences: list[PremiumPreference] = Field(max_length=50)


@router.post("/client/recruitment", summary="Register recruitment - client mode", response_model=Status)
def register_as_client(session: DbSession, rt: RuntimeDep, caller: ClientMode, body: Registration,
                       idempotency_key: IdempotencyKey = None) -> Response:
    """The recruiter is matched to a customer (customer number, else e-mail, else phone) or created; each
    recruited person too; each recruitment becomes an order, unverified until it is confirmed."""
    return _register(session, rt, caller, body, account_id=None, key=idempotency_key)  # the service needs a recruiter


@router.post("/recruitment", summary="Register recruitments (the signed-in user recruits)", response_model=Status)
def register_as_user(session: DbSession, rt: RuntimeDep, caller: UserMode, body: Registration,
                     idempotency_key: IdempotencyKey = None) -> Response:
    """If the user is a known customer, they are the recruiter and the request's recruiter is ignored;
    otherwise the unlinked customer with the user's own e-mail address is, or else the recruiter is created
    from the request. Either is linked to the user. Another customer is never theirs: a `customerNumber`
    other than their own is a 400, and another's e-mail or phone makes a new customer, not that one."""
    return _register(session, rt, caller, body, account_id=caller.account_id, key=idempotency_key)


def _register(session: DbSession, rt: RuntimeDep, caller: Caller, body: Registration, *, account_id: int | None,
              key: str | None) -> Response:
    raw = body.model_dump_json(exclude_unset=True).encode()  # what a retry must repeat (its JSON, as read)
    status, answer = referrals.register_once(session, caller, _registration(body), key=key, request=raw,
                                             answer=(200, '{"status":"ok"}'), clock=rt.clock, account_id=account_id)
    return Response(answer, status_code=status, media_type="application/json")


@router.get("/recruitment/{campaign}", summary="List recruitments", response_model=RecruitmentList)
def list_recruitments(session: DbSession, caller: UserMode, campaign: CampaignCode,
                      limit: Annotated[int, Query(ge=1, le=500)] = 50,
                      offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
                      ascending: bool = False) -> JSONResponse:
    """The user's points and recruitments under the campaign: verified (`recruitments`) and not yet
    (`unverifiedRecruitments`), each paged by `limit` and `offset` and sorted by registration."""
    assert caller.account_id is not None
    customer = referrals.customer_of_account(session, caller, caller.account_id)
    found = referrals.summary(session, caller, customer, campaign, limit=limit, offset=offset, ascending=ascending)
    return JSONResponse({"points": found.points, "products": found.products,
                         "recruitments": [_view(r, found.customers) for r in found.verified],
                         "unverifiedRecruitments": [_view(r, found.customers) for r in found.unverified]})


@router.get("/recruitment/premium/{campaign}", summary="List premium recruitments", response_model=Preferences)
def list_preferences(session: DbSession, caller: UserMode, campaign: CampaignCode) -> Preferences:
    assert caller.account_id is not None
    customer = referrals.customer_of_account(session, caller, caller.account_id)
    return Preferences(recruitmentPremiumPreferences=[
        PremiumPreference(companyCode=premium.company_code, product=premium.product,
                          preferenceNumber=pref.preference_number)
        for pref, premium in referrals.preferences(session, caller, customer, campaign)])


@router.post("/recruitment/premium/{campaign}", summary="Change premium recruitments", response_model=Preferences)
def change_preferences(session: DbSession, caller: UserMode, campaign: CampaignCode,
                       body: PreferencesIn) -> Preferences:
    """Existing preferences of the user for the campaign are deleted, then these applied."""
    assert caller.account_id is not None
    referrals.set_preferences(session, caller, caller.account_id, campaign,
                              [_preference(p) for p in body.recruitmentPremiumPreferences])
    return list_preferences(session, caller, campaign)


def _view(row: Referral, customers: dict[int, Customer]) -> dict[str, Any]:
    person = customers[row.referred_id]
    name = {"firstName": person.first_name, "middleName": person.middle_name, "lastName": person.last_name}
    return {"orderNumber": row.id, "name": name, "amount": float(row.amount), "quantity": row.quantity,
            "points": row.credited_points, "registered": row.created_at.isoformat()}


def _person(name: Name | None, address: Address | None, phone: str | None, email: str | None,
            customer_number: int | None = None) -> Person:
    name = name or Name()
    a = address or Address()
    return Person(first_name=name.firstName, middle_name=name.middleName, last_name=name.lastName,
                  company_name=name.companyName, department_name=name.departmentName, phone=phone,
                  email=email.lower() if email else None, customer_number=customer_number, address={
                      "street_address": a.streetAddress, "street_number": a.streetNumber, "entrance": a.entrance,
                      "floor": a.floor, "postal_code": a.postalCode, "postal_place": a.postalPlace,
                      "postal_address": a.postalAddress, "postal_address_postal_code": a.postalAddressPostalCode,
                      "postal_address_postal_place": a.postalAddressPostalPlace, "country_code": a.countryCode})


def _preference(p: PremiumPreference) -> Preference:
    return Preference(company_code=p.companyCode, product=p.product, preference_number=p.preferenceNumber)


def _registration(body: Registration) -> referrals.Registration:
    r = body.recruiter
    referrer = None if r is None else _person(r.name, r.address, r.phoneNumber, r.email, r.customerNumber)
    return referrals.Registration(
        product=body.product, campaign=body.campaign, referrer=referrer,
        preferences=None if body.recruitmentPremiumPreferences is None else [
            _preference(p) for p in body.recruitmentPremiumPreferences],
        referred=[Referred(_person(x.name, x.address, x.phoneNumber, x.email), x.couponCode, x.couponNumber,
                           Decimal(str(x.amount)), x.quantity) for x in body.recruitments])
