"""Partner apps: a partner provisions one app for each of its customers (tenants), with client credentials
of its own (a client of that tenant, holding no scope: what it may reach comes with the integrations its
customer enables), the web origins its embedded widgets may run on, and its OAuth callback URLs.

The partner names each app with a key of its own (`foreign_id`, unique per partner) and finds it again by
that key. Names are shown to the customer's people, so they are short and may not borrow a reserved word
(the dialect says which: a vendor's own name)."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from hireport.models import OAuthClient, PartnerApp, TenantPartner
from hireport.services import identity

MAX_NAME, MAX_DESCRIPTION, MAX_FOREIGN_ID = 50, 1000, 255
MAX_ORIGINS, MAX_ORIGIN_LENGTH = 20, 255
_NETLOC = re.compile(r"([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?")


@dataclass
class AppFields:
    """What a partner says of an app; on an update, only the fields given (None: unchanged)."""

    name: str | None = None
    description: str | None = None
    widget_origins: list[str] | None = None
    callback_urls: list[str] | None = None


@dataclass
class Provisioned:
    app: PartnerApp
    client_id: str
    client_secret: str  # shown once


@dataclass
class AppView:
    app: PartnerApp
    client_id: str


def provision(session: Session, caller: Caller, *, tenant_id: int, foreign_id: str, fields: AppFields,
              reserved: tuple[str, ...], clock: Clock) -> Provisioned:
    """A new app of the calling partner for `tenant_id`, with its credentials (the secret returned once); only
    for a tenant that uses the partner (as for its tokens: `identity`), else Forbidden."""
    partner_id = caller.require_partner()
    if session.get(TenantPartner, (tenant_id, partner_id)) is None:  # an unknown tenant uses no partner either
        raise Forbidden(f"customer (tenant) {tenant_id} does not use this partner: it may provision no app there")
    if not foreign_id or len(foreign_id) > MAX_FOREIGN_ID:
        raise InvalidInput(f"{{foreign_id}} is required, at most {MAX_FOREIGN_ID} characters", field="foreign_id")
    if fields.name is None or fields.description is None:
        raise InvalidInput("an app needs a {name} and a {description}",
                           field="name" if fields.name is None else "description")
    _check(fields, reserved)
    if _find(session, partner_id, foreign_id) is not None:
        raise Conflict(f"an app with foreign id {foreign_id!r} already exists")
    client, secret = identity.create_client(session, name=fields.name, scopes=[], tenant_id=tenant_id, clock=clock)
    now = clock.now()
    app = PartnerApp(partner_id=partner_id, tenant_id=tenant_id, oauth_client_id=client.id, foreign_id=foreign_id,
                     name=fields.name, description=fields.description, widget_origins=fields.widget_origins or [],
                     callback_urls=fields.callback_urls or [], created_at=now, updated_at=now)
    session.add(app)
    try:
        session.flush()
    except IntegrityError:  # a concurrent provisioning took the foreign id first
        raise Conflict(f"an app with foreign id {foreign_id!r} already exists") from None
    return Provisioned(app, client.client_id, secret)


def find(session: Session, caller: Caller, foreign_id: str) -> list[AppView]:
    """The calling partner's app with this foreign id (none or one)."""
    found = _find(session, caller.require_partner(), foreign_id)
    return [] if found is None else [_view(session, found)]


def update(session: Session, caller: Caller, app_id: int, changes: AppFields, *, reserved: tuple[str, ...],
           clock: Clock) -> None:
    """Change the fields given of one of the calling partner's apps."""
    app = session.get(PartnerApp, app_id)
    if app is None or app.partner_id != caller.require_partner():
        raise NotFound(f"app {app_id} not found")
    _check(changes, reserved)
    for name in ("name", "description", "widget_origins", "callback_urls"):
        value = getattr(changes, name)
        if value is not None:
            setattr(app, name, value)
    app.updated_at = clock.now()
    session.flush()


def _find(session: Session, partner_id: int, foreign_id: str) -> PartnerApp | None:
    return session.scalar(select(PartnerApp).where(PartnerApp.partner_id == partner_id,
                                                   PartnerApp.foreign_id == foreign_id))


def _view(session: Session, app: PartnerApp) -> AppView:
    client_id = session.scalar(select(OAuthClient.client_id).where(OAuthClient.id == app.oauth_client_id))
    assert client_id is not None  # the app's client goes with it (ON DELETE CASCADE)
    return AppView(app, client_id)


def _check(fields: AppFields, reserved: tuple[str, ...]) -> None:
    if fields.name is not None:
        if not fields.name.strip() or len(fields.name) > MAX_NAME:
            raise InvalidInput(f"{{name}} must be 1 to {MAX_NAME} characters", field="name")
        taken = [word for word in reserved if word.lower() in fields.name.lower()]
        if taken:
            raise InvalidInput(f"{{name}} may not contain {taken[0]!r}", field="name")
    if fields.description is not None and (not fields.description.strip()
                                           or len(fields.description) > MAX_DESCRIPTION):
        raise InvalidInput(f"{{description}} must be 1 to {MAX_DESCRIPTION} characters", field="description")
    if fields.widget_origins is not None:
        if len(fields.widget_origins) > MAX_ORIGINS:
            raise InvalidInput(f"at most {MAX_ORIGINS} {{widget_origins}}", field="widget_origins")
        for origin in fields.widget_origins:
            problem = _origin_problem(origin)
            if problem:
                raise InvalidInput(f"{{widget_origins}}: {origin[:100]!r} {problem}", field="widget_origins")
        fields.widget_origins = [origin.lower() for origin in fields.widget_origins]  # as a browser names it
    if fields.callback_urls is not None:
        fields.callback_urls = identity.checked_redirect_uris(fields.callback_urls)


def _origin_problem(origin: str) -> str | None:
    """A web origin as a browser names it: scheme and host (and port), nothing after."""
    if not origin or len(origin) > MAX_ORIGIN_LENGTH or not origin.isprintable() or " " in origin:
        return f"must be 1 to {MAX_ORIGIN_LENGTH} printable characters without spaces"
    try:
        parts = urlsplit(origin)
        host, _ = parts.hostname, parts.port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not host:
        return "must start with http:// or https:// and name a host"
    if origin.endswith("/"):
        return "must not end with a slash"
    if parts.path or parts.query or parts.fragment or not _NETLOC.fullmatch(parts.netloc):
        return "must be an origin: scheme and host (and port) only, no wildcard"
    return None
