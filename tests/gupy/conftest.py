"""A company (tenant 218) with a career page, a feedback template and an API token for every endpoint."""

from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient

from hireport.dialects.gupy.scopes import Scope
from hireport.kit.auth import Caller
from hireport.kit.runtime import Runtime
from hireport.services import api_tokens, career_pages, messaging
from tests import factories
from tests.postgres import free_port

JOBS = "/api/v1/jobs"


@dataclass
class Company:
    http: TestClient
    runtime: Runtime
    token: str
    career_page: int
    template: int

    def new_token(self, *scopes: str) -> dict[str, str]:
        with self.runtime.db.transaction() as session:
            _, secret = api_tokens.create(session, Caller.operator(218), name="t", scopes=list(scopes),
                                          clock=self.runtime.clock)
        return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def company(client: TestClient, runtime: Runtime) -> Company:
    factories.tenant(runtime, 218, name="Acme")
    caller = Caller.operator(218)
    with runtime.db.transaction() as session:
        page = career_pages.create(session, caller, name="Careers", url=None, clock=runtime.clock).id
        template = messaging.create_template(session, caller, name="Feedback", clock=runtime.clock,
                                             subject="Your application for {{ job.name }}",
                                             body="Hello {{ candidate.name }}, thank you from {{ company.name }}.").id
        _, token = api_tokens.create(session, caller, name="all", scopes=[s.value for s in Scope], clock=runtime.clock)
    client.headers.update({"Authorization": f"Bearer {token}"})
    return Company(client, runtime, token, page, template)


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"title", "detail", "status"} and body["status"] == status and body["detail"]
    return body


def create_job(http: TestClient, **fields) -> dict:
    body = {"name": "Analista de Dados", "type": "vacancy_type_effective", "publicationType": "external",
            "numVacancies": 3, "departmentId": 10, "roleId": 20, **fields}
    response = http.post(JOBS, json=body)
    assert response.status_code == 201, response.text
    return response.json()


class Mailbox:
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received: list[bytes] = []
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(envelope.content)
        return "250 OK"

    def start(self) -> "Mailbox":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
