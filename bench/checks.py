"""Background-check claiming at scale: providers drain a backlog of N pending checks over HTTP with 1, 4 and 8
concurrent pollers, against a bare sqlite3 claim loop on the same database file.

    python -m bench.checks [--checks 10000] [--pollers 1,4,8] [--data bench/data/checks-N] [--via-service]

1. Builds a fresh hireport data directory (`<data>/pristine`, rebuilt on every run): migrated by
   `hireport.server.prepare`, tenant 218, partner `bg` enabled for it, a provider client of `bg` with
   `Public.BackgroundCheck.Read Public.BackgroundCheck.Write`, N/1000 jobs (at least 10), one applicant and
   one application per check, and N pending checks addressed to `bg`, bulk-inserted with SQLAlchemy Core
   `insert()` executemany (with --via-service: `hireport.services.checks.order`, all in one transaction).
2. Baseline: on a pristine copy (`<data>/run`), no HTTP, one connection of plain sqlite3 with hireport's
   pragmas does what a provider does per round: select the 5 oldest pending ids of `bg` in tenant 218, then
   `UPDATE background_checks SET status='queued', updated_at=? WHERE id=? AND status='pending'`, each in its
   own `BEGIN IMMEDIATE` transaction, until none is left.
3. For each poller count: on a fresh pristine copy, serves hireport (`hireport serve`, 127.0.0.1 only) and
   starts that many poller processes (plain `http.client`, one keep-alive connection each). Each gets a token
   and warms up (outside the timing), then, from a common start, loops `GET /v3/218/backgroundchecking?
   status=pending&provider=bg` and `PUT /v3/218/backgroundchecking/{id}` `{"status": "queued"}` for each
   listed check (200: claimed; 409: another poller won) until the list is empty.

Prints checks/s (claimed checks / wall time), the 409s, request counts and median latencies, and each HTTP
figure as a ratio to the baseline. Every check must be claimed exactly once, and be `queued` in the database
afterwards: anything else fails the run. Each run is capped at --max-seconds (300) and a bounded number of
rounds; the server and every poller are terminated at the end. Generated data lives under bench/data/
(ignored by git).
"""

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import sys
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Event
from pathlib import Path
from queue import Empty
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from bench.harness import HOST, free_port, serving
from bench.pageup_data import sqlite_engine
from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.models import Applicant, Application, ApplicationStatus, BackgroundCheck, CheckStatus, Job, JobStatus
from hireport.server import prepare
from hireport.services import checks as check_service
from hireport.services import identity
from hireport.settings import Settings

TENANT = 218
PARTNER = "bg"
SCOPES = "Public.BackgroundCheck.Read Public.BackgroundCheck.Write"
POLL_LIMIT = 5  # what the API lists per GET (hireport.services.checks.POLL_LIMIT)
MAX_SECONDS = 300.0
BATCH = 10_000
CHECKS_PER_JOB = 1000
MIN_JOBS = 10
TOKEN_LIFETIME = 3600  # longer than any capped run
MARKER = ".bench-checks-data"
MANIFEST = "bench-credentials.json"
BASE = f"/v3/{TENANT}/backgroundchecking"
POLL = f"{BASE}?status=pending&provider={PARTNER}"
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime on SQLite


# -- the data set ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataSet:
    pristine: Path
    manifest: dict[str, Any]

    @property
    def checks(self) -> int:
        return int(self.manifest["checks"])


def _next_id(conn: Connection, model: Any) -> int:
    return int(conn.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1


def _claim_root(root: Path) -> None:
    """Make `root` ours: create it, or clear it if an earlier run of this benchmark made it."""
    if root.exists() and any(root.iterdir()):
        if not (root / MARKER).exists():
            raise SystemExit(f"{root} is not empty and was not made by bench.checks; pick another --data")
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("made by bench.checks; deleted and rebuilt by it on every run\n")


def build(count: int, root: Path, *, via_service: bool = False) -> DataSet:
    """A fresh data directory `<root>/pristine` holding `count` pending checks for partner bg in tenant 218."""
    if count < 1:
        raise SystemExit("--checks must be at least 1")
    _claim_root(root)
    pristine = root / "pristine"
    started = time.perf_counter()
    settings = Settings(data_dir=pristine, database_url=None)
    prepare(settings)
    clock = Clock()
    now = clock.now()
    engine = sqlite_engine(settings.resolved_database_url)
    jobs = max(MIN_JOBS, count // CHECKS_PER_JOB)
    timings: dict[str, float] = {}
    try:
        with Session(engine) as session, session.begin():
            identity.create_tenant(session, tenant_id=TENANT, name="Acme Health (checks bench)", clock=clock)
            partner = identity.create_partner(session, code=PARTNER, name="BG Checks Pty Ltd",
                                              kind="background_check", clock=clock)
            identity.enable_partner(session, tenant_id=TENANT, partner_code=PARTNER, clock=clock)
            client, secret = identity.create_client(session, name="bench provider", scopes=SCOPES,
                                                    partner_code=PARTNER, clock=clock,
                                                    token_lifetime=TOKEN_LIFETIME)
            partner_id, client_id = partner.id, client.client_id
        with engine.begin() as conn:
            ids = {"jobs": _next_id(conn, Job), "applicants": _next_id(conn, Applicant),
                   "applications": _next_id(conn, Application)}
            first_check = _next_id(conn, BackgroundCheck)
        phase = time.perf_counter()
        start = now - timedelta(days=30)
        step = timedelta(days=30) / count
        with engine.begin() as conn:
            conn.execute(insert(Job), [{
                "id": ids["jobs"] + j, "tenant_id": TENANT, "external_id": f"REQ-{500000 + j}", "code": f"CHK-{j}",
                "title": f"Registered Nurse {j}", "status": JobStatus.published, "division_code": "CLIN",
                "quick_apply": False, "custom_fields": [], "attributes": {}, "created_at": start,
                "updated_at": start} for j in range(jobs)])
            for first in range(0, count, BATCH):
                last = min(count, first + BATCH)
                conn.execute(insert(Applicant), [{
                    "id": ids["applicants"] + i, "tenant_id": TENANT, "first_name": "Olivia", "middle_name": None,
                    "last_name": f"Nguyen{i}", "email": f"olivia.nguyen.{i}@example.com",
                    "phone": "+61 400 000 000", "attributes": {}, "created_at": start + step * i}
                    for i in range(first, last)])
                conn.execute(insert(Application), [{
                    "id": ids["applications"] + i, "tenant_id": TENANT, "job_id": ids["jobs"] + i * jobs // count,
                    "applicant_id": ids["applicants"] + i, "status": ApplicationStatus.in_process,
                    "status_code": "OFFER", "current_step": "Offer", "tags": [], "form_answers": [],
                    "attributes": {}, "created_at": start + step * i, "updated_at": start + step * i}
                    for i in range(first, last)])
        timings["applications"] = time.perf_counter() - phase
        phase = time.perf_counter()
        packages = (("STD-AU", "Standard (Australia)"), ("HEALTH-PLUS", "Healthcare worker"))
        if via_service:
            caller = Caller.operator(TENANT)
            with Session(engine) as session, session.begin():
                for i in range(count):
                    code, name = packages[i % 2]
                    check_service.order(session, caller, application_id=ids["applications"] + i,
                                        partner_code=PARTNER, package_code=code, package_name=name, clock=clock)
        else:
            with engine.begin() as conn:
                for first in range(0, count, BATCH):
                    conn.execute(insert(BackgroundCheck), [{
                        "id": first_check + i, "tenant_id": TENANT, "application_id": ids["applications"] + i,
                        "partner_id": partner_id, "package_code": packages[i % 2][0],
                        "package_name": packages[i % 2][1], "status": CheckStatus.pending,
                        "reference_number": None, "reason_for_fail": None, "results": [],
                        "created_at": now + timedelta(microseconds=i), "updated_at": now + timedelta(microseconds=i)}
                        for i in range(first, min(count, first + BATCH))])
        timings["checks"] = time.perf_counter() - phase
        with engine.connect() as conn:
            check_ids = [int(i) for i in conn.scalars(
                select(BackgroundCheck.id).where(BackgroundCheck.tenant_id == TENANT,
                                                 BackgroundCheck.status == CheckStatus.pending))]
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    if len(check_ids) != count:
        raise SystemExit(f"built {len(check_ids)} pending checks, not {count}")
    manifest = {
        "checks": count, "tenant": TENANT, "partner": PARTNER, "partner_id": partner_id, "jobs": jobs,
        "first_check_id": min(check_ids), "last_check_id": max(check_ids), "client_id": client_id,
        "client_secret": secret, "scopes": SCOPES, "via_service": via_service,
        "seconds": round(time.perf_counter() - started, 2), "applications_seconds": round(timings["applications"], 2),
        "checks_seconds": round(timings["checks"], 2), "generated_at": now.isoformat(),
    }
    (pristine / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    (pristine / MANIFEST).chmod(0o600)
    return DataSet(pristine, manifest)


def fresh_copy(data: DataSet) -> Path:
    """`<root>/run`: a copy of the pristine data directory, for one measurement (nothing may hold it open)."""
    run = data.pristine.parent / "run"
    if run.exists():
        shutil.rmtree(run)
    shutil.copytree(data.pristine, run)
    return run


def database_file(data_dir: Path) -> Path:
    return data_dir / "hireport.db"


def verify(data: DataSet, data_dir: Path, claims: list[int], label: str) -> None:
    """Every check claimed exactly once and `queued` in the database; raises SystemExit otherwise."""
    expected = set(range(int(data.manifest["first_check_id"]), int(data.manifest["last_check_id"]) + 1))
    problems = []
    duplicates = [i for i, n in Counter(claims).items() if n > 1]
    if duplicates:
        problems.append(f"{len(duplicates)} checks claimed more than once, e.g. {sorted(duplicates)[:5]}")
    if set(claims) != expected:
        missing, extra = expected - set(claims), set(claims) - expected
        problems.append(f"{len(missing)} checks never claimed (e.g. {sorted(missing)[:5]}), "
                        f"{len(extra)} unexpected ids claimed (e.g. {sorted(extra)[:5]})")
    conn = sqlite3.connect(database_file(data_dir))
    try:
        statuses = dict(conn.execute("SELECT status, count(*) FROM background_checks WHERE tenant_id = ? "
                                     "GROUP BY status", (TENANT,)).fetchall())
    finally:
        conn.close()
    if statuses != {CheckStatus.queued.value: data.checks}:
        problems.append(f"statuses in the database afterwards: {statuses}")
    if problems:
        raise SystemExit(f"{label}: NOT exactly once:\n  " + "\n  ".join(problems))


# -- the baseline: a bare claim loop, no HTTP -----------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    claimed: int
    conflicts: int
    seconds: float
    gets: int = 0
    puts: int = 0
    get_ms: float = 0.0  # medians
    put_ms: float = 0.0
    client_cpu: float = 0.0  # the pollers' CPU seconds, all together
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.claimed / self.seconds


def baseline(data: DataSet, max_seconds: float) -> Outcome:
    run = fresh_copy(data)
    conn = sqlite3.connect(database_file(run), isolation_level=None)
    claims: list[int] = []
    conflicts = rounds = 0
    try:
        # hireport's pragmas (hireport.kit.db): WAL, synchronous=NORMAL, foreign keys, busy timeout.
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
            conn.execute(f"PRAGMA {pragma}")
        partner_id = int(data.manifest["partner_id"])
        max_rounds = data.checks + 10
        started = time.perf_counter()
        deadline = started + max_seconds
        while True:
            rounds += 1
            if rounds > max_rounds or time.perf_counter() > deadline:
                raise SystemExit(f"baseline: not drained after {rounds - 1} rounds, "
                                 f"{time.perf_counter() - started:.0f} s")
            ids = [row[0] for row in conn.execute(
                "SELECT id FROM background_checks WHERE tenant_id = ? AND partner_id = ? AND status = 'pending' "
                "ORDER BY id LIMIT ?", (TENANT, partner_id, POLL_LIMIT))]
            if not ids:
                break
            for check_id in ids:
                conn.execute("BEGIN IMMEDIATE")
                moved = conn.execute(
                    "UPDATE background_checks SET status = 'queued', updated_at = ? "
                    "WHERE id = ? AND status = 'pending'",
                    (datetime.now(UTC).strftime(SQLITE_DATETIME), check_id)).rowcount
                conn.execute("COMMIT")
                if moved == 1:
                    claims.append(check_id)
                else:
                    conflicts += 1
        seconds = time.perf_counter() - started
    finally:
        conn.close()
    verify(data, run, claims, "baseline")
    return Outcome("baseline: sqlite3 claim loop", len(claims), conflicts, seconds, gets=rounds,
                   puts=len(claims) + conflicts)


# -- the HTTP pollers -----------------------------------------------------------------------------------------


def _request(conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str],
             body: bytes | None = None) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def _check_ids(body: bytes) -> list[int]:
    # The fuzzy serializer adds a random GUID key to every object: read the known keys only.
    return [int(item["backgroundcheckrequest"]["id"]) for item in json.loads(body)]


def poller(number: int, port: int, manifest: dict[str, Any], max_seconds: float, max_rounds: int,
           ready: "multiprocessing.Queue[Any]", start: Event, results: "multiprocessing.Queue[Any]") -> None:
    """One provider process: a token and a warm-up GET, then (from `start`) poll and claim until nothing is
    pending. Puts one result dict on `results`, an `error` key if anything went wrong."""
    outcome: dict[str, Any] = {"number": number, "claimed": [], "statuses": {}, "gets": 0, "get_s": [],
                               "put_s": []}
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": manifest["client_id"],
                                       "client_secret": manifest["client_secret"], "scope": SCOPES,
                                       "instanceId": str(TENANT)}).encode()
        status, body = _request(conn, "POST", "/connect/token",
                                {"Content-Type": "application/x-www-form-urlencoded"}, form)
        if status != 200:
            raise RuntimeError(f"token: {status} {body[:300]!r}")
        headers = {"Authorization": f"Bearer {json.loads(body)['access_token']}"}
        status, body = _request(conn, "GET", POLL, headers)  # warm-up: lists, claims nothing
        if status != 200:
            raise RuntimeError(f"warm-up GET: {status} {body[:300]!r}")
        put_headers = {**headers, "Content-Type": "application/json"}
        queued = b'{"status": "queued"}'
        ready.put(number)
        if not start.wait(60):
            raise RuntimeError("no start signal")
        conn.close()  # a fresh connection: the old one may have idled past the server's keep-alive
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        cpu = time.process_time()
        deadline = time.monotonic() + max_seconds
        claimed: list[int] = outcome["claimed"]
        statuses: Counter[int] = Counter()
        get_s: list[float] = outcome["get_s"]
        put_s: list[float] = outcome["put_s"]
        for _ in range(max_rounds):
            if time.monotonic() > deadline:
                raise RuntimeError(f"not drained within {max_seconds:.0f} s")
            t = time.perf_counter()
            status, body = _request(conn, "GET", POLL, headers)
            get_s.append(time.perf_counter() - t)
            if status != 200:
                raise RuntimeError(f"GET: {status} {body[:300]!r}")
            ids = _check_ids(body)
            if not ids:
                break
            for check_id in ids:
                t = time.perf_counter()
                status, body = _request(conn, "PUT", f"{BASE}/{check_id}", put_headers, queued)
                put_s.append(time.perf_counter() - t)
                statuses[status] += 1
                if status == 200:
                    claimed.append(check_id)
                elif status != 409:
                    raise RuntimeError(f"PUT {check_id}: {status} {body[:300]!r}")
        else:
            raise RuntimeError(f"not drained after {max_rounds} rounds")
        outcome["finished"] = time.monotonic()
        outcome["cpu"] = time.process_time() - cpu
        outcome["statuses"] = dict(statuses)
        conn.close()
    except Exception as exc:  # reported to the parent, which fails the run
        outcome["error"] = f"poller {number}: {type(exc).__name__}: {exc}"
    results.put(outcome)


def http_run(data: DataSet, pollers: int, max_seconds: float) -> Outcome:
    run = fresh_copy(data)
    env = {**os.environ, "HIREPORT_DATA_DIR": str(run), "HIREPORT_LOG_LEVEL": "WARNING"}
    env.pop("HIREPORT_DATABASE_URL", None)
    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    ready: multiprocessing.Queue[Any] = ctx.Queue()
    results: multiprocessing.Queue[Any] = ctx.Queue()
    start = ctx.Event()
    label = f"hireport HTTP, {pollers} poller{'s' if pollers > 1 else ''}"
    outcomes: list[dict[str, Any]] = []
    with serving([sys.executable, "-m", "hireport", "serve", "--host", HOST, "--port", str(port)], env, port):
        processes = [ctx.Process(target=poller, args=(n, port, data.manifest, max_seconds, data.checks + 10, ready,
                                                      start, results), daemon=True) for n in range(pollers)]
        try:
            for p in processes:
                p.start()
            for _ in range(pollers):
                try:
                    ready.get(timeout=60)
                except Empty:
                    raise SystemExit(f"{label}: pollers not ready within 60 s "
                                     f"({_drain(results)})") from None
            started = time.monotonic()
            start.set()
            for _ in range(pollers):
                try:
                    outcomes.append(results.get(timeout=max(1.0, started + max_seconds + 30 - time.monotonic())))
                except Empty:
                    raise SystemExit(f"{label}: no result within {max_seconds:.0f} s") from None
        finally:
            for p in processes:
                p.join(timeout=5)
                if p.is_alive():
                    p.terminate()
                    p.join(timeout=5)
    errors = [o["error"] for o in outcomes if "error" in o]
    if errors:
        raise SystemExit(f"{label}: failed:\n  " + "\n  ".join(errors))
    claims = [i for o in outcomes for i in o["claimed"]]
    verify(data, run, claims, label)
    statuses: Counter[int] = Counter()
    for o in outcomes:
        statuses.update({int(k): v for k, v in o["statuses"].items()})
    get_s = [s for o in outcomes for s in o["get_s"]]
    put_s = [s for o in outcomes for s in o["put_s"]]
    seconds = max(o["finished"] for o in outcomes) - started
    return Outcome(label, len(claims), statuses[409], seconds, gets=len(get_s), puts=len(put_s),
                   get_ms=statistics.median(get_s) * 1000, put_ms=statistics.median(put_s) * 1000,
                   client_cpu=sum(o["cpu"] for o in outcomes),
                   extra={"per_poller": sorted(len(o["claimed"]) for o in outcomes)})


def _drain(results: "multiprocessing.Queue[Any]") -> str:
    found = []
    while True:
        try:
            found.append(results.get_nowait().get("error", "no error"))
        except Empty:
            return "; ".join(found) or "no report"


# -- report ---------------------------------------------------------------------------------------------------


def print_report(data: DataSet, base: Outcome, runs: list[Outcome], build_seconds: float) -> None:
    m = data.manifest
    how = "checks.order in one transaction" if m["via_service"] else "Core insert executemany"
    print(f"\n{data.checks:,} pending checks for partner {PARTNER} in tenant {TENANT} ({m['jobs']} jobs, "
          f"{data.checks:,} applications); built in {build_seconds:.1f} s (checks: {m['checks_seconds']:.2f} s "
          f"by {how}; applicants+applications: {m['applications_seconds']:.2f} s) at {data.pristine}")
    print(f"Each run on a fresh copy; timed from a common start to the last poller's empty list "
          f"(tokens and one warm-up GET per poller before it); {os.cpu_count()} CPUs\n")
    print(f"{'run':34} {'checks':>7} {'seconds':>8} {'checks/s':>9} {'409s':>6} {'GETs':>6} {'PUTs':>6} "
          f"{'GET p50':>8} {'PUT p50':>8} {'client CPU':>10}  ratio to baseline")
    print(f"{base.name:34} {base.claimed:7,} {base.seconds:8.2f} {base.rate:9.0f} {base.conflicts:6d} "
          f"{base.gets:6d} {base.puts:6d} {'':>8} {'':>8} {'':>10}  1")
    for r in runs:
        print(f"{r.name:34} {r.claimed:7,} {r.seconds:8.2f} {r.rate:9.0f} {r.conflicts:6d} {r.gets:6d} {r.puts:6d} "
              f"{r.get_ms:6.2f}ms {r.put_ms:6.2f}ms {r.client_cpu:9.1f}s  {r.rate / base.rate:.4f} "
              f"(1/{base.rate / r.rate:.0f})")
    print("\nEvery check claimed exactly once and queued in the database, in every run. Claims per poller: "
          + "; ".join(f"{r.extra['per_poller'][0]}..{r.extra['per_poller'][-1]} ({len(r.extra['per_poller'])})"
                      for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=10_000, help="pending checks in the backlog")
    parser.add_argument("--pollers", default="1,4,8", help="comma-separated poller counts, one run each")
    parser.add_argument("--data", type=Path, help="data directory (default bench/data/checks-N); rebuilt every run")
    parser.add_argument("--max-seconds", type=float, default=MAX_SECONDS, help="cap per run (at most 300)")
    parser.add_argument("--via-service", action="store_true",
                        help="order the checks with hireport.services.checks.order instead of a Core insert")
    args = parser.parse_args()
    counts = [int(p) for p in args.pollers.split(",") if p.strip()]
    if not counts or min(counts) < 1 or max(counts) > 64:
        raise SystemExit("--pollers: between 1 and 64 each, e.g. 1,4,8")
    max_seconds = min(args.max_seconds, MAX_SECONDS)
    root = args.data or Path(__file__).parent / "data" / f"checks-{args.checks}"

    started = time.perf_counter()
    data = build(args.checks, root, via_service=args.via_service)
    build_seconds = time.perf_counter() - started
    print(f"built {data.pristine} in {build_seconds:.1f} s", file=sys.stderr)
    base = baseline(data, max_seconds)
    print(f"baseline: {base.rate:,.0f} checks/s", file=sys.stderr)
    runs = []
    for count in counts:
        runs.append(http_run(data, count, max_seconds))
        print(f"{runs[-1].name}: {runs[-1].rate:,.0f} checks/s", file=sys.stderr)
    print_report(data, base, runs, build_seconds)


if __name__ == "__main__":
    main()
