"""hireport's own management API at `/manage/v1`: what an operator, the console and the tests use."""

from fastapi import APIRouter

from hireport.dialects.manage import auth, candidates, errors, identity, messaging, people, recruitment, referrals
from hireport.kit.dialect import Dialect

DESCRIPTION = """
hireport's own API for operators: tenants, partners, clients, people (accounts and their roles), and every
record a tenant holds.

* Authenticate with `Authorization: Bearer <operator credential>` (`hro_...`). The first one is printed
  when hireport first starts; `hireport operators create` makes more.
* JSON is snake_case. Every list pages by cursor, in id order: `?limit=50&cursor=...` (`limit` 1 to 500,
  default 50) answers `{"items": [...], "next_cursor": ...}`; `next_cursor` is the next page's `cursor`,
  null on the last page. A cursor is opaque: send back only one this API gave (else a 400).
* Datetimes must carry their zone (`2024-07-11T09:30:00+01:00` or `...Z`): one without is a 400, as is
  one whose UTC time falls outside years 1 to 9999. Answers are in UTC.
* Values are checked against what hireport keeps: row ids from 1 to 2^63 - 1, tenant and operator ids
  and counts within 32 bits, strings no longer than their field's `maxLength`, at most 100 keys in
  `attributes` and `settings`. Anything else is a 400.
* Every error is `{"error": {"code", "message", "details"}}` with 400, 401, 403, 404, 409, 413 or 431.
"""

v1 = APIRouter(prefix="/v1")
for module in (identity, people, recruitment, messaging, candidates, referrals):
    v1.include_router(module.router)

DIALECT = Dialect(
    name="manage", title="hireport management API", prefix="/manage", paths=("/manage/v1",),
    routers=(v1,), render=errors.render,
    error_model=errors.ErrorBody, description=DESCRIPTION, authenticate=auth.authenticate,
    security_schemes={"bearer": {"type": "http", "scheme": "bearer",
                                 "description": "An operator credential (hro_...)"}},
)
