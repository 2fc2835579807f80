"""A caller bound to tenant A never gets a row of tenant B, whatever id it asks for."""

import pytest

from hireport.kit.auth import Caller
from hireport.kit.errors import Forbidden, NotFound
from hireport.kit.runtime import Runtime
from hireport.kit.tenancy import get_scoped, scoped
from hireport.models import Applicant, Application, Document, DocumentOwner, Job, Offer
from hireport.services import applicants, applications, documents, jobs, offers
from hireport.services.applications import ApplicationFields
from hireport.services.offers import OfferFields
from tests import factories

MODELS = [Job, Applicant, Application, Offer, Document]


@pytest.fixture
def two_tenants(runtime: Runtime) -> tuple[dict[str, int], dict[str, int]]:
    factories.tenant(runtime, 218)
    factories.tenant(runtime, 219)
    return factories.recruitment(runtime, 218), factories.recruitment(runtime, 219)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_id_of_another_tenant_is_not_found(runtime: Runtime, two_tenants, model):
    a, b = Caller.operator(218), Caller.operator(219)
    with runtime.db.transaction(write=False) as session:
        all_ids = list(session.scalars(model.__table__.select().with_only_columns(model.id)))
        for row_id in [*all_ids, max(all_ids) + 1, 0, -1]:
            owner = session.get(model, row_id)
            if owner is not None and owner.tenant_id == 218:
                assert get_scoped(session, model, a, row_id).tenant_id == 218
            else:
                with pytest.raises(NotFound):
                    get_scoped(session, model, a, row_id)
        seen = list(session.scalars(scoped(model, a)))
        assert seen and {row.tenant_id for row in seen} == {218}
        assert {row.tenant_id for row in session.scalars(scoped(model, b))} == {219}


def test_services_refuse_to_link_records_across_tenants(runtime: Runtime, two_tenants):
    _, b = two_tenants
    a = Caller.operator(218)
    with runtime.db.transaction() as session:
        with pytest.raises(NotFound):
            jobs.get(session, a, b["job"])
        with pytest.raises(NotFound):
            jobs.get_by_external_id(session, a, "EXT-219")
        with pytest.raises(NotFound):
            applicants.get(session, a, b["applicant"])
        with pytest.raises(NotFound):
            applications.create(session, a, ApplicationFields(job_id=b["job"], applicant_id=b["applicant"]),
                                clock=runtime.clock)
        with pytest.raises(NotFound):
            offers.create(session, a, b["application"], OfferFields(), clock=runtime.clock)
        with pytest.raises(NotFound):
            documents.upload(session, a, runtime.storage, owner=DocumentOwner.offer, owner_id=b["offer"],
                             file_name="x.txt", data=b"x", clock=runtime.clock, max_bytes=1 << 20)


def test_lists_hold_only_the_callers_rows(runtime: Runtime, two_tenants):
    a = Caller.operator(218)
    with runtime.db.transaction(write=False) as session:
        for page in (jobs.list_page(session, a, limit=500, cursor=None),
                     applications.list_page(session, a, limit=500, cursor=None),
                     offers.list_page(session, a, limit=500, cursor=None)):
            assert page.items and {row.tenant_id for row in page.items} == {218}


def test_a_caller_without_a_tenant_reads_nothing(runtime: Runtime, two_tenants):
    with runtime.db.transaction(write=False) as session, pytest.raises(Forbidden):
        session.scalars(scoped(Job, Caller(client_id="partner-only", partner_id=1)))


def test_lookup_by_ids_holds_only_the_callers_rows(runtime: Runtime, two_tenants):
    from hireport.kit.tenancy import scoped_ids

    a, b = two_tenants
    with runtime.db.transaction(write=False) as session:
        for model, key in ((Job, "job"), (Application, "application"), (Offer, "offer")):
            found = list(session.scalars(scoped_ids(model, Caller.operator(218), [a[key], b[key], 10**9])))
            assert [row.id for row in found] == [a[key]]
