"""Small factories for test data, written through the services (never raw SQL)."""

from dataclasses import dataclass
from typing import Any

from starlette.testclient import TestClient

from hireport.kit.auth import Caller
from hireport.kit.runtime import Runtime
from hireport.models import ApplicationStatus, DocumentOwner, JobStatus, Role
from hireport.services import accounts, applicants, applications, documents, identity, jobs, offers
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields, FormAnswer
from hireport.services.jobs import JobFields
from hireport.services.offers import OfferFields


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str


def tenant(rt: Runtime, tenant_id: int = 218, name: str = "Acme") -> int:
    with rt.db.transaction() as session:
        identity.create_tenant(session, tenant_id=tenant_id, name=name, clock=rt.clock)
    return tenant_id


def partner(rt: Runtime, code: str = "bg", *, tenants: tuple[int, ...] = ()) -> str:
    with rt.db.transaction() as session:
        identity.create_partner(session, code=code, name=f"{code} checks", kind="background_check", clock=rt.clock)
        for tenant_id in tenants:
            identity.enable_partner(session, tenant_id=tenant_id, partner_code=code, clock=rt.clock)
    return code


def client(rt: Runtime, scopes: str, *, tenant_id: int | None = None, partner_code: str | None = None,
           lifetime: int = 300) -> Credentials:
    with rt.db.transaction() as session:
        c, secret = identity.create_client(session, name="test client", scopes=scopes, tenant_id=tenant_id,
                                           partner_code=partner_code, clock=rt.clock, token_lifetime=lifetime)
    return Credentials(c.client_id, secret)


def member(rt: Runtime, email: str, *, tenant_id: int = 218, role: Role = Role.admin,
           password: str = "correct horse battery staple") -> int:  # noqa: S107 (a test person's)
    """A person with an account (this password) and this role in the tenant; their account id."""
    with rt.db.transaction() as session:
        account = accounts.find(session, email) or accounts.create(
            session, email=email, display_name=email.split("@")[0].title(), password=password, clock=rt.clock)
        accounts.add_member(session, account, tenant_id=tenant_id, role=role, clock=rt.clock)
        return account.id


def token_response(http: TestClient, creds: Credentials, **fields: str) -> Any:
    form = {"grant_type": "client_credentials", "client_id": creds.client_id, "client_secret": creds.client_secret,
            **fields}
    return http.post("/connect/token", data=form)


def recruitment(rt: Runtime, tenant_id: int) -> dict[str, int]:
    """One of each record in a tenant: job, applicant, application, accepted offer, three documents."""
    caller = Caller.operator(tenant_id)
    clock = rt.clock
    with rt.db.transaction() as s:
        job = jobs.create(s, caller, JobFields(title="Nurse", external_id=f"EXT-{tenant_id}"), clock=clock,
                          status=JobStatus.published)
        person = applicants.create(s, caller, ApplicantFields(first_name="Ada", last_name="Lovelace",
                                                              email="ada@example.com"), clock=clock)
        app = applications.create(s, caller, ApplicationFields(
            job_id=job.id, applicant_id=person.id, status=ApplicationStatus.in_process,
            form_answers=[FormAnswer(question="Right to work?", answer="Yes")]), clock=clock)
        offer = offers.create(s, caller, app.id, OfferFields(), clock=clock)
        offers.accept(s, caller, offer, clock=clock)
        docs = [documents.upload(s, caller, rt.storage, owner=owner, owner_id=owner_id, file_name=f"{owner}.txt",
                                 data=f"{owner} of tenant {tenant_id}".encode(), clock=clock,
                                 max_bytes=1 << 20)
                for owner, owner_id in ((DocumentOwner.job, job.id), (DocumentOwner.application, app.id),
                                        (DocumentOwner.offer, offer.id))]
        return {"job": job.id, "applicant": person.id, "application": app.id, "offer": offer.id,
                "document": docs[0].id}
