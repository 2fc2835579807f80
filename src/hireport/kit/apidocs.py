"""Each dialect's API documentation: its OpenAPI, Swagger UI and ReDoc, served by hireport itself.

The Swagger UI and ReDoc assets come from a pinned package (fastapi-offline) and are served at `/_docs`,
so the pages work on a machine without internet. Each operation documents its real errors: the statuses
the door and the dialect answer, in the dialect's error shape, and the credentials it needs: every security
scheme of the dialect, or those whose `x-paths` (path prefixes, not published) it falls under.
"""

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import BaseRoute

from hireport.kit.dialect import PUBLIC, Dialect
from hireport.kit.door import MAX_HEADER_BYTES, MAX_HEADERS, MAX_URL_BYTES

ASSETS = "/_docs"
_STATIC = Path(fastapi_offline.__file__).parent / "static"

_DESCRIPTIONS = {
    400: "The request breaks a rule: a parameter, the body, or a limit on either",
    401: "No credential, or a bad, malformed or expired one",
    403: "The credential (or the signed link) may not do this",
    404: "No such record for this caller",
    408: "The body did not arrive in time: it paused longer than the server waits, or took too long in all",
    409: "Refused by a rule of the record's state",
    413: "The body is larger than this endpoint takes (refused before it is read)",
    414: f"The path and query together are longer than {MAX_URL_BYTES // 1024} KiB",
    431: f"More than {MAX_HEADERS} request headers, or more than {MAX_HEADER_BYTES // 1024} KiB of them",
    500: "A fault of hireport's, logged with the request id",
}
_WRITES = frozenset({"post", "put", "patch", "delete"})
PATHS = "x-paths"


def mount_assets(app: FastAPI) -> None:
    app.mount(ASSETS, StaticFiles(directory=_STATIC), name="docs-assets")


def docs_router(dialect: Dialect, whole: APIRouter) -> APIRouter:
    """`/openapi.json`, `/docs` and `/redoc` under the dialect's docs prefix (public routes), for the dialect's
    routes in `whole` (read when the document is first asked for)."""
    router = APIRouter()
    base = dialect.docs_at[len(dialect.prefix):]
    spec_url = dialect.docs_at + "/openapi.json"
    cached: dict[str, Any] = {}

    def openapi() -> JSONResponse:
        if "spec" not in cached:
            cached["spec"] = document(dialect, whole.routes)
        return JSONResponse(cached["spec"])

    def swagger() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=spec_url, title=dialect.title,
                                   swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS}/favicon.png")

    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url=spec_url, title=dialect.title, redoc_js_url=f"{ASSETS}/redoc.standalone.js",
                              redoc_favicon_url=f"{ASSETS}/favicon.png", with_google_fonts=False)

    for path, endpoint in (("/openapi.json", openapi), ("/docs", swagger), ("/redoc", redoc)):
        router.add_api_route(base + path, endpoint, include_in_schema=False, openapi_extra=PUBLIC)
    return router


def document(dialect: Dialect, routes: list[BaseRoute]) -> dict[str, Any]:
    spec = get_openapi(title=dialect.title, version=dialect.version, description=dialect.description, routes=routes)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    error_schema = dialect.error_model.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    name = dialect.error_model.__name__
    schemas[name] = error_schema
    if dialect.security_schemes:
        components["securitySchemes"] = {scheme_name: {k: v for k, v in scheme.items() if k != PATHS}
                                          for scheme_name, scheme in dialect.security_schemes.items()}
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            public = operation.get("security") == [] or dialect.authenticate is None
            if not public:
                operation["security"] = [{scheme_name: []} for scheme_name, scheme in dialect.security_schemes.items()
                                         if path.startswith(tuple(scheme.get(PATHS, ("",))))]
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            statuses = {400, 413, 414, 431, 500, *dialect.error_statuses}
            records = dialect.authenticate is not None  # the token service keeps no records of a caller's
            if records and dialect.not_found and ("{" in path or method in _WRITES):  # an id in the path, or the body
                statuses.add(404)
            if not public:
                statuses |= {401, 403}
            elif any(p.get("name") == "signature" for p in operation.get("parameters", [])):
                statuses.add(403)  # a signed link is its own credential
            if records and method in _WRITES:
                statuses.add(409)
            if "requestBody" in operation:
                statuses.add(408)
            for status in sorted(statuses):
                responses.setdefault(str(status), {
                    "description": _DESCRIPTIONS.get(status, "Refused"),
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                })
    return spec
