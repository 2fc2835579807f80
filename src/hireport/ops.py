"""Operations: JSON logs with a request id, Prometheus metrics, and the middleware that feeds both.

Metrics are those of the process, or those of every worker of `hireport serve --workers N` added up (see
`metrics_endpoint`). Nothing here logs a header, a body or a query string, so secrets and signed URLs stay
out of logs.
"""

import logging
import os
import sys
import time
import uuid

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hireport.settings import LogFormat, Settings

REQUEST_ID_HEADER = "X-Request-ID"

REQUESTS = Counter("hireport_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "hireport_http_request_duration_seconds", "HTTP request latency", ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

log = structlog.get_logger("hireport")


def configure_logging(settings: Settings) -> None:
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if settings.log_format == LogFormat.json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def route_label(scope: Scope) -> str:
    """The matched route as a template (`/manage/v1/tenants/{tenant_id}`), so metrics stay low-cardinality.

    Built from the path and its parameters, in order, rather than from framework internals."""
    if "endpoint" not in scope:
        return "<unmatched>"
    pending = [(name, str(value)) for name, value in scope.get("path_params", {}).items()]
    segments = []
    for segment in str(scope["path"]).split("/"):
        if pending and segment == pending[0][1]:
            segment = "{" + pending.pop(0)[0] + "}"
        segments.append(segment)
    return "/".join(segments)


class RequestContextMiddleware:
    """Gives every request an id (the caller's `X-Request-ID`, or a new one), echoes it in the
    response, and records one access-log line and the request metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_label(scope)
            method = scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            log.info("request", method=method, route=route, status=status,
                     duration_ms=round(elapsed * 1000, 2))
            structlog.contextvars.unbind_contextvars("request_id")


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate = str(value, "latin-1")
            if 0 < len(candidate) <= 128 and candidate.isprintable():
                return candidate
    return uuid.uuid4().hex


def metrics_endpoint() -> Response:
    """This process's metrics; with PROMETHEUS_MULTIPROC_DIR set (`hireport serve --workers N`, N > 1, sets a
    fresh one), those of every process that writes there, added up."""
    registry = REGISTRY
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
