"""The Connect dialect: Mediaconnect's recruitment (recruit-a-friend) API at `/capi`, over the referral
services."""

from hireport.dialects.connect import auth, errors, recruitment
from hireport.dialects.connect.scopes import SPECS
from hireport.kit.dialect import Dialect
from hireport.kit.web import access_token_caller

DESCRIPTION = """
Connect-compatible **recruitment** API: a recruiter registers the people they recruited for a subscription
product under a campaign; each recruitment becomes an order, unverified until the order is confirmed, which
credits the recruiter the campaign's points once.

**Client mode** (`/capi/v1/client/...`): a client-credentials token from `/connect/token` holding
`Connect.Recruitment.Client`. **User mode** (`/capi/v1/recruitment...`): a token an application got for a
signed-in user (authorization code with PKCE, `/account/authorize`) holding `Connect.Recruitment.User`; the
user is the customer linked to their account, or on their first registration the unlinked customer with
their account's e-mail address, or else a new customer: never another customer the request names.

A POST may carry an `Idempotency-Key`: a retry with the same key and body creates nothing and gets the first
answer; the same key with another body is a 409. Rate limited per client (429 with `Retry-After`).

**Errors**: `{"exceptionType", "errorMessage"}`. A product, campaign or coupon that is not there is a 400, as
Connect documents (no 404), and so is a string or `true` where a number is documented.
"""

VOCABULARY = {"referrer": "recruiter", "referrals": "recruitments", "preferences": "recruitmentPremiumPreferences",
              "coupon_code": "couponCode", "quantity": "quantity", "amount": "amount",
              "customer_number": "customerNumber"}

DIALECT = Dialect(
    name="connect", title="hireport: Connect recruitment API", prefix="/capi", paths=("/capi/v1",),
    routers=(recruitment.router,),
    render=errors.render, error_model=errors.ErrorBody, description=DESCRIPTION, authenticate=access_token_caller,
    scopes=SPECS, vocabulary=VOCABULARY, setup=auth.setup, error_statuses=(429,), not_found=False,
    security_schemes={"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                 "description": "An access token from `/connect/token`"}},
)
