"""The front door: what a person or a tool finds at the root of a hireport server.

`/` is a page that says what this server is and where everything is: each API with its base paths and docs,
the console's sign-in, the demo's careers page and which demo credential opens which API (when the demo is
loaded; the credentials themselves are printed by `hireport demo`, never shown here). `/docs` leads to it.
`/openapi.json` and `/.well-known/api-catalog` (RFC 9727) list every API's OpenAPI document and docs as a
linkset, since each dialect has its own.
"""

from collections.abc import Sequence

from fastapi import FastAPI, Request
from starlette.responses import FileResponse, JSONResponse, Response

from hireport import __version__, demo
from hireport.kit.dialect import Dialect
from hireport.kit.web import DbSession, RuntimeDep
from hireport.web import pages

FAVICON = pages.STATIC / "favicon.ico"
LINKSET = "application/linkset+json"


def install(app: FastAPI, dialects: Sequence[Dialect]) -> None:
    """Serve the front door for `dialects` (the ones `app` mounts)."""
    apis = [d for d in dialects if d.api]

    def front(request: Request, session: DbSession) -> Response:
        careers = demo.careers_page(session)
        return pages.page(request, "front.html", title="hireport", version=__version__, apis=apis,
                          dialects={d.name for d in dialects}, careers=careers,
                          credential_for=demo.CREDENTIAL_FOR if careers else {})

    async def catalog(rt: RuntimeDep) -> Response:
        base = rt.settings.issuer
        links = [{"anchor": base + d.prefix,
                  "service-desc": [{"href": f"{base}{d.docs_at}/openapi.json", "type": "application/openapi+json",
                                    "title": d.title}],
                  "service-doc": [{"href": f"{base}{d.docs_at}/docs", "type": "text/html", "title": d.title}]}
                 for d in apis]
        return JSONResponse({"linkset": links}, media_type=LINKSET)

    async def favicon() -> Response:
        return FileResponse(FAVICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"})

    app.add_api_route("/", front, include_in_schema=False)
    app.add_api_route("/docs", lambda: pages.redirect("/", status_code=308), include_in_schema=False)
    app.add_api_route("/openapi.json", catalog, include_in_schema=False)
    app.add_api_route("/.well-known/api-catalog", catalog, include_in_schema=False)
    app.add_api_route("/favicon.ico", favicon, include_in_schema=False)
