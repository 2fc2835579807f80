"""The ATS integration configuration plugin (`/uas`): a partner's page embeds it the way LinkedIn's seed shows,
only with hireport's origin in the loader's `src`:

    <script type="text/javascript" src="https://hireport.example.com/uas/in.js">
      api_key: {the customer app's client_id}
      extensions: ATSIntegrationWidget@https://platform.linkedin.com/rsc/extensions/onboarding-widget
    </script>
    <script type="IN/ATSIntegrationWidget" data-supported-bundled-integration-types="APPLY_WITH_LINKEDIN"
            data-onintegrate="handleIntegrations" data-width="400"></script>

The loader (`in.js`) puts the widget in a frame served by hireport (`/uas/widgets/ats`). The frame may be
shown only on the app's `validJsSdkDomains`: the browser enforces it (`frame-ancestors`). A page that says it
is elsewhere is shown the seed's domain-validation message, and the loader logs
`error.origin.not.in.api.domains` (so does it when the browser refused the frame).

The customer's admin signs in to hireport in a window of hireport's own (`/uas/widgets/ats/connect`, a first
party page: the frame, on another site, sees no hireport cookie). That window hands the frame a grant: a
signature over the person's browser session, the app and an expiry, sent with `postMessage` to hireport's
own origin only; the frame calls the widget's API with it (`Authorization: Bearer`). The grant ends with the
session (signing out of hireport) or after `GRANT_SECONDS`. A signed-in person who is not an admin of the
app's customer sees the seed's permission message. A request records the integration types of the bundle
as REQUESTED for the customer, and the frame hands the page's `data-onintegrate` function
`[{integrationContext, integrationType, tenantType}]` through `postMessage` to the page's origin; the loader
takes messages only from hireport's origin and from its own frame.
"""

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import HTMLResponse, JSONResponse, Response

from hireport.dialects.linkedin.kinds import BUNDLE_TITLES, BUNDLES, KINDS, TYPES, context_of, status_word
from hireport.kit.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from hireport.kit.runtime import Runtime
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import Integration, IntegrationStatus, PartnerApp
from hireport.services import integrations, signin
from hireport.services.accounts import Member
from hireport.web import pages
from hireport.web.people import OptionalPerson

router = APIRouter(include_in_schema=False)

ASSETS = Path(__file__).parent / "assets"
GRANT_SECONDS = 30 * 60
GRANT = "ats-plugin-grant"
DOMAIN_REFUSED = "Domain validation failed for the api key. Please contact your ATS for further assistance."
NO_PERMISSION = "There seems to be a problem you do not have permissions"
ORIGIN_ERROR = "error.origin.not.in.api.domains"
_NUMBER = re.compile(r"[0-9]{1,19}")

ApiKey = Annotated[str, Query(min_length=1, max_length=100, description="The customer app's client_id")]
Bundles = Annotated[str, Query(max_length=500, description="data-supported-bundled-integration-types")]
PageOrigin = Annotated[str, Query(max_length=300, description="The embedding page's origin")]
WidgetId = Annotated[str, Query(max_length=20, pattern=r"^[A-Za-z0-9_-]*$")]
Bearer = Annotated[str | None, Header(alias="Authorization", max_length=400)]


def _asset(name: str, media_type: str) -> Response:
    return Response((ASSETS / name).read_bytes(), media_type=media_type,
                    headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})


@router.get("/in.js")
def loader() -> Response:
    """The loader a partner's page includes; it reads its `api_key` from its own body."""
    response = _asset("in.js", "text/javascript; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public script, fetched by pages anywhere
    return response


@router.get("/widgets/ats/widget.js")
def widget_script() -> Response:
    return _asset("widget.js", "text/javascript; charset=utf-8")


@router.get("/widgets/ats/connect.js")
def connect_script() -> Response:
    return _asset("connect.js", "text/javascript; charset=utf-8")


@router.get("/widgets/ats/widget.css")
def widget_style() -> Response:
    return _asset("widget.css", "text/css; charset=utf-8")


@router.get("/widgets/ats")
def widget(session: DbSession, api_key: ApiKey, types: Bundles = "", origin: PageOrigin = "",
           widget: WidgetId = "") -> Response:
    """The widget's frame, for a page at `origin` (which the browser holds to the app's domains)."""
    app = integrations.app_by_client_id(session, api_key)
    if app is None:
        return _refusal("The API key is not valid. Please contact your ATS for further assistance.",
                        "error.invalid.api.key", widget)
    if origin not in app.widget_origins:
        return _refusal(DOMAIN_REFUSED, ORIGIN_ERROR, widget)
    return pages.render("plugin/widget.html", app=app, origin=origin, widget=widget, api_key=api_key,
                        bundles=[(b, BUNDLE_TITLES[b]) for b in _offered(types)],
                        frame_ancestors=" ".join(app.widget_origins))


def _refusal(message: str, code: str, widget: str) -> HTMLResponse:
    """What a frame that may not show the widget shows instead (any page may show this much)."""
    return pages.render("plugin/refused.html", 403, message=message, code=code, widget=widget,
                        frame_ancestors="*")


@router.get("/widgets/ats/connect")
def connect(request: Request, rt: RuntimeDep, session: DbSession, person: OptionalPerson, api_key: ApiKey) -> Response:
    """The sign-in window: once the person is signed in, it hands the frame that opened it a grant."""
    if person is None:
        return pages.redirect(pages.sign_in_url(f"{request.url.path}?{request.url.query}"))
    app = integrations.app_by_client_id(session, api_key)
    if app is None:
        raise NotFound("no such app")
    expires = rt.clock.now() + timedelta(seconds=GRANT_SECONDS)
    stamp = int(expires.timestamp())
    signature = rt.urls.sign(GRANT, person.session_id, app.id, expires=expires)
    return pages.render("plugin/connect.html", grant=f"{person.session_id}.{app.id}.{stamp}.{signature}",
                        name=person.display_name)


class BundleState(BaseModel):
    type: str
    title: str
    status: str | None = Field(description="REQUESTED, PARTNER_READY, ENABLED, or none yet")


class WidgetState(BaseModel):
    person: str
    customer: str
    bundles: list[BundleState]


class Ask(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_key: str = Field(min_length=1, max_length=100)
    type: str = Field(min_length=1, max_length=100)


class Requested(BaseModel):
    integrationContext: str
    integrationType: str
    tenantType: str


@router.get("/widgets/ats/state")
def state(rt: RuntimeDep, session: DbSession, api_key: ApiKey, authorization: Bearer = None,
          types: Bundles = "") -> WidgetState:
    """Who is signed in, and where each offered bundle stands for the app's customer (admins only)."""
    app, member = _admin(rt, session, api_key, authorization)
    found = integrations.of_app(session, app)
    offered = _offered(types)
    return WidgetState(person=member.display_name, customer=member.tenant_name, bundles=[
        BundleState(type=b, title=BUNDLE_TITLES[b], status=_bundle_status(found, b)) for b in offered])


@router.post("/widgets/ats/requests")
def request_bundle(rt: RuntimeDep, session: DbSession, ask: Ask, authorization: Bearer = None) -> list[Requested]:
    """The admin requests a bundle: each of its integration types is recorded as REQUESTED (again: as it is)."""
    app, member = _admin(rt, session, ask.api_key, authorization)
    members = _bundle(ask.type)
    for name in members:
        integrations.request(session, app, member, name, clock=rt.clock)
    return [Requested(integrationContext=context_of(name, app.tenant_id), integrationType=name,
                      tenantType=TYPES[name].audience) for name in members]


@router.post("/widgets/ats/confirmations")
def confirm_bundle(rt: RuntimeDep, session: DbSession, ask: Ask, authorization: Bearer = None) -> JSONResponse:
    """The admin switches on what the partner made ready (PARTNER_READY -> ENABLED)."""
    app, _ = _admin(rt, session, ask.api_key, authorization)
    enabled = integrations.confirm(session, app, {name: KINDS[name] for name in _bundle(ask.type)}, clock=rt.clock)
    return JSONResponse({"enabled": enabled})


def _offered(types: str) -> list[str]:
    """The bundles a page names (data-supported-bundled-integration-types) that hireport knows, once each."""
    return [b for b in dict.fromkeys(t.strip() for t in types.split(",")) if b in BUNDLES]


def _bundle(name: str) -> tuple[str, ...]:
    """The integration types of a bundle the admin asks for."""
    members = BUNDLES.get(name)
    if members is None:
        raise InvalidInput(f"unknown integration type {name[:100]!r}")
    return members


def _bundle_status(found: dict[str, Integration], bundle: str) -> str | None:
    """A bundle stands where its least advanced integration type stands (None: not all requested)."""
    statuses = [found[name].status for name in BUNDLES[bundle] if name in found]
    if len(statuses) < len(BUNDLES[bundle]):
        return None
    return status_word(min(statuses, key=list(IntegrationStatus).index))


def _admin(rt: Runtime, session: DbSession, api_key: str, authorization: str | None) -> tuple[PartnerApp, Member]:
    """The app, and the signed-in admin of its customer the grant speaks for."""
    app = integrations.app_by_client_id(session, api_key)
    if app is None:
        raise NotFound("The API key is not valid")
    account_id = _granted(rt, session, app, authorization)
    try:
        return app, integrations.administrator(session, app, account_id)
    except Forbidden:
        raise Forbidden(NO_PERMISSION) from None


def _granted(rt: Runtime, session: DbSession, app: PartnerApp, authorization: str | None) -> int:
    scheme, _, grant = (authorization or "").partition(" ")
    parts = grant.split(".")
    if scheme.lower() != "bearer" or len(parts) != 4 or not all(_NUMBER.fullmatch(p) for p in parts[:3]):
        raise Unauthenticated("sign in to continue")
    session_id, app_id, expires = (int(p) for p in parts[:3])
    if app_id != app.id:
        raise Unauthenticated("sign in to continue")
    try:
        rt.urls.verify(GRANT, session_id, app_id, expires=expires, signature=parts[3], now=rt.clock.now())
    except Forbidden:
        raise Unauthenticated("sign in to continue") from None
    account_id = signin.open_session(session, session_id, clock=rt.clock, idle=rt.settings.session_idle)
    if account_id is None:
        raise Unauthenticated("your hireport session has ended: sign in again")
    return account_id
