"""Integrations between a partner's app and the customer (tenant) it serves.

The customer's admin requests a kind of integration (in the partner's configuration plugin); the partner's
app completes it, giving it a name; from then on it is enabled, or, for a kind the customer switches on
themselves, ready for the admin to enable. Once enabled, the app's client holds what that kind grants
(scopes), and an enabled integration never goes back. The kinds are hireport's (`KINDS`: what each lets the
app do, as neutral capabilities, and whether the customer enables it); a dialect offers them under names of its
own, and an integration is recorded under the dialect's name. Which scopes carry a capability is the scope
registry's to say (a dialect registers its scopes with the capabilities they carry). The moves are the table
`MOVES`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from hireport.kit.scopes import Holder, carrying
from hireport.models import Integration, IntegrationStatus, OAuthClient, Partner, PartnerApp
from hireport.services import accounts
from hireport.services.accounts import Action


class Capability(StrEnum):
    """What an enabled integration lets the partner's app do with its customer's data."""

    read_jobs = "read jobs"
    read_applicants = "read applicants"
    create_applicants = "create applicants"
    read_applications = "read applications"
    create_applications = "create applications"


@dataclass(frozen=True)
class Kind:
    """A kind of integration hireport offers a partner's app (a dialect names it in its own words)."""

    name: str
    grants: tuple[Capability, ...]   # what the app may do once it is enabled
    customer_confirms: bool = False  # the partner's completion makes it ready; the customer's admin enables it


C = Capability
_READ_ALL = (C.read_jobs, C.read_applicants, C.read_applications)
KINDS = {k.name: k for k in (
    Kind("apply", (C.read_jobs, C.create_applications)),  # candidates apply on the partner's pages
    Kind("apply_and_follow", (C.read_jobs, C.read_applications, C.create_applications)),  # and follow them
    Kind("export", (C.read_jobs, C.create_applicants, C.create_applications), customer_confirms=True),  # recruiters
    Kind("indicator", (C.read_applicants, C.read_applications), customer_confirms=True),  # who the customer knows
    Kind("profile", _READ_ALL, customer_confirms=True),  # recruiters see a candidate's story with the customer
)}


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


class NotReady(InvalidInput):
    """The customer's admin may enable only what the partner has made ready."""


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


def request(session: Session, app: PartnerApp, member: accounts.Member, name: str, *, clock: Clock) -> Integration:
    """The customer's admin asks for the kind the dialect calls `name` (again: nothing changes)."""
    found = of_app(session, app).get(name)
    status = _next(found, Step.request)
    if found is not None:
        return found
    now = clock.now()
    row = Integration(app_id=app.id, tenant_id=app.tenant_id, kind=name, status=status, name=None, settings={},
                      requested_by=member.account_id, requested_at=now, enabled_at=None, updated_at=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the same request at the same time: it is recorded once
        return of_app(session, app)[name]
    return row


def confirm(session: Session, app: PartnerApp, kinds: Mapping[str, Kind], *, clock: Clock) -> list[str]:
    """The customer's admin switches on, of these kinds (the dialect's name -> kind), those the partner has made
    ready, and is told which; if the partner has made none ready, NotReady and nothing changes."""
    found = of_app(session, app, lock=True)
    ready = [name for name in kinds if name in found and (found[name].status, Step.confirm) in MOVES]
    if not ready:
        raise NotReady("the partner has not made this integration ready yet")
    for name in ready:
        _move(session, app, found[name], kinds[name], Step.confirm, clock)
    session.flush()
    return ready


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
        _grant(session, app, kind)


def scopes_of(kind: Kind) -> tuple[str, ...]:
    """The scopes an app's client holds once `kind` is enabled: those that carry what it grants."""
    return carrying(kind.grants, Holder.client)


def _grant(session: Session, app: PartnerApp, kind: Kind) -> None:
    """The app's client holds what the enabled integration grants (its tokens carry it from the next one)."""
    client = session.get(OAuthClient, app.oauth_client_id)
    assert client is not None  # the app's client goes with it (ON DELETE CASCADE)
    client.scopes = list(dict.fromkeys([*client.scopes, *scopes_of(kind)]))
