"""hireport's own management API at `/manage/v1`: what an operator, the console and the tests use."""

from fastapi import FastAPI

from hireport.dialects.manage import errors, identity, messaging, recruitment
from hireport.kit.runtime import Runtime

DESCRIPTION = """
hireport's own API for operators: tenants, partners, clients, and every record a tenant holds.

* Authenticate with `Authorization: Bearer <operator credential>` (`hro_...`). The first one is printed
  when hireport first starts; `hireport operators create` makes more.
* JSON is snake_case. Lists page by cursor: `?limit=50&cursor=...`; the answer's `next_cursor` is the next
  page's `cursor`, null on the last page.
* Every error is `{"error": {"code", "message", "details"}}` with 400, 401, 403, 404 or 409.
"""


def create_manage_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(title="hireport management API", version="1", description=DESCRIPTION,
                  docs_url="/docs", openapi_url="/openapi.json", redoc_url=None)
    app.state.runtime = runtime
    errors.install(app)
    app.include_router(identity.router, prefix="/v1")
    app.include_router(recruitment.router, prefix="/v1")
    app.include_router(messaging.router, prefix="/v1")
    return app
