"""`hireport demo`: realistic, idempotent, and every secret re-issued on each run."""

import json
from pathlib import Path

from sqlalchemy import func, select
from starlette.testclient import TestClient

from hireport import demo
from hireport.kit.runtime import Runtime
from hireport.models import (
    Applicant,
    Application,
    Document,
    DocumentOwner,
    Job,
    Offer,
    OfferProcessing,
    Partner,
    PartnerKind,
)
from tests.factories import Credentials, token_response


def _counts(runtime: Runtime) -> dict[str, int]:
    with runtime.db.transaction(write=False) as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m)) or 0
                for m in (Job, Applicant, Application, Offer, Document, OfferProcessing)}


def test_demo_data_covers_every_stage(runtime: Runtime):
    demo.load(runtime)
    counts = _counts(runtime)
    assert counts["Job"] == 12
    assert counts["Applicant"] >= 200
    with runtime.db.transaction(write=False) as s:
        assert len(set(s.scalars(select(Job.status)))) == 8, "jobs in every lifecycle status"
        offers = list(s.scalars(select(Offer)))
        assert any(o.accepted_at is None for o in offers)
        assert any(o.accepted_at and not o.form_completed_at for o in offers)
        assert any(o.form_completed_at for o in offers)
        assert any(o.processed_at for o in offers) and any(o.form_completed_at and not o.processed_at for o in offers)
        assert {p.action_type_id for p in s.scalars(select(OfferProcessing))} == {1}
        owners = {d.owner[0] for d in s.scalars(select(Document))}
        assert owners == set(DocumentOwner)
        assert all(a.form_answers for a in s.scalars(select(Application)))
        assert {p.kind for p in s.scalars(select(Partner))} == set(PartnerKind), "what `partners create` offers"


def test_demo_is_idempotent_and_rotates_its_secrets(runtime: Runtime, client: TestClient):
    first_demo = demo.load(runtime)
    counts = _counts(runtime)
    second_demo = demo.load(runtime)
    assert _counts(runtime) == counts
    first, first_token, second, second_token = (first_demo.clients, first_demo.api_token, second_demo.clients,
                                                second_demo.api_token)
    assert [c.client_id for c in first] == [c.client_id for c in second]
    old, new = first[0], second[0]
    assert token_response(client, Credentials(old.client_id, old.client_secret)).status_code == 400
    assert token_response(client, Credentials(new.client_id, new.client_secret)).status_code == 200
    jobs = "/api/v1/jobs"
    assert client.get(jobs, headers={"Authorization": f"Bearer {first_token.token}"}).status_code == 403
    assert client.get(jobs, headers={"Authorization": f"Bearer {second_token.token}"}).status_code == 200


def test_the_demo_says_which_tenant_each_credential_acts_for(runtime: Runtime, tmp_path: Path):
    saved = tmp_path / "demo-credentials.json"
    first = demo.credentials(runtime, saved)
    shown = demo.as_json(first)
    parent, app = shown["linkedin"]["parent"], shown["linkedin"]["app"]  # type: ignore[index]
    assert parent["tenant"] is None, "a parent app's tokens carry no tenant (tests/linkedin/test_tokens.py)"
    assert app["tenant"] == demo.DEMO_TENANT and shown["connect"]["tenant"] == demo.DEMO_TENANT  # type: ignore[index]
    assert [c["tenant"] for c in shown["clients"]] == [demo.DEMO_TENANT] * 2  # type: ignore[attr-defined]
    # credentials saved before said the parent app had the demo's tenant: they are issued anew, not shown again
    older = json.loads(saved.read_text())
    older["linkedin"]["parent"]["tenant"] = demo.DEMO_TENANT
    saved.write_text(json.dumps(older))
    again = demo.credentials(runtime, saved)
    assert again.linkedin.parent.tenant is None
    assert again.linkedin.parent.client_secret != first.linkedin.parent.client_secret
