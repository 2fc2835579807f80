"""What one hostile client can make `hireport serve` hold, measured against the process over loopback.

A 100 MB header line or URL is refused while it arrives, with /healthz answering throughout and the server's
memory hardly moving; slow-loris connections are closed by the header timeout; unfinished uploads are cut off
by the body timeout and hold (nearly) nothing meanwhile; and what can be checked before a body is read (the form
limit, the cookie a form's token is made from, a signed link) is checked before it is read.

The timeouts here are the server's own (set short for the test): these tests wait for them as a client would.
No figure asserted depends on the machine's speed but for the generous bounds on /healthz's answers.
"""

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.served import Server, memory_mib, serve

pytestmark = pytest.mark.serve

HEADER_TIMEOUT = 2  # seconds (HIREPORT_HEADER_TIMEOUT)
BODY_IDLE_TIMEOUT = 5  # seconds (HIREPORT_BODY_IDLE_TIMEOUT)
BODY_TIMEOUT = 120  # seconds (HIREPORT_BODY_TIMEOUT): an upload cut off before it was cut off by the idle timeout
# The bounds below on time are the server's own timeouts, never a figure of how fast this machine is: another
# client is answered without waiting for an attack's connections to be cut off, and the attack's connections are
# cut off by the timeout meant for them, long before another (or none, as a server without one) would.
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("limits")
    shutil.copyfile(sqlite_template, root / "hireport.db")
    with serve(root, f"sqlite:///{root / 'hireport.db'}", header_timeout=str(HEADER_TIMEOUT),
               body_idle_timeout=str(BODY_IDLE_TIMEOUT), body_timeout=str(BODY_TIMEOUT),
               candidate_form_limit="1000/minute") as server:
        yield server


class Health:
    """Asks /healthz every 50 ms on a connection of its own while a block runs; keeps the slowest answer and
    the server's largest memory meanwhile."""

    def __init__(self, server: Server) -> None:
        self.server, self.slowest, self.answers, self.failures = server, 0.0, 0, []  # type: list[str]
        self.before = self.peak = memory_mib(server.process)
        self._stop, self._first = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run)

    def __enter__(self) -> "Health":
        self._thread.start()
        assert self._first.wait(30), "/healthz did not answer"
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.wait(0.2)  # one more answer after the block, at least
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with httpx.Client(base_url=self.server.base_url, timeout=30) as http:
            while not self._stop.is_set():
                started = time.monotonic()
                try:
                    status = http.get("/healthz").status_code
                    if status != 200:
                        self.failures.append(str(status))
                except httpx.HTTPError as exc:
                    self.failures.append(repr(exc))
                self.slowest = max(self.slowest, time.monotonic() - started)
                self.peak = max(self.peak, memory_mib(self.server.process))
                self.answers += 1
                self._first.set()
                self._stop.wait(0.05)


def _connect(server: Server) -> socket.socket:
    host, port = server.base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=30)


def _answer(conn: socket.socket) -> bytes:
    """What the server sent before it closed the connection (or within the socket's timeout)."""
    received = b""
    try:
        while chunk := conn.recv(65536):
            received += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    return received


def _send_huge(server: Server, start: bytes, end: bytes) -> bytes:
    """Send `start`, then up to 100 MB of 'a', then `end`, on one connection; the server's answer."""
    with _connect(server) as conn:
        try:
            conn.sendall(start)
            chunk = b"a" * MIB
            for _ in range(100):
                conn.sendall(chunk)
            conn.sendall(end)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while it arrived: the rest was never read
        return _answer(conn)


@pytest.mark.parametrize("attack", ["header", "url"])
def test_a_100_mb_header_line_or_url_is_refused_as_it_arrives(served: Server, attack: str):
    with Health(served) as health:
        if attack == "header":
            answer = _send_huge(served, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ", b"\r\n\r\n")
        else:
            answer = _send_huge(served, b"GET /healthz?q=", b" HTTP/1.1\r\nHost: x\r\n\r\n")
    grown = health.peak - health.before
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert health.answers > 1 and not health.failures, health.failures
    assert health.slowest < HEADER_TIMEOUT, health.slowest
    assert grown < 20, f"the server grew by {grown:.1f} MiB"


def test_a_long_url_the_server_reads_is_refused_in_the_dialects_shape(served: Server):
    answer = httpx.get(f"{served.base_url}/api/v1/jobs", params={"title": "a" * 20_000})
    assert answer.status_code == 414
    assert answer.json()["status"] == 414  # Gupy's shape: {"title", "detail", "status"}
    headers = {f"X-Header-{i}": "a" * 400 for i in range(90)}
    answer = httpx.get(f"{served.base_url}/api/v1/jobs", headers=headers)
    assert answer.status_code == 431 and answer.json()["status"] == 431


def test_slow_loris_connections_are_closed_by_the_header_timeout(served: Server):
    conns = []
    margin = 30  # seconds past the timeout, for a machine busy with other work: a server without one never closes
    with Health(served) as health:
        for _ in range(300):
            conn = _connect(served)
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            conns.append(conn)
        started = time.monotonic()  # the last one was opened: every one is closed within the timeout of this
        open_ = list(conns)
        while open_ and time.monotonic() - started < HEADER_TIMEOUT + margin:
            for conn in list(open_):
                conn.settimeout(0.01)
                try:
                    if conn.recv(1024) == b"":
                        open_.remove(conn)
                except TimeoutError:
                    pass
                except ConnectionResetError:
                    open_.remove(conn)
        took = time.monotonic() - started
    for conn in conns:
        conn.close()
    assert not open_, f"{len(open_)} of 300 still open after {took:.1f} s"
    assert not health.failures and health.slowest < HEADER_TIMEOUT, (health.failures, health.slowest)


def _apply_page(server: Server) -> tuple[str, str, str]:
    """The path of a demo job's apply form, the browser's cookies and the form's CSRF token."""
    careers = server.demo["careers"]
    listing = httpx.get(f"{server.base_url}{careers}")
    job = re.search(r'href="jobs/(\d+)"', listing.text)
    assert job, listing.text[:500]
    path = f"{careers}jobs/{job[1]}/apply"
    page = httpx.get(f"{server.base_url}{path}")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert page.status_code == 200 and token
    cookie = "; ".join(f"{k}={v}" for k, v in page.cookies.items())
    return path, cookie, token[1]


def test_unfinished_uploads_are_cut_off_and_hold_little_memory(served: Server):
    path, cookie, token = _apply_page(served)
    declared = 25 * MIB - 1024
    fields = (f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
              '--b\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
              "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nContent-Length: {declared}\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n\r\n").encode()
    before = memory_mib(served.process)
    peak, answers = before, [b""] * 16
    sent = threading.Barrier(17)

    def upload(i: int) -> None:
        with _connect(served) as conn:
            try:
                conn.sendall(head + fields)
                for _ in range(24):
                    conn.sendall(b"x" * MIB)
            except OSError:
                pass  # cut off already (a sender paused longer than the timeout on a busy machine): the answer says
            finally:
                sent.wait()
            answers[i] = _answer(conn)

    uploads = [threading.Thread(target=upload, args=(i,)) for i in range(16)]
    with Health(served) as health:
        for thread in uploads:
            thread.start()
        sent.wait(timeout=120)  # all 16 sent their 24 MiB and wait, unfinished
        finished = time.monotonic()
        while any(t.is_alive() for t in uploads):
            peak = max(peak, memory_mib(served.process))
            time.sleep(0.1)
        took = time.monotonic() - finished
    held = peak - before
    assert all(a.startswith(b"HTTP/1.1 408 ") for a in answers), {a[:40] for a in answers}
    assert took < BODY_TIMEOUT / 2, took
    # each upload's file part is spooled to disk past 1 MiB: 16 of them hold a few MiB, not 16 x 24 MiB
    assert held < 64, f"16 unfinished uploads held {held:.1f} MiB"
    assert not health.failures and health.slowest < BODY_IDLE_TIMEOUT, (health.failures, health.slowest)


def _refused_before_the_body(server: Server, head: str) -> bytes:
    """Send a request head announcing 20 MiB, and none of them: the answer. Had the body been awaited, it would
    be the body timeout's 408."""
    with _connect(server) as conn:
        conn.sendall(f"{head}Host: x\r\nContent-Length: {20 * MIB}\r\n"
                     "Content-Type: multipart/form-data; boundary=b\r\n\r\n".encode())
        return _answer(conn)


def test_cheap_checks_come_before_the_body_is_read(served: Server):
    path, cookie, _ = _apply_page(served)
    # a form posted without the cookie its token is made from (as from another site)
    assert _refused_before_the_body(served, f"POST {path} HTTP/1.1\r\n").startswith(b"HTTP/1.1 403 ")
    # a PageUp upload link with a forged signature
    assert _refused_before_the_body(
        served, "PUT /v3/218/recruitment/document/upload/abc?expires=99999999999&signature=forged HTTP/1.1\r\n",
    ).startswith(b"HTTP/1.1 403 ")
    # the portal without a session: off to ask for a link
    assert _refused_before_the_body(served, "POST /portal/218/requests/1 HTTP/1.1\r\n").startswith(b"HTTP/1.1 303 ")
    # and a body that does arrive is still read (the form is refused for its content, not cut off)
    answer = httpx.post(f"{served.base_url}{path}", headers={"Cookie": cookie}, data={"csrf": "forged"})
    assert answer.status_code == 403


def test_each_process_holds_at_most_max_connections_connections(tmp_path: Path, sqlite_template: Path):
    shutil.copyfile(sqlite_template, tmp_path / "hireport.db")
    with serve(tmp_path, f"sqlite:///{tmp_path / 'hireport.db'}", header_timeout=str(HEADER_TIMEOUT),
               max_connections="4") as server:
        held = [_connect(server) for _ in range(4)]
        for conn in held:
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finished
        started = time.monotonic()
        assert httpx.get(f"{server.base_url}/healthz", timeout=30).status_code == 200
        waited = time.monotonic() - started
        for conn in held:
            conn.close()
    # the fifth waited, unread, until the header timeout freed a place
    assert waited >= HEADER_TIMEOUT / 2, waited
