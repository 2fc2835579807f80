"""The ASGI application: every dialect mounted on one app, with request ids, metrics and logs."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from sqlalchemy import text
from starlette.exceptions import HTTPException
from starlette.responses import Response

from hireport import __version__, front, ops
from hireport.boot import build_runtime as build_runtime  # re-exported: where the tests build one
from hireport.delivery.worker import DeliveryWorker
from hireport.dialects import DIALECTS
from hireport.kit import apidocs
from hireport.kit.dialect import Dialect, path_methods, route_rules
from hireport.kit.door import Door
from hireport.kit.errors import MethodNotAllowed, NotFound
from hireport.kit.runtime import Runtime
from hireport.kit.web import RuntimeDep, dialect_of, install_error_handlers, request_id_of
from hireport.web import pages


def create_app(runtime: Runtime, dialects: Sequence[Dialect] = DIALECTS) -> FastAPI:
    """One app for every dialect (all of `DIALECTS` unless told): each mounted at its prefix with its docs,
    all behind the door, every error rendered in its dialect's shape."""
    app = FastAPI(title="hireport", version=__version__, docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=_lifespan, redirect_slashes=False)  # a path is served as documented, or it is a 404
    app.state.runtime = runtime
    rules = {}
    for dialect in dialects:
        whole = APIRouter(prefix=dialect.prefix)  # the dialect in one router: what its docs and rules read
        served = [*dialect.routers]
        if dialect.api:
            served.append(apidocs.docs_router(dialect, whole))
        for dialect_router in served:
            whole.include_router(dialect_router)
            # served router by router, not inside `whole`: FastAPI matches every level of inclusion again
            # as it hands a request down, and one level less made the lists 6% faster
            app.include_router(dialect_router, prefix=dialect.prefix)
        rules[dialect.name] = route_rules(whole.routes)
        if dialect.setup is not None:
            dialect.setup(runtime)
    apidocs.mount_assets(app)
    app.mount("/static", pages.static_files(), name="static")
    front.install(app, dialects)
    app.add_api_route("/healthz", _healthz, include_in_schema=False)
    app.add_api_route("/metrics", ops.metrics_endpoint, include_in_schema=False)
    install_error_handlers(app)
    methods_of = path_methods(app.router.routes)
    app.add_exception_handler(404, _page_elsewhere(methods_of))
    app.add_exception_handler(405, _method_not_allowed(methods_of))
    app.add_middleware(Door, runtime=runtime, dialects=dialects, rules=rules)
    app.add_middleware(ops.RequestContextMiddleware)
    return app


def _method_not_allowed(served: Callable[[str], frozenset[str]]) -> Callable[[Request, Exception],
                                                                          Awaitable[Response]]:
    """A 405 in the request's dialect's shape whose `Allow` names every method the path serves (a static
    file's keeps its own: GET, HEAD)."""

    async def handler(request: Request, exc: Exception) -> Response:
        allowed = ", ".join(sorted(served(request.scope["path"])))
        if not allowed and isinstance(exc, HTTPException):
            allowed = (exc.headers or {}).get("Allow", "")
        error = MethodNotAllowed(f"{request.method} is not served at this path, which serves {allowed}",
                                 headers={"Allow": allowed})
        return dialect_of(request).respond(error, request_id_of(request))

    return handler


def _page_elsewhere(served: Callable[[str], frozenset[str]]) -> Callable[[Request, Exception], Awaitable[Response]]:
    """A page asked for with a trailing slash it does not have (or without the one it has) is sent to its
    address (308), as a person typing it expects; anything else not found is a 404 in the dialect's shape (an
    API serves its documented paths only)."""

    async def handler(request: Request, exc: Exception) -> Response:
        path = request.scope["path"]
        other = path[:-1] if path.endswith("/") else path + "/"
        if (dialect_of(request).pages and request.method == "GET" and not other.startswith("//")
                and "GET" in served(other)):
            query = request.scope["query_string"].decode("latin-1")
            return pages.redirect(other + (f"?{query}" if query else ""), status_code=308)
        error = NotFound(str(exc.detail) if isinstance(exc, HTTPException) else "Not Found")
        return dialect_of(request).respond(error, request_id_of(request))

    return handler


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Listen to other processes' invalidations (with Redis), and run the delivery worker beside the API
    (unless HIREPORT_RUN_DELIVERY_WORKER is false)."""
    runtime: Runtime = app.state.runtime
    runtime.bus.start()
    stop = asyncio.Event()
    worker = asyncio.create_task(DeliveryWorker(runtime).run(stop)) if runtime.settings.run_delivery_worker else None
    try:
        yield
    finally:
        stop.set()
        if worker is not None:
            await worker
        await asyncio.to_thread(runtime.bus.stop)


def _healthz(rt: RuntimeDep) -> dict[str, str]:
    """Alive and able to reach the database."""
    with rt.db.transaction(write=False) as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}
