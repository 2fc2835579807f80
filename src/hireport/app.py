"""The ASGI application: every dialect mounted on one app, with request ids, metrics and logs."""

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

from hireport import __version__, ops
from hireport.delivery.worker import DeliveryWorker
from hireport.dialects import oauth
from hireport.dialects.gupy import create_gupy_app
from hireport.dialects.manage import create_manage_app
from hireport.dialects.pageup import create_pageup_app
from hireport.kit.auth import TokenAuthority
from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.kit.runtime import Runtime
from hireport.kit.signing import UrlSigner
from hireport.kit.storage import LocalStorage
from hireport.kit.web import RuntimeDep
from hireport.services import identity
from hireport.settings import Settings


def build_runtime(settings: Settings, *, clock: Clock | None = None, db: Database | None = None) -> Runtime:
    """Connect to a migrated database and load the token signing keys."""
    clock = clock or Clock()
    db = db or Database(settings.resolved_database_url)
    keys = identity.signing_keys(db, clock=clock)
    tokens = TokenAuthority(keys=keys, issuer=settings.issuer, audience=settings.audience, clock=clock)
    url_key = hashlib.sha256(b"hireport signed urls\n" + keys[0].private_pem().encode()).digest()
    return Runtime(settings=settings, db=db, clock=clock, tokens=tokens,
                   storage=LocalStorage(settings.documents_dir), urls=UrlSigner(url_key))


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(title="hireport", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", lifespan=_lifespan)
    app.state.runtime = runtime
    app.include_router(oauth.router)
    app.add_api_route("/healthz", _healthz, include_in_schema=False)
    app.add_api_route("/metrics", ops.metrics_endpoint, include_in_schema=False)
    app.mount("/manage", create_manage_app(runtime))
    app.mount("/v3", create_pageup_app(runtime))
    app.mount("/api", create_gupy_app(runtime))
    app.add_middleware(ops.RequestContextMiddleware)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the delivery worker beside the API (unless HIREPORT_RUN_DELIVERY_WORKER is false)."""
    runtime: Runtime = app.state.runtime
    if not runtime.settings.run_delivery_worker:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(DeliveryWorker(runtime).run(stop))
    try:
        yield
    finally:
        stop.set()
        await task


def _healthz(rt: RuntimeDep) -> dict[str, str]:
    """Alive and able to reach the database."""
    with rt.db.transaction(write=False) as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}
