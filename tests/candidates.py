"""A company with a careers page, for the candidate's side: tenant 218 (and 219, to keep apart), a career page
with published, closed and other pages' jobs, the application and new-starter forms, a PageUp client, a Gupy
token and the operator; and what a candidate does (apply, read their mail, open their portal)."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from hireport.kit.auth import Caller
from hireport.kit.keys import SEALED
from hireport.kit.runtime import Runtime
from hireport.models import JobStatus, Message
from hireport.services import api_tokens, career_pages, careers, forms, jobs
from hireport.services.forms import Question, QuestionType
from hireport.services.jobs import JobFields
from hireport.settings import Settings
from tests import factories

A, B = 218, 219
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
APPLICATION_FORM = [
    Question(id="right_to_work", label="Do you have the right to work here?", type=QuestionType.yes_no, required=True),
    Question(id="experience", label="Years of experience", type=QuestionType.number, required=True),
    Question(id="shift", label="Preferred shift", type=QuestionType.choice, options=["Day", "Night"]),
    Question(id="why", label="Why this job?", type=QuestionType.long_text),
]
NEW_STARTER_FORM = [
    Question(id="bank", label="Bank account", required=True),
    Question(id="start", label="Can you start on the start date?", type=QuestionType.yes_no, required=True),
    Question(id="contact", label="Emergency contact", type=QuestionType.long_text),
]
PERSON = {"first_name": "Zelda", "last_name": "Quennell", "email": "zelda.quennell@example.com",
          "phone": "+61 400 123 456"}
ANSWERS = {"right_to_work": "yes", "experience": "7", "shift": "Night", "why": "Kestrel-blue teamwork"}


@dataclass
class Site:
    http: TestClient
    rt: Runtime
    page: int
    other_page: int
    jobs: dict[str, int]  # published, closed, draft, elsewhere (published on the other page), b (tenant 219's)
    b_page: int
    pageup: dict[str, str]
    gupy: dict[str, str]
    operator: dict[str, str]

    def url(self, path: str = "", *, tenant: int = A, page: int | None = None) -> str:
        return f"/careers/{tenant}/{self.page if page is None else page}/{path}"

    def csrf(self, path: str) -> str:
        page = self.http.get(path)
        assert page.status_code == 200, page.text
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found, page.text
        return found[1]

    def apply(self, job: str | int = "published", *, person: dict[str, str] | None = None,
              answers: dict[str, str] | None = None, files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
              csrf: str | None = None) -> Any:
        job_id = self.jobs[job] if isinstance(job, str) else job
        target = self.url(f"jobs/{job_id}/apply")
        token = csrf if csrf is not None else self.csrf(self.url(f"jobs/{self.jobs['published']}/apply"))
        data = {"csrf": token, **(PERSON if person is None else person), **(ANSWERS if answers is None else answers)}
        sent = files if files is not None else [("cv", ("cv.pdf", PDF, "application/pdf"))]
        return self.http.post(target, data=data, files=sent, follow_redirects=False)

    def mails(self, to: str) -> list[tuple[str, str]]:
        """(subject, body) of each mail to `to`, oldest first, the body unsealed as the worker sends it."""
        with self.rt.db.transaction(write=False) as session:
            rows = session.execute(select(Message.subject, Message.body).where(Message.to_address == to)
                                   .order_by(Message.id)).all()
        return [(s, self.rt.kek.unseal(b) if b.startswith(SEALED) else b) for s, b in rows]

    def link(self, to: str, index: int = -1) -> str:
        """The portal link of a mail to `to` (the latest), as a path."""
        return portal_link(self.mails(to)[index][1])

    def enter(self, to: str, http: TestClient | None = None) -> TestClient:
        """Open the portal from the latest mail to `to`, in `http` (this browser, unless told)."""
        http = http or self.http
        answer = http.get(self.link(to), follow_redirects=False)
        assert answer.status_code == 303, answer.text
        return http

    def stored_files(self) -> set[Path]:
        root = self.rt.settings.documents_dir
        return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def form_fields(html: str) -> dict[str, list[dict[str, str | None]]]:
    """The page's inputs, textareas and buttons by name (buttons by their value): each one's attributes."""
    found: dict[str, list[dict[str, str | None]]] = {}

    class Fields(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            named = dict(attrs)
            if tag in ("input", "textarea", "button"):
                found.setdefault(str(named.get("value" if tag == "button" else "name")), []).append(named)

    Fields().feed(html)
    return found


def portal_link(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/portal/\S+)", body)
    assert found, body
    return found[1]


@pytest.fixture(name="settings")
def quiet_settings(settings: Settings) -> Settings:
    """No delivery worker beside the app: a test reads the outbox as written (and compares it unchanged)."""
    settings.run_delivery_worker = False
    return settings


@pytest.fixture(name="site")
def site_fixture(runtime: Runtime, client: TestClient, operator_headers: dict[str, str]) -> Site:
    for tenant in (A, B):
        factories.tenant(runtime, tenant, name=f"Acme {tenant}")
    clock = runtime.clock
    made: dict[str, int] = {}
    with runtime.db.transaction() as s:
        caller = Caller.operator(A)
        page = career_pages.create(s, caller, name="Acme careers", url="https://acme.example", clock=clock)
        other = career_pages.create(s, caller, name="Acme graduates", url=None, clock=clock)
        careers.brand(s, caller, page.id, careers.Branding(primary_color="#123456"))
        for key, title, status, on, extra in (
                ("published", "Night Nurse", JobStatus.published, page.id, {"department": "Nursing",
                                                                           "location": "Sydney",
                                                                           "job_type": "Full time"}),
                ("second", "Payroll Officer", JobStatus.published, page.id, {"department": "Finance",
                                                                            "location": "Parramatta",
                                                                            "job_type": "Part time"}),
                ("closed", "Ward Clerk", JobStatus.closed, page.id, {}),
                ("draft", "Porter", JobStatus.draft, page.id, {}),
                ("elsewhere", "Graduate Analyst", JobStatus.published, other.id, {})):
            made[key] = jobs.create(s, caller, JobFields(
                title=title, career_page_id=on, summary=f"{title}, a summary", code=f"C-{key}",
                description=f"<p>About the {title}.</p><script>alert(1)</script><ul><li>Point one</li></ul>",
                **extra), clock=clock, status=status).id
        forms.define(s, caller, forms.APPLICATION, APPLICATION_FORM, clock=clock)
        forms.define(s, caller, forms.NEW_STARTER, NEW_STARTER_FORM, clock=clock)
        b_caller = Caller.operator(B)
        b_page = career_pages.create(s, b_caller, name="Other company careers", url=None, clock=clock)
        made["b"] = jobs.create(s, b_caller, JobFields(title="Other company's job", career_page_id=b_page.id),
                                clock=clock, status=JobStatus.published).id
        _, gupy = api_tokens.create(s, caller, name="gupy", scopes=["Gupy.Jobs.Read", "Gupy.Applications.Read"],
                                    clock=clock)
    creds = factories.client(runtime, "Public.Job.Read Public.Offer.Read Public.Application.Read "
                                      "Public.Applicant.Read", tenant_id=A)
    token = factories.token_response(client, creds).json()["access_token"]
    return Site(client, runtime, page.id, other.id, made, b_page.id, {"Authorization": f"Bearer {token}"},
                {"Authorization": f"Bearer {gupy}"}, operator_headers)
