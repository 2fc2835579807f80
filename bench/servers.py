"""The HTTP server, measured: granian (`hireport serve`) against uvicorn (httptools: how hireport was served
before; and h11 with its incomplete-event limit at 64 KiB), under the same app, in one run.

    python -m bench.servers [--quick]

For each server in turn, alternating (uvicorn, uvicorn-h11, granian, uvicorn, ...):
- the loads of `bench.basic`, `bench.stack` and `bench.pageup`, each with its floor served by the same server;
- three attacks on `hireport serve`'s app (with 5 s header and body idle timeouts), each bounded in size and
  time: a 100 MB header line, 300 slow-loris connections held for up to 30 s, and 16 uploads of 24 MiB to a
  careers page's form left unfinished for up to 30 s. Each reports the slowest /healthz answer meanwhile
  (asked every 50 ms, a new connection each time), the growth of the server's memory (every process), and
  whether the server ended the connections itself.
"""

import argparse
import contextlib
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench import basic, pageup, stack
from bench.harness import (
    HOST,
    Row,
    demo,
    free_port,
    hireport_env,
    memory_mib,
    print_table,
    serve_command,
    serving,
)

SERVERS = ("uvicorn", "uvicorn-h11", "granian")
TIMEOUT = 5  # the attacked servers' header and body idle timeouts, seconds (uvicorn has no header timeout)
MIB = 1024 * 1024


def _server_pid(port: int) -> int:
    """The process listening on `port` whose parent does not (the server's first process)."""
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    pids = {int(p) for p in re.findall(r"pid=(\d+)", out)}
    return min(pids)


def _attack(port: int, attack: Callable[[], str]) -> tuple[float, float, str]:
    """Run `attack` while /healthz is asked every 50 ms: (slowest answer s, memory growth MiB, what it saw)."""
    pid = _server_pid(port)
    before, peak, slowest = memory_mib(pid), 0.0, 0.0
    stop = threading.Event()

    def probe() -> None:
        nonlocal slowest, peak
        while not stop.is_set():
            started = time.monotonic()
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=60).read()
            slowest = max(slowest, time.monotonic() - started)
            peak = max(peak, memory_mib(pid))
            stop.wait(0.05)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        seen = attack()
    finally:
        stop.set()
        prober.join()
    return slowest, peak - before, seen


def _connect(port: int) -> socket.socket:
    return socket.create_connection((HOST, port), timeout=30)


def _huge_header(port: int) -> str:
    started = time.monotonic()
    with _connect(port) as conn:
        try:
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
            for _ in range(100):
                conn.sendall(b"a" * MIB)
            conn.sendall(b"\r\n\r\n")
        except OSError:
            pass
        try:
            answer = conn.recv(64).split(b"\r\n")[0].decode()
        except OSError as exc:
            answer = type(exc).__name__
    return f"{answer} after {time.monotonic() - started:.1f} s"


def _still_open(conns: list[socket.socket], seconds: float) -> tuple[int, float]:
    started, open_ = time.monotonic(), list(conns)
    while open_ and time.monotonic() - started < seconds:
        for conn in list(open_):
            conn.settimeout(0.01)
            try:
                if conn.recv(4096) == b"":
                    open_.remove(conn)
            except TimeoutError:
                pass
            except OSError:
                open_.remove(conn)
    return len(open_), time.monotonic() - started


def _slow_loris(port: int) -> str:
    conns = []
    try:
        for _ in range(300):
            conn = _connect(port)
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            conns.append(conn)
        left, took = _still_open(conns, 30)
    finally:
        for conn in conns:
            conn.close()
    return f"{300 - left} of 300 closed by the server in {took:.0f} s"


def _unfinished_uploads(port: int, careers: str) -> str:
    listing = urllib.request.urlopen(f"http://{HOST}:{port}{careers}").read().decode()
    job = re.search(r'href="jobs/(\d+)"', listing)[1]  # type: ignore[index]
    path = f"{careers}jobs/{job}/apply"
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}") as page:
        cookie = page.headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="csrf" value="([^"]+)"', page.read().decode())[1]  # type: ignore[index]
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nContent-Length: {25 * MIB - 1024}\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\n\r\n"
            f'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{token}\r\n'
            '--b\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n\r\n%PDF-1.4\n').encode()
    conns = []
    try:
        for _ in range(16):
            conn = _connect(port)
            conn.sendall(head)
            conns.append(conn)
        for _ in range(24):
            for conn in conns:
                with contextlib.suppress(OSError):
                    conn.sendall(b"x" * MIB)
        left, took = _still_open(conns, 30)
    finally:
        for conn in conns:
            conn.close()
    return f"{16 - left} of 16 ended by the server in {took:.0f} s"


def attacks(server: str) -> list[Row]:
    """The three attacks on the demo, served by `server`."""
    os.environ["BENCH_SERVER"] = server
    with tempfile.TemporaryDirectory(prefix="hireport-bench-servers-") as work:
        data = Path(work)
        careers = demo(data)["careers"]
        port = free_port()
        env = hireport_env(data, candidate_form_limit="1000/minute", header_timeout=str(TIMEOUT),
                           body_idle_timeout=str(TIMEOUT))
        rows = []
        with serving(serve_command(port), env, port, data / "serve.log"):
            for name, attack in (("100 MB header line", lambda: _huge_header(port)),
                                 ("300 slow-loris connections", lambda: _slow_loris(port)),
                                 ("16 unfinished 24 MiB uploads", lambda: _unfinished_uploads(port, careers))):
                slowest, grown, seen = _attack(port, attack)
                rows.append(Row(server, f"{name}: slowest /healthz", slowest * 1000, "ms", note=seen))
                rows.append(Row(server, f"{name}: memory growth", grown, "MiB"))
    return rows


def run(quick: bool = False) -> list[Row]:
    rows = []
    for name, measure in (("basic", basic.run), ("stack", stack.run), ("pageup", pageup.run)):
        for server in SERVERS:
            os.environ["BENCH_SERVER"] = server
            rows += [Row(server, f"{name}: {r.target}", r.figure, r.unit, r.ratio, r.floor, r.note)
                     for r in measure(quick)]
    for server in SERVERS:
        rows += attacks(server)
    os.environ.pop("BENCH_SERVER", None)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 s per load target and small data sets")
    print_table(run(parser.parse_args().quick))


if __name__ == "__main__":
    main()
