"""What the documents promise is what is served: the token endpoints document their forms, and a form built
from the documents gets a token; a 405 names every method its path serves; a path is served as documented
and a stray trailing slash is a 404 in an API (a page's GET is sent to the page's address); every request the
OpenAPI documents fits the door's limits, and the 414 and 431 past them are documented. Each refusal in the
dialect's own error shape."""

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from hireport import demo
from hireport.app import create_app
from hireport.dialects import DIALECTS
from hireport.kit.dialect import Dialect, Problem, api_routes
from hireport.kit.door import MAX_HEADER_BYTES, MAX_URL_BYTES
from hireport.kit.runtime import Runtime
from hireport.models import Role
from hireport.web.people import SESSION_COOKIE
from tests.console.world import person
from tests.factories import Credentials, token_response

FORM = "application/x-www-form-urlencoded"
TOKEN_ENDPOINTS = ("/connect/token", "/connect/revocation", "/oauth/v2/accessToken", "/oauth/v2/introspectToken")


@dataclass
class Served:
    http: TestClient
    demo: demo.Demo
    credentials: dict[str, dict[str, str]]  # by dialect: what its door takes

    def ask(self, method: str, target: str, **params: str) -> Any:
        return self.http.request(method, target, params=params,
                                 headers=self.credentials.get(dialect_of(target).name, {}))


@pytest.fixture
def served(runtime: Runtime, operator_headers: dict[str, str]) -> Iterator[Served]:
    """The demo, and a credential for every dialect's door: the demo integrator's access token, the operator's
    secret for the management API, a console session of a demo tenant's admin."""
    loaded = demo.load(runtime)
    with TestClient(create_app(runtime), follow_redirects=False) as http:
        integrator = _integrator(loaded)
        token = token_response(http, Credentials(integrator.client_id, integrator.client_secret),
                               instanceId=str(integrator.tenant)).json()["access_token"]
        credentials = {d.name: {"Authorization": f"Bearer {token}"} for d in DIALECTS if d.authenticate is not None}
        credentials["manage"] = operator_headers
        admin = person(runtime, http, "documents@example.com", integrator.tenant, Role.admin)
        credentials["console"] = {"Cookie": f"{SESSION_COOKIE}={admin.session_token}"}
        yield Served(http, loaded, credentials)


def _integrator(loaded: demo.Demo) -> demo.DemoClient:
    return next(c for c in loaded.clients if c.partner is None)


def dialect_of(path: str) -> Dialect:
    """The dialect that answers a path: the one with the longest prefix that owns it (as the door picks)."""
    return max((d for d in DIALECTS if d.owns(path)), key=lambda d: len(d.prefix))


def filled(path: str) -> str:
    """A route's path with a value in each parameter (routing looks at the path's shape only)."""
    return path.format_map(defaultdict(lambda: "218"))


def assert_shape(answer: Any, target: str) -> None:
    """The answer is in the error shape of the dialect of `target`: its media type and, for JSON, its fields."""
    expected = dialect_of(target).render(Problem(answer.status_code, "x", "x", [], {}, "x"))
    assert answer.headers["content-type"].split(";")[0] == expected.media_type, (target, answer.headers)
    if expected.media_type == "application/json":
        assert set(answer.json()) == set(json.loads(bytes(expected.body))), (target, answer.text)


def served_paths(http: TestClient) -> dict[str, set[str]]:
    """Every path the app serves, with the methods it serves it with."""
    paths: dict[str, set[str]] = defaultdict(set)
    for path, route in api_routes(http.app.routes):  # type: ignore[attr-defined]
        paths[path] |= route.methods or set()
    return paths


# --- the token endpoints' forms ------------------------------------------------------------------------------


def _form_schema(http: TestClient, path: str) -> dict[str, Any]:
    body = http.get("/connect/openapi.json").json()["paths"][path]["post"]["requestBody"]
    assert body["required"] and list(body["content"]) == [FORM], body
    schema: dict[str, Any] = body["content"][FORM]["schema"]
    assert set(schema.get("required", [])) <= set(schema["properties"]), schema
    return schema


def test_every_token_endpoint_documents_its_form(client: TestClient):
    spec = client.get("/connect/openapi.json").json()
    assert sorted(path for path, operations in spec["paths"].items() if "post" in operations) == sorted(
        TOKEN_ENDPOINTS)
    for path in TOKEN_ENDPOINTS:
        _form_schema(client, path)


def test_a_form_built_from_the_documents_is_answered(served: Served):
    """The documented fields, filled with a demo app's credentials (every enumerated one with its first
    value), are what each endpoint takes."""
    for path in TOKEN_ENDPOINTS:
        app = served.demo.linkedin.app if path.startswith("/oauth/v2") else _integrator(served.demo)
        own_token = served.http.post("/oauth/v2/accessToken", data={
            "grant_type": "client_credentials", "client_id": app.client_id,
            "client_secret": app.client_secret}).json()["access_token"]
        known = {"client_id": app.client_id, "client_secret": app.client_secret, "instanceId": str(app.tenant),
                 "token": own_token}
        schema = _form_schema(served.http, path)
        form = {name: field["enum"][0] if "enum" in field else known[name]
                for name, field in schema["properties"].items() if "enum" in field or name in known}
        assert set(schema.get("required", [])) <= set(form), (schema, form)
        answer = served.http.post(path, content=urlencode(form), headers={"Content-Type": FORM})
        assert answer.status_code == 200, (path, form, answer.text)


def test_a_value_longer_than_the_form_documents_is_refused(client: TestClient):
    for path in TOKEN_ENDPOINTS:
        limit = _form_schema(client, path)["properties"]["client_id"]["maxLength"]
        answer = client.post(path, data={"grant_type": "client_credentials", "client_id": "x" * (limit + 1),
                                         "client_secret": "y"})
        assert answer.status_code == 413, (path, answer.text)  # the form is then longer than the door takes


# --- routing: 405 and trailing slashes -----------------------------------------------------------------------


def test_a_405_names_every_method_its_path_serves(served: Served):
    several = {path: methods for path, methods in served_paths(served.http).items() if len(methods) > 1}
    assert len(several) > 10, several
    for path, methods in several.items():
        target = filled(path)
        method = next(m for m in ("DELETE", "PATCH", "PUT", "POST") if m not in methods)
        answer = served.ask(method, target)
        assert answer.status_code == 405, (method, target, answer.status_code, answer.text[:300])
        assert answer.headers["allow"] == ", ".join(sorted(methods)), (target, answer.headers["allow"])
        assert_shape(answer, target)


def test_a_stray_trailing_slash_is_a_404_in_an_api_and_sent_to_its_address_on_a_page(served: Served):
    paths = served_paths(served.http)
    assert any(path.endswith("/") for path in paths), "the careers and portal home pages end in '/'"
    redirected = 0
    for path, methods in paths.items():
        if path == "/":
            continue  # the front door: a request line always has it
        target = filled(path)
        stray = target[:-1] if target.endswith("/") else target + "/"
        method = "GET" if "GET" in methods else sorted(methods)[0]
        answer = served.ask(method, stray, a="1")
        if dialect_of(target).pages and method == "GET" and answer.status_code == 308:
            assert answer.headers["location"] == target + "?a=1", (stray, answer.headers["location"])
            redirected += 1
            continue
        assert answer.status_code in (401, 404) and "location" not in answer.headers, (stray, answer.status_code)
        assert_shape(answer, stray)
    assert redirected > 10, "the console's, the careers' and the portal's pages"
    assert served.http.get(served.demo.careers.rstrip("/")).headers["location"] == served.demo.careers
    assert served.http.get("/console", headers=served.credentials["console"]).headers["location"] == "/console/"
    assert served.http.get("http://testserver//evil.example/").status_code == 404, "never a redirect to another site"


# --- lengths: what the OpenAPI documents fits the door's limits ----------------------------------------------


def _longest(schema: dict[str, Any], spec: dict[str, Any]) -> tuple[int, int]:
    """The most values of a parameter and the most characters of one, as its schema documents them."""
    if "$ref" in schema:
        return _longest(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], spec)
    if "anyOf" in schema:
        return max((_longest(s, spec) for s in schema["anyOf"]), key=lambda found: found[0] * found[1])
    if "enum" in schema or "const" in schema:
        return 1, max(len(str(value)) for value in schema.get("enum", [schema.get("const")]))
    kind = schema.get("type")
    if kind == "array":
        assert "maxItems" in schema, schema
        return schema["maxItems"], _longest(schema["items"], spec)[1]
    if kind == "integer":
        return 1, max(len(str(schema.get(bound, 2**63))) for bound in ("minimum", "maximum"))
    if kind in ("number", "boolean", "null"):
        return 1, 32
    assert "maxLength" in schema, schema  # a documented string without a bound promises any length
    return 1, schema["maxLength"]


def test_every_documented_request_fits_the_doors_limits(client: TestClient):
    """In every API's OpenAPI, each parameter at its documented longest (as many values as documented): the
    path and query within MAX_URL_BYTES and the headers within MAX_HEADER_BYTES, and the 414 and 431 past
    them documented."""
    operations = [(path, method, operation, spec) for spec in _specs(client)
                  for path, methods in spec["paths"].items() for method, operation in methods.items()]
    assert len(operations) > 100
    for path, method, operation, spec in operations:
        target, headers = len(path), 0
        for parameter in operation.get("parameters", []):
            values, longest = _longest(parameter["schema"], spec)
            if parameter["in"] == "path":
                target += longest - len(parameter["name"]) - 2  # `{name}` becomes the value
            elif parameter["in"] == "query":
                target += values * (len(parameter["name"]) + 2 + longest)  # `?name=value` or `&name=value`
            elif parameter["in"] == "header":
                headers += len(parameter["name"]) + 2 + longest
        assert target <= MAX_URL_BYTES, (method, path, target)
        assert headers <= MAX_HEADER_BYTES, (method, path, headers)
        assert {"414", "431"} <= set(operation["responses"]), (method, path)


def _specs(client: TestClient) -> list[dict[str, Any]]:
    return [client.get(f"{dialect.docs_at}/openapi.json").json() for dialect in DIALECTS if dialect.api]
