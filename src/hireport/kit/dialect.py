"""The dialect contract: what a vendor API declares so that hireport can serve it.

A dialect is one vendor's wire format over the vendor-neutral services. It declares its name, where it is
mounted, its routers, how it authenticates a request (before any body is read), the scopes it registers,
how it renders an error, and its vocabulary: how the core's neutral field names are spelled on its wire
(one dialect's clients hear `NewPositions` where another's hear `vacancies`). `hireport.app` mounts
the dialects from one list; the edge (`hireport.kit.door`), the error handlers and the API docs are the
same for all of them. See docs/dialects.md.

Routes are authenticated by default; a public route says so with `openapi_extra=PUBLIC`. A route that
takes document-sized bodies says so with `openapi_extra=DOCUMENT_BODY` (others take small JSON bodies).
"""

import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.routing import compile_path

from hireport.kit.auth import Caller
from hireport.kit.errors import DomainError
from hireport.kit.runtime import Runtime
from hireport.kit.scopes import ScopeSpec, register
from hireport.kit.tenant_settings import TenantSetting
from hireport.kit.tenant_settings import register as register_settings

PUBLIC: dict[str, Any] = {"security": []}
DOCUMENT_BODY: dict[str, Any] = {"x-body": "document"}

Authenticate = Callable[[Runtime, Headers], Awaitable[Caller]]


@dataclass(frozen=True)
class Problem:
    """An error as a dialect is asked to render it: status, a neutral code, and the message and field
    names already spelled in the dialect's words."""

    status: int
    code: str
    message: str
    details: list[dict[str, Any]]
    headers: dict[str, str]
    request_id: str

    def summary(self) -> str:
        """The message with every field's problem, on one line (for shapes that have one text)."""
        if not self.details:
            return self.message
        said = (f"{d['field']}: {d.get('message')}" if d.get("field") else str(d.get("message")) for d in self.details)
        return self.message + " (" + "; ".join(said) + ")"


Render = Callable[[Problem], Response]


@dataclass(frozen=True)
class Dialect:
    name: str
    title: str
    prefix: str                               # where its routes are mounted ("" for the root)
    routers: tuple[APIRouter, ...]
    render: Render                             # its error shape
    error_model: type[BaseModel]               # that shape, for the API docs
    description: str = ""
    version: str = "1"
    authenticate: Authenticate | None = None   # None: every route is public
    scopes: tuple[ScopeSpec, ...] = ()
    vocabulary: Mapping[str, str] = field(default_factory=dict)
    security_schemes: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    docs_prefix: str | None = None             # where /openapi.json, /docs, /redoc live (default: prefix)
    error_statuses: tuple[int, ...] = ()       # statuses this dialect adds to every operation (e.g. 429)
    not_found: bool = True                     # False: its API documents no 404 (a record not there is a 400)
    setup: Callable[[Runtime], None] | None = None  # per-runtime state, e.g. a rate limiter
    pages: bool = False                        # pages for people (HTML), not an API: no API docs
    paths: tuple[str, ...] = ()                # where it is, as a person is told (front door): default its prefix
    tenant_settings: tuple[TenantSetting, ...] = ()  # switches an operator turns per tenant (management API)

    @property
    def api(self) -> bool:
        return not self.pages

    def __post_init__(self) -> None:
        register(replace(s, dialect=self.name) for s in self.scopes)
        register_settings(replace(s, dialect=self.name) for s in self.tenant_settings)

    @property
    def docs_at(self) -> str:
        return self.prefix if self.docs_prefix is None else self.docs_prefix

    @property
    def shown_paths(self) -> tuple[str, ...]:
        return self.paths or (self.prefix,)

    def owns(self, path: str) -> bool:
        return not self.prefix or path == self.prefix or path.startswith(self.prefix + "/")

    def spell(self, neutral: str) -> str:
        """A neutral field name or path (`results[0].report_link`) in this dialect's words."""
        return _NAME.sub(lambda m: self.vocabulary.get(m[0], m[0]), neutral)

    def problem(self, exc: DomainError, request_id: str) -> Problem:
        fields = {str(d.get("field")) for d in exc.details if d.get("field")}

        def words(text: str) -> str:
            return said(text, self.vocabulary, fields)

        details = [{**d, "field": self.spell(str(d["field"])) if d.get("field") else d.get("field"),
                    "message": words(str(d.get("message", exc.message)))} for d in exc.details]
        headers = dict(exc.headers)
        if exc.status_code == 401 and self.authenticate is not None:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return Problem(exc.status_code, exc.code, words(exc.message), details, headers, request_id)

    def respond(self, exc: DomainError, request_id: str) -> Response:
        return self.render(self.problem(exc, request_id))


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def said(message: str, vocabulary: Mapping[str, str], fields: Collection[str] = ()) -> str:
    """A service's message in a dialect's words: each `{name}` marker (a neutral field name) spelled by the
    vocabulary (a name the vocabulary lacks but the error's own fields name is kept as it is, unmarked)."""
    return _MARKED.sub(lambda m: _NAME.sub(lambda n: vocabulary.get(n[0], n[0]), m[1])
                       if m[1] in fields or m[1] in vocabulary else m[1], message)
_MARKED = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class RouteRule:
    """What the edge must know of one route before it is routed."""

    pattern: re.Pattern[str]
    methods: frozenset[str]
    public: bool
    document_body: bool


def api_routes(routes: list[Any]) -> list[tuple[str, APIRoute]]:
    """Every API route below `routes` (included routers flattened), with its full path."""
    return [(str(context.path), context.original_route) for context in iter_route_contexts(routes)
            if isinstance(context.original_route, APIRoute)]


def path_methods(routes: list[Any]) -> Callable[[str], frozenset[str]]:
    """What a path serves: the methods of every API route below `routes` that matches it (the router, finding
    none that serves the request's method, names only the methods of the first route that matched)."""
    patterns = [(compile_path(path)[0], frozenset(route.methods or ())) for path, route in api_routes(routes)]

    def served(path: str) -> frozenset[str]:
        return frozenset(method for pattern, methods in patterns if pattern.match(path) for method in methods)

    return served


def route_rules(routes: list[Any]) -> list[RouteRule]:
    """The routes that differ from the default (authenticated, small JSON bodies)."""
    rules = []
    for path, route in api_routes(routes):
        extra = route.openapi_extra or {}
        public, document = extra.get("security") == [], extra.get("x-body") == "document"
        if public or document:
            rules.append(RouteRule(compile_path(path)[0], frozenset(route.methods or ()), public, document))
    return rules
