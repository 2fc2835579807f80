"""A schema-driven fuzzer (schemathesis) over every dialect's OpenAPI, authenticated, on the demo data:
no server error, every answer's status, content type and body as the OpenAPI documents them, and at least
one 2xx on every operation (each is reached with the demo's credentials, Connect's user mode with the token
the authorization-code flow gives an application acting for a demo person).

Each operation gets three kinds of case: the OpenAPI's own examples; a few cases with the demo's own ids,
codes, keys and signed links put in place of what was drawn (so they reach the code behind the lookups);
and cases drawn from the schema. The answers per operation are printed at the end of the run
(`tests/fuzz_table.py`). Cases are derandomized (the same on every run) and bounded per operation, so the
suite stays stable and quick; `HIREPORT_FUZZ_EXAMPLES` asks for more drawn cases when hunting.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from starlette.testclient import TestClient
from urllib3.filepost import encode_multipart_formdata

from hireport import demo
from hireport.app import create_app
from hireport.dialects import DIALECTS
from hireport.kit.auth import TokenClaims
from hireport.kit.runtime import Runtime
from hireport.models import (
    Account,
    ApiToken,
    Applicant,
    Application,
    BackgroundCheck,
    CareerPage,
    Document,
    EmailTemplate,
    Message,
    Offer,
    OperatorCredential,
    PartnerApp,
    Referral,
)
from hireport.services import identity
from tests import factories
from tests.candidates import PNG
from tests.fuzz_table import TALLY

EXAMPLES = int(os.environ.get("HIREPORT_FUZZ_EXAMPLES", "20"))
REACH = 3  # cases per operation with the demo's own values in place
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TENANT = demo.DEMO_TENANT
ORDER = {"product": "CO27409", "campaign": "Spring2019", "recruiter": {"customerNumber": 34272}, "recruitments": [
    {"name": {"firstName": "Ola", "lastName": "Nordmann"}, "couponCode": "Datanews", "couponNumber": 1, "amount": 100,
     "quantity": 1, "email": "ola.nordmann@example.com"}]}  # the demo's codes (`demo.py`)


@dataclass
class Credentials:
    integrator: str  # an access token with every scope a tenant's client may hold
    provider: str    # a partner's access token (background checks)
    api_token: str   # a Gupy-style API token
    operator: str
    parent_app: str  # the demo partner's parent app (LinkedIn's two-legged token, bound to no tenant)
    customer_app: str  # the demo tenant's app, provisioned by the demo partner (an integration requested)
    connect: str     # the demo Connect client, in client mode
    person: str      # the demo Connect client acting for a demo person (what the authorization-code flow gives)

    def for_path(self, path: str) -> str:
        if path.startswith("/manage"):
            return self.operator
        if path.startswith("/api"):
            return self.api_token
        if "/backgroundchecking" in path:
            return self.provider
        if path.startswith("/capi/v1/client"):
            return self.connect
        if path.startswith("/capi"):
            return self.person
        if path.startswith(("/v2/atsIntegrations", "/rest/")):
            return self.customer_app
        if path.startswith("/v2/"):
            return self.parent_app
        return self.integrator


@dataclass
class Known:
    """The demo's own values, for the cases that reach past the lookups: by the name a parameter, a header
    or a top-level body field gives them (the n-th case takes the n-th of each list, so values that go
    together share their place); `operations` overrides them for one operation; `bodies` are whole bodies
    an operation takes, and `files` the bytes (and their media type) of those whose OpenAPI does not
    describe a file (schemathesis would send none)."""

    names: dict[str, list[Any]]
    operations: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    bodies: dict[str, list[Any]] = field(default_factory=dict)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    def put(self, case: schemathesis.Case, n: int) -> dict[str, Any]:
        """Put the n-th values in place; returns what the call must send instead of the drawn body."""
        label = case.operation.label
        if label in self.bodies:
            case.body = self.bodies[label][n % len(self.bodies[label])]
        values = {**self.names, **self.operations.get(label, {})}
        body = case.body if isinstance(case.body, dict) and label not in self.bodies else None
        for container in (case.path_parameters, case.query, case.headers, body):
            for name in container or {}:
                if name in values:
                    container[name] = values[name][n % len(values[name])]  # type: ignore[index]
        if label not in self.files:
            return {}
        data, media_type = self.files[label]
        return {"data": data, "headers": {"Content-Type": media_type}}


@dataclass
class Fuzzed:
    http: TestClient
    runtime: Runtime
    creds: Credentials
    known: Known


@pytest.fixture
def fuzzed(runtime: Runtime, operator_headers: dict[str, str]) -> Iterator[Fuzzed]:
    loaded = demo.load(runtime)
    http = TestClient(create_app(runtime))

    def token(client: demo.DemoClient, **fields: str) -> str:
        answer = factories.token_response(http, factories.Credentials(client.client_id, client.client_secret),
                                          **fields)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def two_legged(client: demo.DemoClient) -> str:
        return str(http.post("/oauth/v2/accessToken", data={
            "grant_type": "client_credentials", "client_id": client.client_id,
            "client_secret": client.client_secret}).json()["access_token"])

    tokens = {bool(c.partner): token(c, instanceId=str(TENANT)) for c in loaded.clients}
    person = _account(runtime, loaded.people[1].email)
    on_behalf, _ = runtime.tokens.issue(TokenClaims(
        client_id=loaded.connect.client_id, tenant_id=TENANT, scopes=["Connect.Recruitment.User"], partner_id=None,
        lifetime=runtime.settings.token_lifetime, subject=person))
    creds = Credentials(tokens[False], tokens[True], loaded.api_token.token, operator_headers["Authorization"][7:],
                        two_legged(loaded.linkedin.parent), two_legged(loaded.linkedin.app),
                        token(loaded.connect, instanceId=str(TENANT)), on_behalf)
    yield Fuzzed(http, runtime, creds, _known(runtime, http, creds, loaded))


def _account(runtime: Runtime, email: str) -> int:
    with runtime.db.transaction(write=False) as session:
        found = session.scalar(select(Account.id).where(Account.email == email))
        assert found is not None
        return found


def _known(runtime: Runtime, http: TestClient, creds: Credentials, loaded: demo.Demo) -> Known:
    """The demo's ids, codes, keys and signed links, as its credentials find them; and what the demo has none
    of: two orders (from Connect), a mail to a candidate (from Gupy), and spares the fuzzer may revoke."""

    def ids(model: Any, count: int = REACH) -> list[int]:
        with runtime.db.transaction(write=False) as session:
            return list(session.scalars(select(model.id).where(model.tenant_id == TENANT).order_by(model.id)
                                        .limit(count)))

    def call(method: str, path: str, secret: str, **kwargs: Any) -> Any:
        answer = http.request(method, path, headers={"Authorization": f"Bearer {secret}"}, **kwargs)
        assert answer.is_success, answer.text
        return answer.json()

    def signed(url: str) -> dict[str, str]:
        return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}

    with runtime.db.transaction(write=False) as session:
        rows = session.execute(select(Application.id, Application.job_id).where(Application.tenant_id == TENANT)
                               .order_by(Application.id).limit(REACH)).all()
    applications, jobs = [row.id for row in rows], [row.job_id for row in rows]  # each application's job alike
    applicants, offers, documents, templates = ids(Applicant), ids(Offer, 2 * REACH), ids(Document), ids(EmailTemplate)
    checks, pages = ids(BackgroundCheck), ids(CareerPage)
    for _ in range(2):
        call("POST", "/capi/v1/client/recruitment", creds.connect, json=ORDER)
    call("POST", f"/api/v1/jobs/{jobs[0]}/applications/{applications[0]}/messages", creds.api_token,
         json={"templateId": templates[0]})
    manage = f"/manage/v1/tenants/{TENANT}"
    spare_template = call("POST", f"{manage}/email-templates", creds.operator,
                          json={"name": "spare", "subject": "Spare", "body": "Hello"})["id"]
    spare_token = call("POST", f"{manage}/api-tokens", creds.operator,
                       json={"name": "spare", "endpoints": loaded.api_token.endpoints})["id"]
    v3 = f"/v3/{TENANT}/recruitment/document"
    uploads = [call("GET", f"{v3}/prepareTempDirectUpload", creds.integrator, params={"filename": "note.txt"})
               for _ in range(REACH)]
    links = [signed(call("GET", f"{v3}/{document}", creds.integrator)["Url"]) for document in documents]
    with runtime.db.transaction() as session:
        for n in range(2):
            identity.create_operator_credential(session, name=f"spare {n}", clock=runtime.clock)
        spares = list(session.scalars(select(OperatorCredential.id).where(OperatorCredential.name.like("spare %"))))
        apps = list(session.scalars(select(PartnerApp.id).where(PartnerApp.tenant_id == TENANT)))
    orders = ids(Referral, 2)
    names: dict[str, list[Any]] = {
        "tenantId": [TENANT], "tenant_id": [TENANT], "instanceId": [str(TENANT)],
        "jobId": jobs, "job_id": jobs, "applicationId": applications, "application_id": applications,
        "applicantId": applicants, "applicant_id": applicants, "offerId": offers, "offer_id": offers,
        "documentId": documents, "document_id": documents, "checkId": checks, "check_id": checks,
        "templateId": templates, "template_id": templates, "page_id": pages, "careerPageId": pages,
        "career_page_id": pages, "token_id": ids(ApiToken), "message_id": ids(Message), "order_id": orders,
        "account_id": [_account(runtime, p.email) for p in loaded.people],
        "client_id": [c.client_id for c in loaded.clients], "client_secret": [c.client_secret for c in loaded.clients],
        "grant_type": ["client_credentials"], "token": [creds.integrator], "endpoints": [loaded.api_token.endpoints],
        "code": [demo.DEMO_PARTNER], "partner": [demo.DEMO_PARTNER], "product_code": ["CO27409"],
        "product_codes": [["CO27409"]], "campaign": ["Spring2019"], "uniqueForeignId": [demo.ATS_APP_KEY],
        "q": ["credentialsByUniqueForeignId"], "UploadId": [u["uploadId"] for u in uploads], "FileName": ["note.txt"],
        "EntityType": ["Job"], "EntityID": jobs, "owner_type": ["job"], "owner_id": jobs,
    }
    parent, app = loaded.linkedin.parent, loaded.linkedin.app
    operations = {
        "POST /oauth/v2/accessToken": {"client_id": [parent.client_id, app.client_id],
                                       "client_secret": [parent.client_secret, app.client_secret]},
        "POST /oauth/v2/introspectToken": {"client_id": [parent.client_id], "client_secret": [parent.client_secret],
                                           "token": [creds.parent_app]},
        "PUT /v3/{tenantId}/recruitment/document/upload/{uploadId}": {
            "uploadId": [u["uploadId"] for u in uploads], "expires": [signed(u["url"])["expires"] for u in uploads],
            "signature": [signed(u["url"])["signature"] for u in uploads]},
        "GET /v3/{tenantId}/recruitment/document/{documentId}/content": {
            "documentId": documents, "expires": [link["expires"] for link in links],
            "signature": [link["signature"] for link in links]},
        "POST /v2/provisionedApplications/{key}": {"key": [f"urn:li:developerApplication:{app}" for app in apps]},
        "DELETE /manage/v1/clients/{client_id}": {"client_id": [loaded.connect.client_id]},
        "DELETE /manage/v1/operators/{operator_id}": {"operator_id": spares[:1]},
        "POST /manage/v1/operators/{operator_id}/secret": {"operator_id": spares[1:]},
        "POST /manage/v1/tenants/{tenant_id}/orders/{order_id}/confirm": {"order_id": orders[:1]},
        "POST /manage/v1/tenants/{tenant_id}/orders/{order_id}/cancel": {"order_id": orders[1:]},
        "DELETE /manage/v1/tenants/{tenant_id}/email-templates/{template_id}": {"template_id": [spare_template]},
        "DELETE /manage/v1/tenants/{tenant_id}/api-tokens/{token_id}": {"token_id": [spare_token]},
    }
    bodies = {
        "POST /connect/token": [{"grant_type": "client_credentials", "client_id": c.client_id,
                                 "client_secret": c.client_secret, "instanceId": str(TENANT)} for c in loaded.clients],
        "POST /v2/provisionedApplications": [{"uniqueForeignId": f"fuzzed-{n}", "name": "Fuzzed app",
                                              "description": "An app of the fuzzer's", "tenantId": TENANT}
                                             for n in range(REACH)],
        "POST /v3/{tenantId}/recruitment/hire/jobs": [{"Title": "Fuzzed job"}],
        "POST /v3/{tenantId}/recruitment/hire/applications/changeorderofmerit": [
            [{"applicationId": application, "orderOfMerit": 1}] for application in applications],
        "PUT /v3/{tenantId}/backgroundchecking/{checkId}": [{"status": "new", "referenceNumber": "BG-2001"}],
        "POST /manage/v1/partners": [{"code": "fuzzed", "name": "Fuzzed partner", "kind": "background_check"}],
        "POST /manage/v1/clients": [{"name": "fuzzed client", "scopes": loaded.clients[0].scopes, "tenant_id": TENANT}],
        "POST /manage/v1/accounts": [{"email": "fuzzed@example.com", "display_name": "Fuzzed",
                                      "password": "a fuzzed password"}],
    }
    files = {
        "PUT /v3/{tenantId}/recruitment/document/upload/{uploadId}": (b"A note for the file.", "text/plain"),
        "PUT /manage/v1/tenants/{tenant_id}/career-pages/{page_id}/logo": encode_multipart_formdata(
            {"file": ("logo.png", PNG, "image/png")}),
    }
    return Known(names, operations, bodies, files)


@pytest.mark.parametrize("docs", [d.docs_at for d in DIALECTS if d.api])
def test_every_operation_answers_as_documented(fuzzed: Fuzzed, docs: str, record_property: Callable[[str, Any], None]):
    http, creds = fuzzed.http, fuzzed.creds
    schema = schemathesis.openapi.from_asgi(f"{docs}/openapi.json", http.app)
    failures: dict[str, set[str]] = {}
    answers: dict[str, list[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"{docs}/openapi.json documents no operation"
    operations.sort(key=lambda op: op.method.upper() == "DELETE")  # last, so as not to take what others reach
    for operation in operations:
        label = operation.label
        answers[label] = []

        def run(strategy: SearchStrategy[schemathesis.Case], count: int, *, known: bool, label: str = label) -> None:
            reached = iter(range(count))

            @settings(max_examples=count, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
            @given(case=strategy)
            def fuzz(case: schemathesis.Case) -> None:
                sent = fuzzed.known.put(case, next(reached, 0)) if known else {}
                for name in ("tenantId", "tenant_id"):  # the credentials' tenant: reach past the tenant check
                    if case.path_parameters and name in case.path_parameters:
                        case.path_parameters[name] = TENANT
                headers = {"Authorization": f"Bearer {creds.for_path(case.path)}", **sent.pop("headers", {})}
                try:
                    response = case.call(headers=headers, params=_restli_keys(case), **sent)
                    answers[label].append(response.status_code)
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (Exception, BaseExceptionGroup) as exc:  # every distinct failure listed, not the first only
                    failures.setdefault(label, set()).add(_summary(exc))

            fuzz()

        for example in operation.get_strategies_from_examples():
            run(example, 1, known=True)
        run(operation.as_strategy(), REACH, known=True)
        run(operation.as_strategy(), EXAMPLES, known=False)
        if operation.path.startswith("/manage/v1/operators"):
            _keep_operator(fuzzed)
    record_property(TALLY, {"docs": docs, "backend": fuzzed.runtime.db.engine.dialect.name, "answers": answers})
    assert not failures, "\n".join(f"{label}: {'; '.join(sorted(found))}" for label, found in sorted(failures.items()))
    unreached = [label for label, statuses in answers.items() if not any(200 <= s < 300 for s in statuses)]
    assert not unreached, f"no 2xx from: {unreached}"


def _restli_keys(case: schemathesis.Case) -> str | None:
    """Rest.li 2.0 keys (`ids=List((a:1,b:2))`) travel with their structure unencoded (`restli`), which an
    OpenAPI query parameter cannot say: such `ids` go as LinkedIn's clients send them."""
    ids = (case.query or {}).get("ids")
    values = ids if isinstance(ids, list) else [ids]
    if not values or not all(isinstance(v, str) and v.startswith("List(") for v in values):
        return None
    del case.query["ids"]  # type: ignore[union-attr]
    return "&".join(f"ids={v}" for v in values)


def _keep_operator(fuzzed: Fuzzed) -> None:
    """The fuzzer may rotate or revoke its own operator credential: it gets a new one, as an operator would."""
    answer = fuzzed.http.get("/manage/v1/operators", headers={"Authorization": f"Bearer {fuzzed.creds.operator}"})
    if answer.status_code == 401:
        with fuzzed.runtime.db.transaction() as session:
            fuzzed.creds.operator = identity.create_operator_credential(session, name="fuzzer",
                                                                        clock=fuzzed.runtime.clock)


def _summary(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    useful = [line for line in lines if line.startswith(("- ", "[", "`"))]
    return " | ".join(useful[:4])[:400] or type(exc).__name__
