"""The door and the dialect contract: a dialect is its declaration; limits are answered in the dialect's
shape before the body is read; credentials come before bodies; a fault is a 500 in the dialect's shape
that keeps the connection; `hireport serve` stops within its grace period."""

import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
import uvicorn
from fastapi import APIRouter, Depends
from pydantic import BaseModel
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.testclient import TestClient

from hireport.app import create_app
from hireport.dialects import DIALECTS
from hireport.kit.auth import Caller
from hireport.kit.dialect import DOCUMENT_BODY, PUBLIC, Dialect, Problem
from hireport.kit.errors import InvalidInput, Unauthenticated
from hireport.kit.runtime import Runtime
from hireport.kit.web import caller_of
from tests.postgres import free_port
from tests.served import memory_mib, serve

# -- a dialect of the tests' own: its folder would hold exactly this ---------------------------------------


class EchoError(BaseModel):
    problem: str
    fields: list[str | None]


def _render(problem: Problem) -> Response:
    return JSONResponse({"problem": problem.message, "fields": [d.get("field") for d in problem.details]},
                        status_code=problem.status, headers=problem.headers)


async def _authenticate(_rt: Runtime, headers: Headers) -> Caller:
    if headers.get("x-echo-key") != "let-me-in":
        raise Unauthenticated("send X-Echo-Key")
    return Caller(client_id="echo", tenant_id=1)


echo = APIRouter()


@echo.post("/things")
def things(body: dict[str, Any], caller: Annotated[Caller, Depends(caller_of)]) -> dict[str, Any]:
    return {"got": body, "client": caller.client_id}


@echo.get("/rule")
def rule() -> None:
    raise InvalidInput("{num_vacancies} must be greater than zero", field="num_vacancies")


@echo.get("/fault")
def fault() -> None:
    raise RuntimeError("a message holding a request value: 4111111111111111")


async def _form_answer(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v if isinstance(v, str) else f"{v.filename}:{(await v.read()).hex()}" for k, v in form.items()}


@echo.post("/form")
async def form(request: Request) -> dict[str, str]:
    return await _form_answer(request)


@echo.post("/upload", openapi_extra=DOCUMENT_BODY)
async def upload(request: Request) -> dict[str, str]:
    """A document-sized body: streamed to the route."""
    return await _form_answer(request)


@echo.get("/open", openapi_extra=PUBLIC)
def open_door() -> dict[str, bool]:
    return {"open": True}


ECHO = Dialect(name="echo", title="echo", prefix="/echo", routers=(echo,), render=_render, error_model=EchoError,
               authenticate=_authenticate, vocabulary={"num_vacancies": "openings"},
               security_schemes={"key": {"type": "apiKey", "in": "header", "name": "X-Echo-Key"}})
KEY = {"X-Echo-Key": "let-me-in"}


@pytest.fixture
def http(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime, (*DIALECTS, ECHO)), raise_server_exceptions=False) as c:
        yield c


def test_a_dialect_is_its_declaration(http: TestClient):
    assert http.get("/echo/open").json() == {"open": True}, "public: no credential"
    refused = http.get("/echo/rule")
    assert (refused.status_code, refused.json()) == (401, {"problem": "send X-Echo-Key", "fields": []})
    spelled = http.get("/echo/rule", headers=KEY)
    assert spelled.status_code == 400
    assert spelled.json() == {"problem": "openings must be greater than zero", "fields": ["openings"]}
    spec = http.get("/echo/openapi.json").json()
    operation = spec["paths"]["/echo/things"]["post"]
    assert operation["security"] == [{"key": []}]
    assert operation["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/EchoError")
    assert "422" not in operation["responses"]
    assert http.get("/echo/docs").status_code == 200
    assert http.get("/v3/218/recruitment/hire/jobs").json()["Message"], "the other dialects keep their shapes"


def test_a_fault_is_a_500_in_the_dialects_shape_without_its_message(http: TestClient):
    answer = http.get("/echo/fault", headers=KEY)
    assert answer.status_code == 500
    assert set(answer.json()) == {"problem", "fields"}
    assert "4111" not in answer.text


def test_credentials_come_before_the_body(http: TestClient):
    answer = http.post("/echo/things", content=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 401, "the body was not even parsed"


def test_the_body_is_passed_on_intact(http: TestClient):
    body = {"a": [1, {"b": "c"}], "é": "ü", "n": 2**70}
    assert http.post("/echo/things", json=body, headers=KEY).json() == {"got": body, "client": "echo"}


@pytest.mark.parametrize("raw", [
    b"[" * 40 + b"]" * 40, b'{"a": NaN}', b'{"a": Infinity}', b'{"a": 1e400}', b'{"a": "x\\u0000y"}',
    b'{"\\u0000": 1}', b'{"a": "\xff"}', b'{"a": ',
])
def test_json_no_dialect_accepts_is_refused_at_the_door(http: TestClient, raw: bytes):
    answer = http.post("/echo/things", content=raw, headers={**KEY, "Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert set(answer.json()) == {"problem", "fields"}


def test_nul_in_path_or_query_is_refused(http: TestClient):
    assert http.get("/echo/open?x=%00").status_code == 400
    assert http.get("/echo/op%00en").status_code == 400


def test_headers_beyond_the_limits_are_431_in_the_dialects_shape(http: TestClient):
    many = {f"x-h{i}": "v" for i in range(120)}
    for headers in (many, {"x-big": "v" * 40_000}):
        answer = http.get("/v3/218/recruitment/hire/jobs", headers=headers)
        assert answer.status_code == 431
        assert set(answer.json()) == {"Message", "Errors", "TraceId"}


def test_bodies_beyond_the_limit_are_413(http: TestClient, runtime: Runtime):
    runtime.settings.max_json_bytes = 1000
    declared = http.post("/echo/things", json={"a": "x" * 2000}, headers=KEY)
    assert declared.status_code == 413 and declared.headers["connection"] == "close", "the body was not read"
    assert "connection" not in http.get("/echo/rule").headers, "nothing unread: the connection stays"

    def chunks() -> Iterator[bytes]:
        yield b'{"a": "'
        for _ in range(10):
            yield b"x" * 200
        yield b'"}'

    streamed = http.post("/echo/things", content=chunks(), headers={**KEY, "Content-Type": "application/json"})
    assert streamed.status_code == 413, "no Content-Length: counted as it arrives"
    assert http.post("/echo/things", json={"a": "x" * 900}, headers=KEY).status_code == 200


def _multipart(*parts: tuple[str, bytes, str | None]) -> bytes:
    """A multipart body (boundary `b`) of (name, value, file name or None) parts."""
    body = b""
    for name, value, file_name in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{file_name}"' if file_name is not None else "")
        body += f"--b\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"
    return body + b"--b--\r\n"


MULTIPART = {**KEY, "Content-Type": "multipart/form-data; boundary=b"}


@pytest.mark.parametrize("route", ["/echo/form", "/echo/upload"])
def test_nul_in_a_multipart_forms_text_is_refused_and_a_files_bytes_pass(http: TestClient, route: str):
    ok = http.post(route, content=_multipart(("name", b"Ada", None), ("cv", b"%PDF\x00\x01", "cv.pdf")),
                   headers=MULTIPART)
    assert ok.json() == {"name": "Ada", "cv": "cv.pdf:25504446" + "0001"}, "NUL inside a file is the file's"
    for parts in ([("name", b"A\x00da", None)], [("cv", b"%PDF", "c\x00v.pdf")], [("na\x00me", b"Ada", None)]):
        refused = http.post(route, content=_multipart(*parts), headers=MULTIPART)
        assert refused.status_code == 400, (parts, refused.text)
        assert refused.json() == {"problem": "NUL characters are not accepted in a form", "fields": []}
    body = _multipart(("name", b"Ada\x00Lovelace", None))
    split = body.index(b"\x00")

    def chunks() -> Iterator[bytes]:  # the NUL arrives in a chunk of its own
        yield body[:split]
        yield body[split:split + 1]
        yield body[split + 1:]

    assert http.post(route, content=chunks(), headers=MULTIPART).status_code == 400
    form = {**KEY, "Content-Type": "application/x-www-form-urlencoded"}
    assert http.post(route, content=b"name=Ada%0", headers=form).status_code == 200

    def percent() -> Iterator[bytes]:  # %00 across two chunks
        yield b"name=Ada%0"
        yield b"0"

    assert http.post(route, content=percent(), headers=form).status_code == 400


def test_a_streamed_body_past_the_limit_is_answered_by_the_door(http: TestClient, runtime: Runtime):
    runtime.settings.max_document_bytes = 1000

    def chunks() -> Iterator[bytes]:
        yield b"--b\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\n\r\n"
        for _ in range(10):
            yield b"x" * 200

    answer = http.post("/echo/upload", content=chunks(), headers=MULTIPART)
    assert answer.status_code == 413 and answer.headers["connection"] == "close", answer.text
    assert set(answer.json()) == {"problem", "fields"}, "in the dialect's shape, whatever the route made of it"


def test_the_connection_survives_a_500(runtime: Runtime):
    """Two requests on one keep-alive connection to a real uvicorn: the second is answered after a fault."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(runtime, (*DIALECTS, ECHO)), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            request = b"GET /echo/fault HTTP/1.1\r\nHost: x\r\nX-Echo-Key: let-me-in\r\n\r\n"
            sock.sendall(request + b"GET /echo/open HTTP/1.1\r\nHost: x\r\n\r\n")
            received = b""
            while received.count(b"HTTP/1.1 ") < 2 or not received.endswith(b'{"open":true}'):
                chunk = sock.recv(65536)
                assert chunk, f"the connection was closed after: {received!r}"
                received += chunk
        assert received.startswith(b"HTTP/1.1 500")
        assert b"HTTP/1.1 200" in received
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# -- against `hireport serve`, as a user runs it -----------------------------------------------------------

def _status_line(sock: socket.socket) -> bytes:
    received = b""
    while b"\r\n" not in received:
        chunk = sock.recv(4096)
        assert chunk, "closed without an answer"
        received += chunk
    return received.split(b"\r\n")[0]


def _push(sock: socket.socket, total: int, seconds: float) -> int:
    """Send up to `total` bytes for at most `seconds`; how many went before the server stopped taking them."""
    sent, chunk, deadline = 0, b"x" * (1 << 20), time.monotonic() + seconds
    sock.settimeout(2)
    try:
        while sent < total and time.monotonic() < deadline:
            sent += sock.send(chunk)
    except OSError:
        pass
    return sent


@pytest.mark.serve
def test_a_200_mb_body_is_refused_before_it_is_read(tmp_path: Path, database_url: str):
    with serve(tmp_path, database_url) as running:
        port = int(running.base_url.rsplit(":", 1)[1])
        before = memory_mib(running.process)
        head = (f"POST /v3/218/recruitment/hire/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {200 << 20}\r\n\r\n").encode()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(head)
            assert _status_line(sock) == b"HTTP/1.1 401 Unauthorized", "no credential: refused on the headers"
            pushed = _push(sock, 200 << 20, seconds=20)
        assert pushed < 200 << 20, "the server stopped taking the body"
        assert memory_mib(running.process) - before < 5, "memory unchanged within a few MiB"


@pytest.mark.serve
def test_serve_stops_within_its_grace_period_with_a_request_in_flight(tmp_path: Path, database_url: str):
    with serve(tmp_path, database_url, shutdown_grace="2") as running:
        port = int(running.base_url.rsplit(":", 1)[1])
        stuck = socket.create_connection(("127.0.0.1", port), timeout=10)
        # a request that never finishes sending its body: it stays in flight
        stuck.sendall(f"POST /manage/v1/clients HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      f"Authorization: Bearer {running.operator_credential}\r\n"
                      "Content-Length: 100000\r\n\r\n{\"name\": ".encode())
        time.sleep(0.5)
        started = time.monotonic()
        running.process.send_signal(signal.SIGTERM)
        running.process.wait(timeout=20)
        assert time.monotonic() - started < 10, "the grace period (2 s) bounds the wait"
        stuck.close()
