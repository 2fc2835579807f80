"""The integration rules, through the service on a real database: what an enabled kind lets the app's client
hold (the registered scopes that carry its capabilities, and nothing before it is enabled), and that the
customer's admin may enable only what the partner made ready."""

import pytest
from sqlalchemy import select

from hireport.kit.auth import Caller
from hireport.kit.runtime import Runtime
from hireport.kit.scopes import Holder, carrying
from hireport.models import Integration, IntegrationStatus, OAuthClient, Partner, PartnerApp
from hireport.services import integrations, partner_apps
from hireport.services.integrations import KINDS, Capability, NotReady
from hireport.services.partner_apps import AppFields
from tests import factories

# the dialect's names for two kinds the customer enables after the partner
INDICATOR, PROFILE = {"indicator-x": KINDS["indicator"]}, {"profile-x": KINDS["profile"]}


@pytest.fixture
def app(runtime: Runtime) -> int:
    """An app a partner provisioned for tenant 218, whose admin has requested two kinds; its id."""
    factories.tenant(runtime, 218)
    factories.partner(runtime, "ats", tenants=(218,))
    admin = factories.member(runtime, "admin@example.com")
    with runtime.db.transaction() as session:
        partner_id = session.scalars(select(Partner.id).where(Partner.code == "ats")).one()
        made = partner_apps.provision(session, Caller(client_id="parent", partner_id=partner_id), tenant_id=218,
                                      foreign_id="f1", reserved=(), clock=runtime.clock,
                                      fields=AppFields(name="App", description="an app", widget_origins=[],
                                                       callback_urls=[])).app
        member = integrations.administrator(session, made, admin)
        for name in (*INDICATOR, *PROFILE):
            integrations.request(session, made, member, name, clock=runtime.clock)
        return made.id


def _state(runtime: Runtime, app_id: int) -> tuple[dict[str, IntegrationStatus], list[str]]:
    with runtime.db.transaction(write=False) as session:
        found = session.get(PartnerApp, app_id)
        assert found is not None
        client = session.get(OAuthClient, found.oauth_client_id)
        assert client is not None
        rows = session.scalars(select(Integration).where(Integration.app_id == app_id))
        return {row.kind: row.status for row in rows}, list(client.scopes)


def _confirm(runtime: Runtime, app_id: int, kinds: dict[str, integrations.Kind]) -> list[str]:
    with runtime.db.transaction() as session:
        found = session.get(PartnerApp, app_id)
        assert found is not None
        return integrations.confirm(session, found, kinds, clock=runtime.clock)


def _complete(runtime: Runtime, app_id: int, kinds: dict[str, integrations.Kind]) -> None:
    with runtime.db.transaction() as session:
        found = session.get(PartnerApp, app_id)
        assert found is not None
        integrations.complete(session, found, dict.fromkeys(kinds, "named"), kinds, clock=runtime.clock)


def test_every_capability_is_carried_by_a_scope_a_customers_app_may_hold():
    for capability in Capability:
        assert carrying([capability], Holder.client), capability


def test_each_kind_grants_the_scopes_that_carry_its_capabilities_once_each():
    for kind in KINDS.values():
        granted = integrations.scopes_of(kind)
        assert sorted(granted) == sorted({s for c in kind.grants for s in carrying([c], Holder.client)}), kind


def test_only_what_the_partner_made_ready_may_be_confirmed(runtime: Runtime, app: int):
    with pytest.raises(NotReady, match="the partner has not made this integration ready yet"):
        _confirm(runtime, app, {**INDICATOR, **PROFILE})
    assert _state(runtime, app) == ({"indicator-x": IntegrationStatus.requested,
                                     "profile-x": IntegrationStatus.requested}, []), "nothing changed"
    _complete(runtime, app, INDICATOR)
    assert _state(runtime, app)[0]["indicator-x"] == IntegrationStatus.partner_ready
    assert _state(runtime, app)[1] == [], "ready is not enabled: the client holds nothing yet"
    assert _confirm(runtime, app, {**INDICATOR, **PROFILE}) == ["indicator-x"], "only the ready one"
    statuses, scopes = _state(runtime, app)
    assert statuses == {"indicator-x": IntegrationStatus.enabled, "profile-x": IntegrationStatus.requested}
    assert scopes == list(integrations.scopes_of(KINDS["indicator"]))
    with pytest.raises(NotReady):
        _confirm(runtime, app, INDICATOR)  # an enabled integration is not ready to be confirmed again
