"""Two tenants for the console's tests, written through the services: 218 (people of every role) and 219
(whose every string carries `SECRET`, so a page that leaks one of its records is caught), and the people
who sign in."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from hireport.kit.auth import Caller
from hireport.kit.runtime import Runtime
from hireport.models import ApplicationStatus, Base, DocumentOwner, JobStatus, Partner, Role
from hireport.services import (
    accounts,
    api_tokens,
    applicants,
    applications,
    career_pages,
    checks,
    documents,
    identity,
    integrations,
    jobs,
    messaging,
    offers,
    partner_apps,
    referrals,
    signin,
)
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields, FormAnswer
from hireport.services.jobs import JobFields
from hireport.services.offers import OfferFields
from hireport.services.partner_apps import AppFields
from hireport.web.people import SESSION_COOKIE, csrf_key

A, B = 218, 219
SECRET = "SECRET"  # in every string of tenant 219's records


@dataclass
class Person:
    """A signed-in browser: its session cookie, and the CSRF token of its forms."""

    http: TestClient
    email: str
    session_token: str
    csrf: str

    def get(self, path: str, **params: Any) -> Any:
        return self.http.get(path, params=params or None, headers=self._cookie(), follow_redirects=False)

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: str | None = "yes") -> Any:
        form = dict(data or {})
        if csrf is not None:
            form["csrf"] = self.csrf if csrf == "yes" else csrf
        return self.http.post(path, data=form, headers=self._cookie(), follow_redirects=False)

    def _cookie(self) -> dict[str, str]:
        return {"Cookie": f"{SESSION_COOKIE}={self.session_token}"}


@dataclass
class World:
    rt: Runtime
    http: TestClient
    a: dict[str, Any]  # tenant 218's record ids
    b: dict[str, Any]  # tenant 219's
    people: dict[str, Person] = field(default_factory=dict)  # admin, recruiter, viewer of 218; admin219; nobody


def build(rt: Runtime, http: TestClient) -> World:
    with rt.db.transaction() as session:
        identity.create_partner(session, code="bg", name="BG Checks", kind="background_check", clock=rt.clock)
        identity.create_partner(session, code="ats", name="Acme ATS Ltd", kind="ats", clock=rt.clock)
    world = World(rt, http, records(rt, A, "Acme Health"), records(rt, B, f"{SECRET} Corp"))
    for name, tenant, role in (("admin", A, Role.admin), ("recruiter", A, Role.recruiter),
                               ("viewer", A, Role.viewer), ("admin219", B, Role.admin), ("nobody", None, None)):
        world.people[name] = person(rt, http, f"{name}@example.com", tenant, role)
    for tenant, admin in ((A, "admin"), (B, "admin219")):
        partner_app(rt, tenant, world.people[admin].email)
    return world


def partner_app(rt: Runtime, tenant: int, admin_email: str) -> None:
    """An app partner `ats` provisioned for the tenant (which uses it), with Apply with LinkedIn requested by
    its admin."""
    mark = f"{SECRET} " if tenant == B else ""
    with rt.db.transaction() as s:
        identity.enable_partner(s, tenant_id=tenant, partner_code="ats", clock=rt.clock)
        partner = s.scalar(select(Partner.id).where(Partner.code == "ats"))
        assert partner is not None
        app = partner_apps.provision(s, Caller(client_id="parent", partner_id=partner), tenant_id=tenant,
                                     foreign_id=f"customer-{tenant}", reserved=(), clock=rt.clock,
                                     fields=AppFields(name=f"{mark}Acme ATS", description=f"{mark}app",
                                                      widget_origins=[f"https://{tenant}.ats.example.com"],
                                                      callback_urls=[]))
        admin = accounts.find(s, admin_email)
        assert admin is not None
        integrations.request(s, app.app, integrations.administrator(s, app.app, admin.id), "APPLY_WITH_LINKEDIN",
                             clock=rt.clock)


def person(rt: Runtime, http: TestClient, email: str, tenant: int | None, role: Role | None) -> Person:
    """An account (a member of `tenant` with `role`, if given) and a browser session of it."""
    with rt.db.transaction() as session:
        account = accounts.create(session, email=email, display_name=email.split("@")[0].title(),
                                  password="a password of ten", clock=rt.clock)
        if tenant is not None and role is not None:
            accounts.add_member(session, account, tenant_id=tenant, role=role, clock=rt.clock)
        token = signin.start(session, account, clock=rt.clock, lifetime=3600)
    return Person(http, email, token, signin.csrf_token(csrf_key(rt), token))


def records(rt: Runtime, tenant: int, name: str) -> dict[str, Any]:
    """One of each record a console page shows, in a tenant; 219's strings carry SECRET."""
    mark = f"{SECRET} " if tenant == B else ""
    caller, clock = Caller.operator(tenant), rt.clock
    with rt.db.transaction() as s:
        identity.create_tenant(s, tenant_id=tenant, name=name, clock=clock)
        identity.enable_partner(s, tenant_id=tenant, partner_code="bg", clock=clock)
        page = career_pages.create(s, caller, name=f"{mark}careers", url="https://careers.example", clock=clock)
        job = jobs.create(s, caller, JobFields(title=f"{mark}Registered Nurse", external_id=f"{mark}REQ-{tenant}",
                                               description="<p>Care for patients.</p>", num_vacancies=2,
                                               career_page_id=page.id, hiring_deadline=date(2030, 1, 31)),
                          clock=clock, status=JobStatus.published)
        draft = jobs.create(s, caller, JobFields(title=f"{mark}Unfinished draft"), clock=clock)
        person = applicants.create(s, caller, ApplicantFields(first_name=f"{mark}Ada", last_name="Lovelace",
                                                              email=f"ada{tenant}@example.com"), clock=clock)
        application = applications.create(s, caller, ApplicationFields(
            job_id=job.id, applicant_id=person.id, status=ApplicationStatus.in_process, score=88.5,
            form_answers=[FormAnswer(question=f"{mark}Right to work?", answer=f"{mark}Yes")]), clock=clock)
        offer = offers.create(s, caller, application.id, OfferFields(comments=f"{mark}offer"), clock=clock)
        offers.accept(s, caller, offer, clock=clock)
        offers.mark_processed(s, caller, offer, clock=clock, action_type_id=2)
        document = documents.upload(s, caller, rt.storage, owner=DocumentOwner.application, owner_id=application.id,
                                    file_name="resume.txt", data=f"{mark}resume of tenant {tenant}".encode(),
                                    title=f"{mark}Resume", clock=clock, max_bytes=1 << 20)
        offer_document = documents.upload(s, caller, rt.storage, owner=DocumentOwner.offer, owner_id=offer.id,
                                          file_name="offer.txt", data=f"{mark}offer letter".encode(),
                                          title=f"{mark}Letter of offer", clock=clock, max_bytes=1 << 20)
        check = checks.order(s, caller, application_id=application.id, partner_code="bg",
                             package_code=f"{mark}PKG".replace(" ", "-"), clock=clock)
        template = messaging.create_template(s, caller, name="feedback", subject=f"{mark}About {{{{ job.name }}}}",
                                             body="Hello {{ candidate.name }}", clock=clock)
        message = messaging.message_candidate(
            s, caller, job_id=job.id, application_id=application.id, template_id=template.id, allow_reply=False,
            reply_address="r@example.com", noreply_address="n@example.com", clock=clock)
        client, _ = identity.create_client(s, name=f"{mark}HRIS export", scopes=["Public.Job.Read"], tenant_id=tenant,
                                           clock=clock)
        token, _ = api_tokens.create(s, caller, name=f"{mark}careers site", scopes=["Gupy.Jobs.Read"], clock=clock)
        order = referral(s, caller, rt, mark)
        return {"job": job.id, "draft": draft.id, "applicant": person.id, "application": application.id,
                "offer": offer.id, "document": document.id, "offer_document": offer_document.id, "check": check.id,
                "message": message.id, "client_id": client.client_id, "token_id": token.id,
                "order": order, "page": page.id}


def referral(s: Any, caller: Caller, rt: Runtime, mark: str) -> int:
    """A campaign of the tenant and one referral under it (an order pending)."""
    clock = rt.clock
    referrals.create_product(s, caller, code="P1", name=f"{mark}paper", subscription=True, clock=clock)
    referrals.create_campaign(s, caller, code="C1", name=f"{mark}spring", points_per_referral=5,
                              product_codes=["P1"], premiums=[], clock=clock)
    referrals.create_coupon(s, caller, code="K1", number=1, product_code="P1", price=Decimal(1), clock=clock)
    made = referrals.register(s, caller, referrals.Registration(
        product="P1", campaign="C1", referrer=referrals.Person(first_name=f"{mark}Rita", email="rita@example.com"),
        referred=[referrals.Referred(referrals.Person(first_name=f"{mark}Finn", email="finn@example.com"), "K1", 1,
                                     Decimal(1), 1)], preferences=None), clock=clock)
    return made[0].id


def dump(rt: Runtime) -> str:
    """Every row of every table: compared before and after what must change nothing."""
    with rt.db.transaction(write=False) as session:
        return repr([session.execute(select(t)).all() for t in Base.metadata.sorted_tables])
