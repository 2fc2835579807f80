"""`hireport demo`: tenant 218 with a realistic recruitment history, its clients, partner `bg` (background
checks), and partner `demo-ats` (an ATS integrating with LinkedIn: its parent app, the app it provisioned for
tenant 218, and the Apply with LinkedIn integration the tenant's admin requested, ready to be enabled).

Idempotent: the data is created once; the demo credentials are issued once, kept (owner-only) in the data
directory so that later runs print the same ones, and re-issued on request.
"""

import json
import os
import random
import shlex
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireport.dialects.connect.scopes import Scope as ConnectScope
from hireport.dialects.linkedin.provisioning import RESERVED as LINKEDIN_RESERVED
from hireport.dialects.linkedin.provisioning import URN as LINKEDIN_APP
from hireport.dialects.linkedin.scopes import Scope as LinkedInScope
from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.runtime import Runtime
from hireport.kit.scopes import Holder, held_by
from hireport.kit.secrets import new_secret, secret_matches
from hireport.models import (
    ApplicationStatus,
    CheckStatus,
    DocumentOwner,
    JobStatus,
    OAuthClient,
    Partner,
    PartnerApp,
    PartnerKind,
    Role,
    Tenant,
)
from hireport.services import (
    accounts,
    api_tokens,
    applicants,
    applications,
    career_pages,
    careers,
    checks,
    documents,
    forms,
    identity,
    integrations,
    jobs,
    messaging,
    offers,
    partner_apps,
    referrals,
)
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields, FormAnswer
from hireport.services.checks import CheckResult, Report
from hireport.services.forms import Question, QuestionType
from hireport.services.jobs import JobFields
from hireport.services.offers import OfferFields
from hireport.services.partner_apps import AppFields

DEMO_TENANT = 218
DEMO_PARTNER = "bg"
INTEGRATOR = "demo integrator"
PROVIDER = "demo background checks"
GUPY_TOKEN_NAME = "demo Gupy integration"  # noqa: S105 (a name, not a secret)
CONNECT_CLIENT = "demo Connect client"
ATS_PARTNER = "demo-ats"
ATS_PARENT = "demo ATS parent app"
ATS_APP = "Demo ATS for Acme Health"
ATS_APP_KEY = "acme-health"
ATS_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"]  # a partner's page in development

FIRST = ["Olivia", "Noah", "Amelia", "Jack", "Isla", "William", "Mia", "Oliver", "Ava", "Leo", "Grace", "Lucas",
         "Chloe", "Henry", "Zoe", "Thomas", "Ruby", "James", "Sofia", "Ethan", "Maya", "Lachlan", "Aisha", "Kenji"]
LAST = ["Smith", "Nguyen", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin", "Anderson",
        "Thompson", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Davies", "Singh", "Chen"]
JOBS = [
    ("Registered Nurse - Emergency", JobStatus.published), ("Payroll Officer", JobStatus.published),
    ("Senior Software Engineer", JobStatus.published), ("Warehouse Team Leader", JobStatus.frozen),
    ("Customer Service Consultant", JobStatus.closed), ("Graduate Accountant", JobStatus.closed),
    ("HR Business Partner", JobStatus.approved), ("Data Analyst", JobStatus.waiting_approval),
    ("Marketing Coordinator", JobStatus.draft), ("Site Safety Officer", JobStatus.canceled),
    ("Store Manager - Parramatta", JobStatus.published), ("Legal Counsel", JobStatus.disapproved),
]
# Where each job is, by its place in JOBS: department, location, type (what the careers page filters by).
PLACES = [("Nursing", "Sydney NSW", "Full time"), ("Finance", "Parramatta NSW", "Full time"),
          ("Technology", "Sydney NSW", "Full time"), ("Logistics", "Wetherill Park NSW", "Full time"),
          ("Customer Service", "Parramatta NSW", "Part time"), ("Finance", "Sydney NSW", "Graduate"),
          ("People & Culture", "Sydney NSW", "Full time"), ("Technology", "Melbourne VIC", "Contract"),
          ("Marketing", "Sydney NSW", "Part time"), ("Facilities", "Newcastle NSW", "Full time"),
          ("Retail", "Parramatta NSW", "Full time"), ("Legal", "Sydney NSW", "Full time")]
QUESTIONS = ["Do you have the right to work in Australia?", "Years of relevant experience",
             "Notice period (weeks)", "Why do you want this role?"]
ONBOARDING = ["Tax file number supplied", "Bank BSB", "Superannuation fund", "Emergency contact"]
APPLICATION_FORM = [
    Question(id="right_to_work", label=QUESTIONS[0], type=QuestionType.yes_no, required=True),
    Question(id="experience", label=QUESTIONS[1], type=QuestionType.number, required=True),
    Question(id="notice", label=QUESTIONS[2], type=QuestionType.number),
    Question(id="why", label=QUESTIONS[3], type=QuestionType.long_text),
]
NEW_STARTER_FORM = [
    Question(id="tax_file_number", label=ONBOARDING[0], type=QuestionType.yes_no, required=True),
    Question(id="bank_bsb", label=ONBOARDING[1], required=True),
    Question(id="super_fund", label=ONBOARDING[2], type=QuestionType.choice, required=True,
             options=["AustralianSuper", "Hostplus", "UniSuper", "Another fund"]),
    Question(id="emergency_contact", label=ONBOARDING[3], type=QuestionType.long_text, required=True),
]
BRAND = careers.Branding(primary_color="#0b5d4b", accent_color="#0a6651")


@dataclass(frozen=True)
class DemoApiToken:
    token: str
    tenant: int
    endpoints: list[str]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    password: str
    role: str
    tenant: int


PEOPLE = [("admin@demo.example.com", "Alex Admin", Role.admin),
          ("recruiter@demo.example.com", "Riley Recruiter", Role.recruiter)]

# Which of the credentials `hireport demo` prints opens each API (by dialect name), for the front door.
CREDENTIAL_FOR = {
    "oauth": "any client below (a token for each API comes from here)",
    "pageup": f"the integrator client (Hire API, instanceId {DEMO_TENANT}); "
              f"the partner {DEMO_PARTNER} client (Background Checking API)",
    "gupy": f"the Gupy API token (tenant {DEMO_TENANT})",
    "linkedin": f"LinkedIn partner {ATS_PARTNER}: its parent app (provisioning), its app for tenant {DEMO_TENANT} "
                "(atsIntegrations)",
    "linkedin-rest": f"LinkedIn partner {ATS_PARTNER}: its app for tenant {DEMO_TENANT}",
    "connect": f"the Connect client (instanceId {DEMO_TENANT})",
    "manage": "the operator credential (printed once, on the first start; hireport operators create makes another)",
}


@dataclass(frozen=True)
class DemoLinkedIn:
    """Partner `demo-ats`'s parent app (LinkedIn.Provisioning) and the app it provisioned for tenant 218
    (`key`), whose plugin pages may run on `origins`."""

    partner: str
    parent: "DemoClient"
    app: "DemoClient"
    key: str
    origins: list[str]


@dataclass(frozen=True)
class Demo:
    """What `hireport demo` prints: the clients, the Gupy API token, the people who sign in, and LinkedIn's
    partner apps."""

    clients: list["DemoClient"]
    api_token: DemoApiToken
    people: list[DemoPerson]
    linkedin: DemoLinkedIn
    connect: "DemoClient"
    careers: str  # the demo careers page's path


@dataclass(frozen=True)
class DemoClient:
    client_id: str
    client_secret: str
    scopes: list[str]
    tenant: int | None  # the tenant its tokens act for (None: the partner's own, as LinkedIn's parent app)
    partner: str | None


def credentials(runtime: Runtime, saved: Path, *, reissue: bool = False) -> Demo:
    """The demo data (created if absent) and its credentials: the ones saved in `saved` (owner-only) while
    they still work, so a second run does not revoke what the first printed; new ones on `reissue`, or when
    the saved ones are missing or no longer work."""
    if not reissue and saved.is_file():
        found = json.loads(saved.read_text())
        if ("linkedin" in found and "connect" in found and "careers" in found
                and found["linkedin"]["parent"]["tenant"] is None):  # older files gave the parent app a tenant
            saved_linkedin = found["linkedin"]
            linkedin = DemoLinkedIn(**{**saved_linkedin, "parent": DemoClient(**saved_linkedin["parent"]),
                                       "app": DemoClient(**saved_linkedin["app"])})
            demo = Demo([DemoClient(**c) for c in found["clients"]], DemoApiToken(**found["api_token"]),
                        [DemoPerson(**p) for p in found["people"]], linkedin, DemoClient(**found["connect"]),
                        found["careers"])
            if _still_work(runtime, demo):
                return demo
    demo = load(runtime)
    saved.unlink(missing_ok=True)
    fd = os.open(saved, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(as_json(demo), out)
    return demo


def as_json(demo: Demo) -> dict[str, object]:
    linkedin = {**vars(demo.linkedin), "parent": vars(demo.linkedin.parent), "app": vars(demo.linkedin.app)}
    return {"clients": [vars(c) for c in demo.clients], "api_token": vars(demo.api_token),
            "people": [vars(p) for p in demo.people], "linkedin": linkedin, "connect": vars(demo.connect),
            "careers": demo.careers}


def as_env(demo: Demo) -> str:
    """The credentials as `export NAME=value` lines, for `eval "$(hireport demo --env)"` in a shell."""
    integrator, provider = demo.clients
    pairs = {"HIRE_CLIENT_ID": integrator.client_id, "HIRE_CLIENT_SECRET": integrator.client_secret,
             "CHECKS_CLIENT_ID": provider.client_id, "CHECKS_CLIENT_SECRET": provider.client_secret,
             "GUPY_TOKEN": demo.api_token.token,
             "LINKEDIN_PARENT_ID": demo.linkedin.parent.client_id,
             "LINKEDIN_PARENT_SECRET": demo.linkedin.parent.client_secret,
             "LINKEDIN_APP_ID": demo.linkedin.app.client_id, "LINKEDIN_APP_SECRET": demo.linkedin.app.client_secret,
             "CONNECT_CLIENT_ID": demo.connect.client_id, "CONNECT_CLIENT_SECRET": demo.connect.client_secret,
             **{f"{p.role.upper()}_{what}": value for p in demo.people
                for what, value in (("EMAIL", p.email), ("PASSWORD", p.password))},
             "CAREERS_PATH": demo.careers}
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in pairs.items())


def _still_work(runtime: Runtime, demo: Demo) -> bool:
    with runtime.db.transaction() as session:
        for c in [*demo.clients, demo.linkedin.parent, demo.linkedin.app, demo.connect]:
            client = session.scalar(select(OAuthClient).where(OAuthClient.client_id == c.client_id))
            if client is None or client.revoked_at is not None or not secret_matches(c.client_secret,
                                                                                   client.secret_hash):
                return False
        if any(accounts.check_password(session, p.email, p.password) is None for p in demo.people):
            return False
        return api_tokens.authenticate(session, demo.api_token.token) is not None


def load(runtime: Runtime) -> Demo:
    """Create the demo data if absent; (re)issue the demo clients' secrets, a Gupy API token and the demo
    people's passwords."""
    lifetime = runtime.settings.token_lifetime
    with runtime.db.transaction() as session:
        if session.get(Tenant, DEMO_TENANT) is None:
            _create_data(session, runtime)
        clients = [
            _client(session, runtime.clock, INTEGRATOR, list(held_by(Holder.client)), lifetime=lifetime,
                    tenant_id=DEMO_TENANT),
            _client(session, runtime.clock, PROVIDER, list(held_by(Holder.partner_client, dialect="pageup")),
                    lifetime=lifetime, partner=DEMO_PARTNER),
        ]
        caller = Caller.operator(DEMO_TENANT)
        for old in api_tokens.list_all(session, caller):
            if old.name == GUPY_TOKEN_NAME and old.revoked_at is None:
                api_tokens.revoke(session, caller, old.id, clock=runtime.clock)
        row, secret = api_tokens.create(session, caller, name=GUPY_TOKEN_NAME, scopes=list(held_by(Holder.api_token)),
                                        clock=runtime.clock)
        people = [_person(session, runtime.clock, email, name, role) for email, name, role in PEOPLE]
        linkedin = _linkedin(session, runtime)
        if not referrals.has_products(session, caller):
            _referral_programme(session, runtime, caller)
        connect = _client(session, runtime.clock, CONNECT_CLIENT, [ConnectScope.client.value, ConnectScope.user.value],
                          lifetime=lifetime, tenant_id=DEMO_TENANT)
        page = career_pages.list_all(session, caller)[0]
        return Demo(clients, DemoApiToken(secret, DEMO_TENANT, list(row.scopes)), people, linkedin, connect,
                    _careers_path(page.id))


def careers_page(session: Session) -> str | None:
    """The demo careers page's path when the demo is loaded (tenant 218 holds the demo's integrator client), for
    the front door; None otherwise."""
    integrator = select(OAuthClient.id).where(OAuthClient.tenant_id == DEMO_TENANT, OAuthClient.name == INTEGRATOR)
    if session.scalar(integrator.limit(1)) is None:
        return None
    pages = career_pages.list_all(session, Caller.operator(DEMO_TENANT))
    return _careers_path(pages[0].id) if pages else None


def _careers_path(page_id: int) -> str:
    return f"/careers/{DEMO_TENANT}/{page_id}/"


def _referral_programme(session: Session, runtime: Runtime, caller: Caller) -> None:
    """The Connect seed's own codes: subscription product CO27409, campaign Spring2019 (with premium
    468979834/HS3829), coupon Datanews number 1, and customer 34272 (Kari Nordmann), so that the seed's
    sample works as published; a second, non-subscription product to be refused."""
    clock = runtime.clock
    referrals.create_product(session, caller, code="CO27409", name="Datanews digital", subscription=True, clock=clock)
    referrals.create_product(session, caller, code="SINGLE1", name="Single issue", subscription=False, clock=clock)
    referrals.create_campaign(session, caller, code="Spring2019", name="Spring 2019 recruit a friend",
                              points_per_referral=50, product_codes=["CO27409"],
                              premiums=[("468979834", "HS3829", "Headphones"), ("468979834", "HS3830", "Speaker")],
                              clock=clock)
    referrals.create_coupon(session, caller, code="Datanews", number=1, product_code="CO27409", price=Decimal("100"),
                            clock=clock)
    referrals.create_coupon(session, caller, code="Single", number=1, product_code="SINGLE1", price=Decimal("49"),
                            clock=clock)
    referrals.create_customer(session, caller, referrals.Person(
        first_name="Kari", middle_name="Snøhaug", last_name="Nordmann", email="kari.nordmann@gmail.com",
        phone="+4787654321", customer_number=34272), clock=clock)


def _linkedin(session: Session, runtime: Runtime) -> DemoLinkedIn:
    """Partner `demo-ats`: its parent app, the app it provisioned for the demo tenant, and the Apply with
    LinkedIn integration the demo admin requested in its plugin (REQUESTED: the partner's to enable)."""
    clock, lifetime = runtime.clock, runtime.settings.token_lifetime
    if session.scalar(select(Partner).where(Partner.code == ATS_PARTNER)) is None:
        identity.create_partner(session, code=ATS_PARTNER, name="Demo ATS Ltd", kind=PartnerKind.ats, clock=clock)
    identity.enable_partner(session, tenant_id=DEMO_TENANT, partner_code=ATS_PARTNER, clock=clock)
    parent = replace(_client(session, clock, ATS_PARENT, [LinkedInScope.provisioning.value], lifetime=lifetime,
                             partner=ATS_PARTNER), tenant=None)  # its tokens carry no tenant
    partner_id = session.scalar(select(Partner.id).where(Partner.code == ATS_PARTNER))
    assert partner_id is not None
    app = session.scalar(select(PartnerApp).where(PartnerApp.partner_id == partner_id,
                                                  PartnerApp.foreign_id == ATS_APP_KEY))
    if app is None:
        app = partner_apps.provision(
            session, Caller(client_id=ATS_PARENT, partner_id=partner_id), tenant_id=DEMO_TENANT,
            foreign_id=ATS_APP_KEY, reserved=LINKEDIN_RESERVED, clock=clock,
            fields=AppFields(name=ATS_APP, description="Demo ATS's app for Acme Health", widget_origins=ATS_ORIGINS,
                             callback_urls=[])).app
        admin = accounts.find(session, PEOPLE[0][0])
        assert admin is not None  # the demo people come first
        member = integrations.administrator(session, app, admin.id)
        integrations.request(session, app, member, "APPLY_WITH_LINKEDIN", clock=clock)
    app_client = session.get(OAuthClient, app.oauth_client_id)
    assert app_client is not None
    secret = identity.rotate_client_secret(session, app_client)
    customer = DemoClient(app_client.client_id, secret, list(app_client.scopes), DEMO_TENANT, None)
    return DemoLinkedIn(ATS_PARTNER, parent, customer, f"{LINKEDIN_APP}{app.id}", list(app.widget_origins))


def _person(session: Session, clock: Clock, email: str, name: str, role: Role) -> DemoPerson:
    password = new_secret()[:20]
    account = accounts.find(session, email)
    if account is None:
        account = accounts.create(session, email=email, display_name=name, password=password, clock=clock)
    else:
        accounts.set_password(session, account, password)
    accounts.add_member(session, account, tenant_id=DEMO_TENANT, role=role, clock=clock)
    return DemoPerson(account.email, password, role.value, DEMO_TENANT)


def _client(session: Session, clock: Clock, name: str, scopes: list[str], *, lifetime: int,
            tenant_id: int | None = None, partner: str | None = None) -> DemoClient:
    client = session.scalar(select(OAuthClient).where(OAuthClient.name == name).order_by(OAuthClient.id))
    if client is None:
        client, secret = identity.create_client(session, name=name, scopes=scopes, tenant_id=tenant_id,
                                                partner_code=partner, clock=clock, token_lifetime=lifetime)
    else:
        secret = identity.rotate_client_secret(session, client)
    return DemoClient(client.client_id, secret, list(client.scopes), DEMO_TENANT, partner)


def _create_data(session: Session, runtime: Runtime) -> None:
    clock, rng = runtime.clock, random.Random(DEMO_TENANT)
    identity.create_tenant(session, tenant_id=DEMO_TENANT, name="Acme Health (demo)", clock=clock)
    if session.scalar(select(Partner).where(Partner.code == DEMO_PARTNER)) is None:
        identity.create_partner(session, code=DEMO_PARTNER, name="BG Checks Pty Ltd", kind=checks.PROVIDER_KIND,
                                clock=clock)
    identity.enable_partner(session, tenant_id=DEMO_TENANT, partner_code=DEMO_PARTNER, clock=clock)
    caller = Caller.operator(DEMO_TENANT)
    now = clock.now()
    page = career_pages.create(session, caller, name="Acme Health careers", url="https://careers.acme.example",
                               clock=clock)
    careers.brand(session, caller, page.id, BRAND)
    forms.define(session, caller, forms.APPLICATION, APPLICATION_FORM, clock=clock)
    forms.define(session, caller, forms.NEW_STARTER, NEW_STARTER_FORM, clock=clock)
    messaging.create_template(session, caller, name="Feedback: not selected", clock=clock,
                              subject="Your application for {{ job.name }}",
                              body="Hello {{ candidate.name }},\n\nThank you for applying for {{ job.name }} at "
                                   "{{ company.name }}. The position has been filled and we will not be moving "
                                   "forward with your application.\n\nKind regards,\n{{ company.name }}")
    hired: list[int] = []
    for number, (title, status) in enumerate(JOBS, start=1):
        department, location, job_type = PLACES[number - 1]
        job = jobs.create(session, caller, JobFields(
            title=title, department=department, location=location, job_type=job_type,
            external_id=f"REQ-{2400 + number}", description=f"<p>Join Acme Health as a {title}.</p>",
            summary=f"{title}, full time", num_vacancies=rng.randint(1, 4), salary=float(rng.randint(60, 180) * 1000),
            division_code=rng.choice(["CLIN", "CORP", "OPS"]),
            hiring_deadline=(now + timedelta(days=30 + number)).date(), career_page_id=page.id,
            cancel_reason="cancellation_requested_by_manager" if status == JobStatus.canceled else None,
        ), clock=clock, status=status)
        documents.upload(session, caller, runtime.storage, owner=DocumentOwner.job, owner_id=job.id,
                         file_name=f"position-description-{number}.pdf", data=_pdf(f"Position description: {title}"),
                         title="Position description", category="Position description", clock=clock,
                         max_bytes=runtime.settings.max_document_bytes)
        if status in (JobStatus.draft, JobStatus.waiting_approval, JobStatus.approved, JobStatus.disapproved):
            continue
        for _ in range(rng.randint(20, 40)):
            application_id = _apply(session, runtime, caller, rng, job.id,
                                    job_open=status in (JobStatus.published, JobStatus.frozen))
            if application_id is not None:
                hired.append(application_id)
    _background_checks(session, runtime, caller, hired)


def _background_checks(session: Session, runtime: Runtime, caller: Caller, application_ids: list[int]) -> None:
    """Checks from provider `bg` on the applications that reached offer: most pending (to poll), and one
    at each later stage, with results where a stage has them."""
    clock = runtime.clock
    partner_id = session.scalar(select(Partner.id).where(Partner.code == DEMO_PARTNER))
    provider = Caller(client_id="demo provider", tenant_id=DEMO_TENANT, partner_id=partner_id)
    link = "https://reports.bgchecks.example/r/"
    stages = [
        Report(CheckStatus.queued),
        Report(CheckStatus.new, reference_number="BG-1001"),
        Report(CheckStatus.inprogress, results=[CheckResult("Police Check", f"{link}1001", "pass")]),
        Report(CheckStatus.completed, reference_number="BG-1002",
               results=[CheckResult("Police Check", f"{link}1002a", "pass"),
                        CheckResult("Employment History", f"{link}1002b", "pass")]),
        Report(CheckStatus.failed, reason_for_fail="The candidate's consent form was not signed."),
    ]
    for index, application_id in enumerate(application_ids):
        check = checks.order(session, caller, application_id=application_id, partner_code=DEMO_PARTNER,
                             package_code=("STD-AU", "HEALTH-PLUS")[index % 2], clock=clock,
                             package_name=("Standard (Australia)", "Healthcare worker")[index % 2])
        if index < len(stages):
            if stages[index].status != CheckStatus.queued:
                checks.report(session, provider, check.id, Report(CheckStatus.queued), clock=clock)
            checks.report(session, provider, check.id, stages[index], clock=clock)


def _apply(session: Session, runtime: Runtime, caller: Caller, rng: random.Random, job_id: int, *,
           job_open: bool) -> int | None:
    """One applicant applies; returns the application id if it reached an offer."""
    clock = runtime.clock
    first, last = rng.choice(FIRST), rng.choice(LAST)
    applicant = applicants.create(session, caller, ApplicantFields(
        first_name=first, last_name=last, middle_name=rng.choice([None, "J", "Marie", "Lee"]),
        email=f"{first}.{last}.{rng.randint(1, 99999)}@example.com".lower(),
        phone=f"+61 4{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
    ), clock=clock)
    answers = [FormAnswer(question=QUESTIONS[0], answer=rng.choice(["Yes", "Yes", "No"])),
               FormAnswer(question=QUESTIONS[1], answer=rng.randint(0, 15)),
               FormAnswer(question=QUESTIONS[2], answer=rng.choice([0, 2, 4])),
               FormAnswer(question=QUESTIONS[3], answer="I care about patient outcomes and teamwork.")]
    roll = rng.random()
    status = (ApplicationStatus.in_process if job_open or roll < 0.5 else
              rng.choice([ApplicationStatus.reproved, ApplicationStatus.give_up]))
    hired = roll > 0.9
    application = applications.create(session, caller, ApplicationFields(
        job_id=job_id, applicant_id=applicant.id, status=ApplicationStatus.hired if hired else status,
        status_code="OFFER" if roll > 0.8 else "APPLIED", score=round(rng.uniform(40, 99), 1),
        source=rng.choice(["Careers site", "SEEK", "LinkedIn", "Referral"]), current_step="Screening",
        tags=rng.sample(["priority", "internal", "relocation", "graduate"], k=rng.randint(0, 2)), form_answers=answers,
    ), clock=clock)
    if rng.random() < 0.3:
        documents.upload(session, caller, runtime.storage, owner=DocumentOwner.application, owner_id=application.id,
                         file_name=f"{first}-{last}-resume.pdf", data=_pdf(f"Resume of {first} {last}"),
                         title="Resume", category="Resume", clock=clock,
                         max_bytes=runtime.settings.max_document_bytes)
    if roll <= 0.8:
        return None
    _offer(session, runtime, caller, rng, application.id, stage=rng.randint(0, 4))
    return application.id


def _offer(session: Session, runtime: Runtime, caller: Caller, rng: random.Random, application_id: int, *,
           stage: int) -> None:
    """Stages: 0 offered, 1 accepted, 2 new-starter form complete, 3 processed, 4 processed by two systems."""
    clock, now = runtime.clock, runtime.clock.now()
    offer = offers.create(session, caller, application_id, OfferFields(
        offer_made_at=now - timedelta(days=rng.randint(1, 20)), start_date=now + timedelta(days=rng.randint(14, 60)),
        hours_per_week=rng.choice([38.0, 30.0, 20.0]), comments="Standard offer", pay_scale_id="HP-3",
        attributes={"OfferSupplementary_Text1": "Parking included"},
    ), clock=clock)
    documents.upload(session, caller, runtime.storage, owner=DocumentOwner.offer, owner_id=offer.id,
                     file_name=f"letter-of-offer-{offer.id}.pdf", data=_pdf(f"Letter of offer {offer.id}"),
                     title="Letter of offer", category="Offer letter", clock=clock,
                     max_bytes=runtime.settings.max_document_bytes)
    if stage >= 1:
        offers.accept(session, caller, offer, clock=clock)
    if stage >= 2:
        answers = [FormAnswer(question=q, answer=a) for q, a in
                   zip(ONBOARDING, ["Yes", "062-000", "AustralianSuper", "Sam Smith +61 400 000 000"], strict=True)]
        offers.complete_onboarding_form(session, caller, offer, answers, clock=clock)
    if stage >= 3:
        offers.mark_processed(session, caller, offer, clock=clock)
    if stage >= 4:
        offers.mark_processed(session, caller, offer, clock=clock, action_type_id=1)


def _pdf(text: str) -> bytes:
    """A small valid one-page PDF showing `text`."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 720 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
