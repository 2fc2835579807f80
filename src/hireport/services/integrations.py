"""Integrations between a partner's app and the customer (tenant) it serves.

The customer's admin requests a kind of integration (in the partner's configuration plugin); the partner's
app completes it, giving it a name; from then on it is enabled, or, for a kind the customer switches on
themselves, ready for the admin to enable. Once enabled, the app's client holds what that kind grants
(scopes), and an enabled integration never goes back. The kinds are the dialect's (`Kind`: a partner
product such as an apply integration); the moves are the table `MOVES`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Forbidden, InvalidTransition, NotFound
from hireport.models import Integration, IntegrationStatus, OAuthClient, Partner, PartnerApp
from hireport.services import accounts
from hireport.services.accounts import Action


@dataclass(frozen=True)
class Kind:
    """A kind of integration a dialect offers."""

    name: str
    audience: str                    # whom it serves, in the dialect's words (LinkedIn's tenant type)
    grants: tuple[str, ...]          # the scopes the app's client holds once it is enabled
    customer_confirms: bool = False  # the partner's completion makes it ready; the customer's admin enables it


class Step(StrEnum):
    request = "request"    # the customer's admin asks for it
    complete = "complete"  # the partner's app completes a kind the customer need not confirm
    prepare = "prepare"    # the partner's app completes a kind the customer confirms
    confirm = "confirm"    # the customer's admin switches on what the partner prepared


S = IntegrationStatus

MOVES: dict[tuple[IntegrationStatus | None, Step], IntegrationStatus] = {
    (None, Step.request): S.requested,
    (S.requested, Step.request): S.requested,
    (S.partner_ready, Step.request): S.partner_ready,
    (S.enabled, Step.request): S.enabled,
    (S.requested, Step.complete): S.enabled,
    (S.requested, Step.prepare): S.partner_ready,
    (S.partner_ready, Step.prepare): S.partner_ready,
    (S.partner_ready, Step.confirm): S.enabled,
}


class AlreadyEnabled(InvalidTransition):
    """The partner may not change an integration that is enabled (it cannot be disabled or enabled again)."""


def app_of(session: Session, caller: Caller, operation: str) -> PartnerApp:
    """The partner app whose own client is calling; any other caller may not reach `operation`."""
    app = app_by_client_id(session, caller.client_id)
    if app is None or caller.tenant_id != app.tenant_id:
        raise Forbidden(f"Not enough permissions to access: {operation}")
    return app


def app_by_client_id(session: Session, client_id: str) -> PartnerApp | None:
    """The app whose client has this id (what a page embedding the app's plugin names), if it is in use."""
    return session.scalar(select(PartnerApp).join(OAuthClient, OAuthClient.id == PartnerApp.oauth_client_id)
                          .where(OAuthClient.client_id == client_id, OAuthClient.revoked_at.is_(None)))


def administrator(session: Session, app: PartnerApp, account_id: int) -> accounts.Member:
    """The person acting for the app's customer, if they are one of its admins; else Forbidden."""
    try:
        member = accounts.member(session, accounts.get(session, account_id), app.tenant_id)
    except NotFound:
        raise Forbidden("only an admin of the app's customer may manage its integrations") from None
    member.require(Action.administer)
    return member


def of_app(session: Session, app: PartnerApp, *, lock: bool = False) -> dict[str, Integration]:
    """The app's integrations, by kind; with `lock`, held until the transaction ends (a move reads the status
    it moves from: two at once must not both see REQUESTED)."""
    query = select(Integration).where(Integration.app_id == app.id).order_by(Integration.id)
    rows = session.scalars(query.with_for_update() if lock else query)
    return {row.kind: row for row in rows}


def request(session: Session, app: PartnerApp, member: accounts.Member, kind: Kind, *, clock: Clock) -> Integration:
    """The customer's admin asks for `kind` (again: nothing changes)."""
    found = of_app(session, app).get(kind.name)
    status = _next(found, Step.request)
    if found is not None:
        return found
    now = clock.now()
    row = Integration(app_id=app.id, tenant_id=app.tenant_id, kind=kind.name, status=status, name=None, settings={},
                      requested_by=member.account_id, requested_at=now, enabled_at=None, updated_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the same request at the same time: it is recorded once
        return of_app(session, app)[kind.name]
    return row


def confirm(session: Session, app: PartnerApp, kind: Kind, *, clock: Clock) -> Integration:
    """The customer's admin switches on a kind the partner has prepared."""
    found = of_app(session, app, lock=True).get(kind.name)
    if found is None:
        raise NotFound(f"no {kind.name} integration was requested")
    _move(session, app, found, kind, Step.confirm, clock)
    return found


def complete(session: Session, app: PartnerApp, names: Mapping[str, str], kinds: Mapping[str, Kind], *,
             clock: Clock) -> dict[str, Integration | None]:
    """The partner's app names and completes its requested integrations (kind -> name): each found one
    moves on, the others answer None. If any is enabled already, nothing changes (AlreadyEnabled)."""
    found = of_app(session, app, lock=True)
    if any(found[k].status == S.enabled for k in names if k in found):
        raise AlreadyEnabled("an enabled integration cannot be changed")
    done: dict[str, Integration | None] = {}
    for kind_name, name in names.items():
        row = found.get(kind_name)
        if row is not None:
            kind = kinds[kind_name]
            row.name = name
            _move(session, app, row, kind, Step.prepare if kind.customer_confirms else Step.complete, clock)
        done[kind_name] = row
    session.flush()
    return done


def configure(session: Session, app: PartnerApp, kind_name: str, settings: Mapping[str, Any], *,
              clock: Clock) -> Integration | None:
    """Set some of an integration's settings (None: the app has no such integration)."""
    row = of_app(session, app, lock=True).get(kind_name)
    if row is None:
        return None
    row.settings = {**row.settings, **settings}
    row.updated_at = clock.now()
    session.flush()
    return row


@dataclass(frozen=True)
class TenantApp:
    """A partner app serving a tenant, as its admins see it."""

    app: PartnerApp
    partner: str
    client_id: str
    scopes: list[str]  # what its enabled integrations grant
    revoked: bool
    integrations: list[Integration]


def of_tenant(session: Session, tenant_id: int) -> list[TenantApp]:
    """Every partner app serving the tenant, with its partner, its client and its integrations."""
    apps = session.execute(
        select(PartnerApp, Partner.name, OAuthClient.client_id, OAuthClient.scopes, OAuthClient.revoked_at)
        .join(Partner, Partner.id == PartnerApp.partner_id)
        .join(OAuthClient, OAuthClient.id == PartnerApp.oauth_client_id)
        .where(PartnerApp.tenant_id == tenant_id).order_by(PartnerApp.id)).tuples().all()
    rows = session.scalars(select(Integration).where(Integration.tenant_id == tenant_id).order_by(Integration.id))
    by_app: dict[int, list[Integration]] = {app.id: [] for app, *_ in apps}
    for row in rows:
        by_app.setdefault(row.app_id, []).append(row)
    return [TenantApp(app, partner, client_id, list(scopes), revoked is not None, by_app[app.id])
            for app, partner, client_id, scopes, revoked in apps]


def _next(row: Integration | None, step: Step) -> IntegrationStatus:
    target = MOVES.get((row.status if row is not None else None, step))
    if target is None:
        current = row.status.value if row is not None else "not requested"
        if row is not None and row.status == S.enabled:
            raise AlreadyEnabled("an enabled integration cannot be changed")
        raise InvalidTransition(f"an integration that is {current} cannot {step.value}")
    return target


def _move(session: Session, app: PartnerApp, row: Integration, kind: Kind, step: Step, clock: Clock) -> None:
    row.status = _next(row, step)
    row.updated_at = clock.now()
    if row.status == S.enabled and row.enabled_at is None:
        row.enabled_at = row.updated_at
        _grant(session, app, kind.grants)


def _grant(session: Session, app: PartnerApp, scopes: Iterable[str]) -> None:
    """The app's client holds what the enabled integration grants (its tokens carry it from the next one)."""
    client = session.get(OAuthClient, app.oauth_client_id)
    assert client is not None  # the app's client goes with it (ON DELETE CASCADE)
    client.scopes = list(dict.fromkeys([*client.scopes, *scopes]))
