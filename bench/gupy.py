"""Gupy dialect throughput: job status transitions (PATCH) against the write floor measured in the same run,
and template e-mail delivered over SMTP, each message checked to arrive exactly once.

    python -m bench.gupy [--seconds 10] [--connections 8] [--mails 2000] [--jobs 400] [--keep]

Every server is its own process on 127.0.0.1 (the SMTP server is a thread of this process, which does
nothing else while it receives); every load comes from a separate process (wrk, or this module with
--loader where each answer must be read); every loop is bounded in count and in time (at most 120 s).

1. Floor: the write floor of `bench.floors` (a bare single-row UPDATE in its own transaction), both forms,
   the faster counts.
2. Transitions: `hireport demo` into a fresh data directory, then `hireport serve` with
   HIREPORT_GUPY_RATE_LIMIT=1000000/minute (the limiter never refuses). As setup, --jobs drafts are made with
   `POST /api/v1/jobs` and moved draft -> waiting_approval -> approved -> published (with the demo career page
   and a hiring deadline). Then wrk PATCHes them round robin for --seconds over --connections connections:
   every job to frozen, then every job back to published, and so on (a job's next PATCH comes --jobs requests
   after its last, long after it was answered). A PATCH counts when it answers 200; anything else is an error.
3. Mail: an aiosmtpd server keeps every mail with its arrival time; `hireport serve` on another copy of the
   demo data with HIREPORT_SMTP_HOST/PORT pointing at it and HIREPORT_DELIVERY_INTERVAL=0.05. --mails
   messages are queued with `POST /api/v1/jobs/{jobId}/applications/{applicationId}/messages` (the demo
   template, allowReply false) over --connections connections, cycling through the demo applications.
   mails/s = queued / (last arrival - first 201). Every queued message's Message-ID (read back from the
   management API) must arrive exactly once, nothing else may arrive, and every message must end `sent`;
   otherwise the run exits 1 after printing its figures.
"""

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from bench import floors
from bench.harness import HOST, Row, demo, free_port, hireport_env, print_table, serve_command, serving
from bench.wrk import Result, load

GROUP = "gupy"
MAX_SECONDS = 120.0
TENANT = 218
RATE_LIMIT = "1000000/minute"
DELIVERY_INTERVAL = "0.05"
HIRING_DEADLINE = "2030-01-01"
GRACE_SECONDS = 1.0  # kept listening after the last expected mail, to see duplicates
JOBS = "/api/v1/jobs"
MANAGE = f"/manage/v1/tenants/{TENANT}"
TO_PUBLISHED = ("waiting_approval", "approved", "published")


# -- the loader (its own process: `python -m bench.gupy --loader`, spec on stdin, result on stdout) -----------


@dataclass
class Tally:
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    """One request on a keep-alive connection; returns the status and the body (Content-Length framed)."""
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            raise ValueError("chunked responses are not expected")
    return int(status_line.split()[1]), await reader.readexactly(length)


def build_request(method: str, host: str, port: int, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _json(payload: bytes) -> dict[str, Any]:
    try:
        found = json.loads(payload)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


async def _requests(spec: dict[str, Any], cursor: list[int], results: list[dict[str, Any] | None], tally: Tally,
                    deadline: float) -> None:
    """Take the next item until none is left or the deadline; keep its status, asked fields and finish time."""
    host, port, items = spec["host"], int(spec["port"]), spec["items"]
    headers = {"Authorization": f"Bearer {spec['token']}", "Content-Type": "application/json"}
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            index = cursor[0]
            if index >= len(items):
                break
            cursor[0] += 1
            method, path, body = items[index]
            request = build_request(method, host, port, path, headers,
                                    b"" if body is None else json.dumps(body).encode())
            started = time.perf_counter()
            code, payload = await _exchange(reader, writer, request)
            tally.latencies.append(time.perf_counter() - started)
            tally.requests += 1
            data = _json(payload)
            results[index] = {"code": code, "at": time.time(), "data": {f: data.get(f) for f in spec["fields"]}}
            if code != spec["expect"]:
                tally.errors[f"{code} {payload[:160].decode(errors='replace')}"] += 1
    finally:
        writer.close()


async def _run_loader(spec: dict[str, Any]) -> dict[str, Any]:
    tally = Tally()
    started_at, started = time.time(), time.perf_counter()
    deadline = started + min(float(spec["seconds"]), MAX_SECONDS)
    results: list[dict[str, Any] | None] = [None] * len(spec["items"])
    cursor = [0]
    await asyncio.gather(*(_requests(spec, cursor, results, tally, deadline) for _ in range(int(spec["connections"]))))
    return {"results": results, "requests": tally.requests, "errors": dict(tally.errors), "latencies": tally.latencies,
            "seconds": time.perf_counter() - started, "started_at": started_at}


def loader_main() -> None:
    print(json.dumps(asyncio.run(_run_loader(json.loads(sys.stdin.read())))))


def run_loader(spec: dict[str, Any]) -> dict[str, Any]:
    """Run a loader process on `spec`, bounded by its time cap plus a margin."""
    try:
        out = subprocess.run([sys.executable, "-m", "bench.gupy", "--loader"], input=json.dumps(spec),
                             capture_output=True, text=True, check=True, timeout=MAX_SECONDS + 60)
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"the loader failed:\n{exc.stderr[-3000:]}") from None
    found: dict[str, Any] = json.loads(out.stdout)
    return found


# -- the SMTP server -------------------------------------------------------------------------------------------


class Sink:
    """A real SMTP server (aiosmtpd) on loopback that keeps each mail with its arrival time (epoch seconds)
    and the number of the connection it came on."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[float, int, bytes]] = []
        self._connections = 0
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname=HOST, port=self.port)

    async def handle_DATA(self, _server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            number = getattr(session, "bench_connection", None)
            if number is None:
                self._connections += 1
                number = session.bench_connection = self._connections
            self.received.append((time.time(), number, bytes(envelope.content)))
        return "250 OK"

    def snapshot(self) -> list[tuple[float, int, bytes]]:
        with self._lock:
            return list(self.received)

    def count(self) -> int:
        with self._lock:
            return len(self.received)

    @contextmanager
    def running(self) -> Iterator["Sink"]:
        self._controller.start()
        try:
            yield self
        finally:
            self._controller.stop()


# -- plain requests --------------------------------------------------------------------------------------------


def get_json(port: int, path: str, credential: str) -> Any:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers={"Authorization": f"Bearer {credential}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback, fixed scheme)
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"GET {path}: {exc.code} {exc.read()[:300]!r}") from None


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """p50 and p99 in ms."""
    ordered = sorted(latencies) or [0.0]
    return statistics.median(ordered) * 1000, ordered[max(int(len(ordered) * 0.99) - 1, 0)] * 1000


def as_result(name: str, data: dict[str, Any]) -> Result:
    p50, p99 = percentiles(data["latencies"])
    return Result(name, data["requests"], sum(data["errors"].values()), data["seconds"], p50, p99)


# -- the three measurements ------------------------------------------------------------------------------------


@dataclass
class Demo:
    token: str
    operator: str


def make_demo(data_dir: Path) -> Demo:
    credentials = demo(data_dir)
    return Demo(credentials["api_token"]["token"], credentials["operator_credential"])


@dataclass
class Transitions:
    create: Result  # setup, by this module's loader
    patch: Result
    jobs: int


def send_all(port: int, credential: str, connections: int, expect: int, fields: list[str],
             items: Sequence[tuple[str, str, dict[str, Any] | None]]) -> dict[str, Any]:
    """Send every (method, path, body) item once over `connections` connections; each answer must be `expect`."""
    return run_loader({"host": HOST, "port": port, "token": credential, "connections": connections,
                       "seconds": MAX_SECONDS, "expect": expect, "fields": fields, "items": items})


def measure_transitions(work: Path, demo: Demo, seconds: float, connections: int, jobs: int) -> Transitions:
    port = free_port()
    env = hireport_env(work / "transitions", gupy_rate_limit=RATE_LIMIT)
    with serving(serve_command(port), env, port, work / "transitions.log"):
        career_page = int(get_json(port, f"{MANAGE}/career-pages", demo.operator)["items"][0]["id"])
        get_json(port, f"{JOBS}?perPage=1", demo.token)  # the token works (and is now cached by the server)
        body = {"type": "vacancy_type_effective", "publicationType": "external", "numVacancies": 1,
                "departmentId": 1, "roleId": 1, "description": "d"}
        created = send_all(port, demo.token, connections, 201, ["id", "status"],
                           [("POST", JOBS, {"name": f"Bench job {i}", **body}) for i in range(jobs)])
        if any(r is None or r["code"] != 201 or r["data"]["status"] != "draft" for r in created["results"]):
            raise RuntimeError(f"could not create the jobs: {created['errors']}")
        ids = [int(r["data"]["id"]) for r in created["results"]]
        for status in TO_PUBLISHED:
            extra = {"careerPageId": career_page, "hiringDeadline": HIRING_DEADLINE} if status == "published" else {}
            moved = send_all(port, demo.token, connections, 200, ["status"],
                             [("PATCH", f"{JOBS}/{job}", {"status": status, **extra}) for job in ids])
            if moved["errors"]:
                raise RuntimeError(f"could not move the jobs to {status}: {moved['errors']}")
        cycle = [(f"{JOBS}/{job}", json.dumps({"status": status})) for status in ("frozen", "published") for job in ids]
        patch = load("PATCH job status", f"http://{HOST}:{port}{JOBS}", method="PATCH", cycle=cycle,
                     headers={"Authorization": f"Bearer {demo.token}", "Content-Type": "application/json"},
                     seconds=seconds, connections=connections)
    return Transitions(as_result("POST /api/v1/jobs (setup)", created), patch, len(ids))


@dataclass
class Mail:
    queue: Result
    queued: int  # messages answered 201
    delivered: Result  # rps: mails/s from the first 201 to the last arrival; p50/p99: 201 -> arrival
    arrived: int  # mails received, duplicates included
    unique: int  # distinct Message-IDs received
    duplicates: int
    missing: int
    unexpected: int
    connections: int  # SMTP connections they came on
    during_queueing: int  # arrived before the last 201
    drain_seconds: float  # last 201 -> last arrival
    statuses: dict[str, int]  # hireport's status of each queued message
    retried: int  # messages hireport needed more than one attempt for
    applications: int
    problems: list[str]


def measure_mail(work: Path, demo: Demo, connections: int, mails: int) -> Mail:
    port = free_port()
    with Sink().running() as sink:
        env = hireport_env(work / "mail", gupy_rate_limit=RATE_LIMIT, smtp_host=HOST, smtp_port=str(sink.port),
                           delivery_interval=DELIVERY_INTERVAL)
        with serving(serve_command(port), env, port, work / "mail.log"):
            template = int(get_json(port, f"{MANAGE}/email-templates", demo.operator)["items"][0]["id"])
            pairs = [(job["id"], a["id"])
                     for job in get_json(port, f"{JOBS}?perPage=100", demo.token)["results"]
                     for a in get_json(port, f"{JOBS}/{job['id']}/applications?perPage=100", demo.token)["results"]]
            if not pairs:
                raise RuntimeError("the demo has no applications")
            if sink.count():
                raise RuntimeError("mail arrived before any was queued")
            body = {"templateId": template, "allowReply": False}
            items = [("POST", f"{JOBS}/{j}/applications/{a}/messages", body)
                     for j, a in (pairs[i % len(pairs)] for i in range(mails))]
            queued = send_all(port, demo.token, connections, 201, ["id"], items)
            ok = [r for r in queued["results"] if r and r["code"] == 201]
            last_queued = max((r["at"] for r in ok), default=time.time())
            deadline = time.time() + MAX_SECONDS
            while sink.count() < len(ok) and time.time() < deadline:  # bounded: MAX_SECONDS / 10 ms polls
                time.sleep(0.01)
            time.sleep(GRACE_SECONDS)
            rows = send_all(port, demo.operator, connections, 200, ["message_id", "status", "attempts"],
                            [("GET", f"{MANAGE}/messages/{r['data']['id']}", None) for r in ok])
        received = sink.snapshot()
    return _mail_figures(queued, ok, rows, received, last_queued, len(pairs))


def _mail_figures(queued: dict[str, Any], ok: list[dict[str, Any]], rows: dict[str, Any],
                  received: list[tuple[float, int, bytes]], last_queued: float, applications: int) -> Mail:
    parser = BytesHeaderParser()
    arrivals: dict[str, list[float]] = {}
    for at, _, content in received:
        arrivals.setdefault(str(parser.parsebytes(content)["Message-ID"]).strip(), []).append(at)
    queued_at: dict[str, float] = {}  # Message-ID -> when its 201 came back
    for sent, row in zip(ok, rows["results"], strict=True):
        if row and row["code"] == 200:
            queued_at[str(row["data"]["message_id"])] = float(sent["at"])
    missing = [m for m in queued_at if m not in arrivals]
    unexpected = [m for m in arrivals if m not in queued_at]
    duplicates = sum(len(times) - 1 for times in arrivals.values())
    statuses = Counter(str(r["data"]["status"]) for r in rows["results"] if r and r["code"] == 200)
    retried = sum(1 for r in rows["results"] if r and r["code"] == 200 and int(r["data"]["attempts"]) > 1)
    first_queued = min((float(r["at"]) for r in ok), default=0.0)
    delivered_at = [min(arrivals[m]) for m in queued_at if m in arrivals]
    last_arrival = max(delivered_at, default=first_queued)
    p50, p99 = percentiles([min(arrivals[m]) - at for m, at in queued_at.items() if m in arrivals])
    problems = [f"{n} x queueing answered {k}" for k, n in queued["errors"].items()]
    problems += [f"{n} x reading a message back answered {k}" for k, n in rows["errors"].items()]
    if len(queued_at) != len(ok):
        problems.append(f"{len(ok) - len(queued_at)} queued messages could not be read back")
    if missing:
        problems.append(f"{len(missing)} queued Message-IDs never arrived, e.g. {missing[0]}")
    if duplicates:
        problems.append(f"{duplicates} duplicate deliveries")
    if unexpected:
        problems.append(f"{len(unexpected)} mails arrived that were not queued here, e.g. {unexpected[0]}")
    if statuses.get("sent", 0) != len(ok):
        problems.append(f"hireport's message statuses: {dict(statuses)}")
    delivered = Result("mails delivered to SMTP", len(delivered_at), len(missing) + duplicates + len(unexpected),
                       max(last_arrival - first_queued, 1e-9), p50, p99)
    return Mail(queue=as_result("POST .../messages (queueing)", queued), queued=len(ok), delivered=delivered,
                arrived=len(received), unique=len(arrivals), duplicates=duplicates, missing=len(missing),
                unexpected=len(unexpected), connections=len({number for _, number, _ in received}),
                during_queueing=sum(1 for at in delivered_at if at <= last_queued),
                drain_seconds=max(last_arrival - last_queued, 0.0), statuses=dict(statuses), retried=retried,
                applications=applications, problems=problems)


# -- the report ------------------------------------------------------------------------------------------------


@dataclass
class Report:
    floor: floors.Floor
    transitions: Transitions
    mail: Mail
    seconds: float
    connections: int


def measure(*, seconds: float, connections: int, mails: int, jobs: int, keep: bool = False) -> Report:
    work = Path(tempfile.mkdtemp(prefix="hireport-bench-gupy-"))
    try:
        demo = make_demo(work / "pristine")
        for copy in ("transitions", "mail"):
            shutil.copytree(work / "pristine", work / copy)
        floor = floors.measure(["write"], seconds=seconds, connections=connections)["write"]
        transitions = measure_transitions(work, demo, seconds, connections, jobs)
        mail = measure_mail(work, demo, connections, mails)
    finally:
        if keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return Report(floor, transitions, mail, seconds, connections)


def rows(report: Report) -> list[Row]:
    mail = report.mail
    checked = "; ".join(f"PROBLEM: {p}" for p in mail.problems) or f"{mail.queued} mails, each arrived exactly once"
    return [report.floor.row(GROUP),
            report.floor.ratio(GROUP, report.transitions.patch,
                               f"{report.transitions.jobs} published jobs frozen and published again"),
            Row(GROUP, mail.delivered.name, mail.delivered.rps, "mails/s", None, None, checked)]


def run(quick: bool = False) -> list[Row]:
    return rows(measure(seconds=3 if quick else 10, connections=8, mails=200 if quick else 2000,
                        jobs=100 if quick else 400))


def print_report(report: Report) -> None:
    transitions, mail = report.transitions, report.mail
    print(f"\n{report.seconds:.0f} s per load target, {report.connections} keep-alive connections, loaders in their "
          "own processes, SQLite, 1 hireport process\n")
    print(f"{'target':36} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'count':>8}  ratio to floor")
    lines = [*((r, "req/s") for r in report.floor.forms), (transitions.create, "jobs created/s (setup)"),
             (transitions.patch, "transitions/s"), (mail.queue, "messages queued/s"),
             (mail.delivered, "mails/s, first 201 -> last arrival")]
    for r, unit in lines:
        ratio = f"{r.rps / report.floor.best.rps:.4f}" if r is transitions.patch else ""
        print(f"{r.name:36} {r.rps:9.1f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.errors:7d} {r.requests:8d}  "
              f"{ratio:>6}  ({unit})")
    print(f"(the PATCH ratio is to the faster form of the write floor, {report.floor.best.name}; mails: p50/p99 are "
          "each message's time from its 201 to its arrival at the SMTP server)")
    print(f"Mail: {mail.queued} queued to {mail.applications} demo applications in {mail.queue.seconds:.1f} s; "
          f"{mail.arrived} arrived ({mail.unique} distinct Message-IDs) in {mail.delivered.seconds:.1f} s "
          f"on {mail.connections} SMTP connections")
    during, after = mail.during_queueing, mail.delivered.requests - mail.during_queueing
    print(f"  {during} arrived while queueing went on ({during / mail.queue.seconds:.1f}/s), {after} in the "
          f"{mail.drain_seconds:.1f} s after the last 201 ({after / max(mail.drain_seconds, 1e-9):.1f}/s)")
    print(f"  exactly once: {mail.missing} missing, {mail.duplicates} duplicates, {mail.unexpected} unexpected; "
          f"hireport statuses {mail.statuses}, {mail.retried} needed more than one attempt")
    for problem in mail.problems:
        print(f"  PROBLEM: {problem}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="load time of the floor and of the transitions (max 120)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--mails", type=int, default=2000, help="messages to queue and deliver")
    parser.add_argument("--jobs", type=int, default=400, help="jobs made for the transitions")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (data and server logs)")
    parser.add_argument("--loader", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loader:
        loader_main()
        return
    report = measure(seconds=min(args.seconds, MAX_SECONDS), connections=args.connections, mails=args.mails,
                     jobs=args.jobs, keep=args.keep)
    print_report(report)
    print()
    print_table(rows(report))
    if report.mail.problems or report.transitions.patch.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
