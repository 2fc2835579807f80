"""Background-check claiming at scale: providers drain a backlog of N pending checks over HTTP with 1, 4 and 8
concurrent pollers, against a bare claim loop (no HTTP) doing the same SQL on the same database.

    python -m bench.checks [--checks 10000] [--pollers 1,4,8] [--postgres [--workers 2]] [--strict]
                           [--data bench/data/checks-N] [--via-service]

1. Builds a fresh hireport data set (rebuilt on every run): migrated by `hireport.server.prepare`, tenant 218,
   partner `bg` enabled for it, a provider client of `bg` with `Public.BackgroundCheck.Read
   Public.BackgroundCheck.Write`, N/1000 jobs (at least 10), one applicant and one application per check, and N
   pending checks addressed to `bg`, bulk-inserted with SQLAlchemy Core `insert()` executemany (with
   --via-service: `hireport.services.checks.order`, all in one transaction). On SQLite, in
   `<data>/pristine/hireport.db`; with --postgres, also in a database of a throwaway PostgreSQL cluster
   (Debian's binaries, on 127.0.0.1; `tests/postgres.py`; HIREPORT_TEST_POSTGRES_URL to use a running one).
2. Baseline, per database: on a pristine copy, no HTTP, one DB-API connection (sqlite3 with hireport's pragmas,
   or psycopg) does what hireport does for one provider, round after round: hand out (one transaction,
   `BEGIN IMMEDIATE` on SQLite: `WITH due AS (SELECT the 5 oldest pending, unleased ids of bg in tenant 218
   [FOR UPDATE SKIP LOCKED, MATERIALIZED on PostgreSQL]) UPDATE ... SET leased_until=? WHERE id IN due
   RETURNING id`, as hireport does), then claim each
   (`UPDATE ... SET status='queued' WHERE id=? AND status='pending'`, one transaction each), until none is
   left.
3. For each poller count: on a fresh pristine copy, serves hireport (`hireport serve`, 127.0.0.1 only; with
   --postgres, `--workers 2` server processes on the PostgreSQL copy) and starts that many poller processes
   (plain `http.client`, one keep-alive connection each) that behave as a real provider: get a token, then,
   from a common start, loop `GET /v3/218/backgroundchecking?status=pending&provider=bg` and `PUT
   /v3/218/backgroundchecking/{id}` `{"status": "queued"}` for each listed check (200: claimed; 409: another
   poller won) until the list is empty. Each poll leases the checks it is handed (30 s), so parallel pollers
   get different checks; with --strict, also each count with the tenant's strict setting
   (`pending_checks_leased: false`: every poll the 5 oldest), the stampede the leases remove.

Prints checks/s (claimed checks / wall time), the 409s, requests per claim (every GET, the last empty one
included, and every PUT, over the checks claimed), median latencies, and each HTTP figure as a ratio to the
baseline on the same database; then the rows `python -m bench` shows. Every check must be claimed exactly
once, and be `queued` in the database afterwards: anything else fails the run. Each run is capped at
--max-seconds (300) and a bounded number of rounds; the server and every poller are terminated at the end.
Generated data lives under bench/data/ (ignored by git).
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
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Event
from pathlib import Path
from queue import Empty
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, create_engine, func, insert, make_url, select, text
from sqlalchemy.orm import Session

from bench.harness import HOST, Row, free_port, hireport_env, print_table, serve_command, serving
from bench.pageup_data import sqlite_engine
from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.models import Applicant, Application, ApplicationStatus, BackgroundCheck, CheckStatus, Job, JobStatus
from hireport.server import prepare
from hireport.services import checks as check_service
from hireport.services import identity
from hireport.settings import Settings

GROUP = "checks"
TENANT = 218
PARTNER = "bg"
SCOPES = "Public.BackgroundCheck.Read Public.BackgroundCheck.Write"
POLL_LIMIT = check_service.POLL_LIMIT  # what the API lists per GET
LEASE_SECONDS = check_service.LEASE_SECONDS  # how long a poll's checks are its own
MAX_SECONDS = 300.0
BATCH = 10_000
CHECKS_PER_JOB = 1000
MIN_JOBS = 10
TOKEN_LIFETIME = 3600  # longer than any capped run
WORKERS = 2  # server processes on PostgreSQL
MARKER = ".bench-checks-data"
MANIFEST = "bench-credentials.json"
BASE = f"/v3/{TENANT}/backgroundchecking"
POLL = f"{BASE}?status=pending&provider={PARTNER}"
WARM_UP = f"{BASE}?status=queued"  # a 400 after the token is checked: warms the path, leases nothing
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime on SQLite
PRISTINE_DB, RUN_DB = "bench_checks_pristine", "bench_checks_run"  # PostgreSQL databases


# -- where the data lives -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backend:
    """SQLite (a file in the data directory, one server process) or a PostgreSQL server (a database of its
    own per copy, `workers` server processes)."""

    server_url: str | None = None  # PostgreSQL: a server URL whose user may create databases
    workers: int = 1

    @property
    def name(self) -> str:
        return "SQLite" if self.server_url is None else f"PostgreSQL, {self.workers} processes"

    def database_url(self, data_dir: Path, database: str) -> str:
        if self.server_url is None:
            return f"sqlite:///{(data_dir / 'hireport.db').resolve()}"
        return make_url(self.server_url).set(database=database).render_as_string(hide_password=False)

    def recreate(self, database: str, template: str | None = None) -> None:
        """PostgreSQL: drop `database` and create it empty (or as a copy of `template`)."""
        assert self.server_url is not None
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else "")))
        finally:
            admin.dispose()


SQLITE = Backend()


@dataclass(frozen=True)
class DataSet:
    backend: Backend
    pristine: Path
    database_url: str
    manifest: dict[str, Any]

    @property
    def checks(self) -> int:
        return int(self.manifest["checks"])


@dataclass(frozen=True)
class Copy:
    """A copy of the pristine data set, for one measurement."""

    data_dir: Path
    database_url: str


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


def _engine(url: str) -> Engine:
    return sqlite_engine(url) if url.startswith("sqlite") else create_engine(url)


def build(count: int, root: Path, *, backend: Backend = SQLITE, via_service: bool = False) -> DataSet:
    """A fresh data set, `<root>/pristine` and its database, holding `count` pending checks for partner bg in
    tenant 218."""
    if count < 1:
        raise SystemExit("--checks must be at least 1")
    _claim_root(root)
    pristine = root / "pristine"
    if backend.server_url is not None:
        backend.recreate(PRISTINE_DB)
    database_url = backend.database_url(pristine, PRISTINE_DB)
    started = time.perf_counter()
    settings = Settings(data_dir=pristine, database_url=database_url)
    prepare(settings)
    clock = Clock()
    now = clock.now()
    engine = _engine(database_url)
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
        with engine.begin() as conn:
            check_ids = [int(i) for i in conn.scalars(
                select(BackgroundCheck.id).where(BackgroundCheck.tenant_id == TENANT,
                                                 BackgroundCheck.status == CheckStatus.pending))]
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            else:  # the ids were given: move the sequences past them, as hireport's own inserts would
                for table in ("jobs", "applicants", "applications", "background_checks"):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))")
    finally:
        engine.dispose()
    if len(check_ids) != count:
        raise SystemExit(f"built {len(check_ids)} pending checks, not {count}")
    manifest = {
        "checks": count, "tenant": TENANT, "partner": PARTNER, "partner_id": partner_id, "jobs": jobs,
        "first_check_id": min(check_ids), "last_check_id": max(check_ids), "client_id": client_id,
        "client_secret": secret, "scopes": SCOPES, "via_service": via_service, "backend": backend.name,
        "seconds": round(time.perf_counter() - started, 2), "applications_seconds": round(timings["applications"], 2),
        "checks_seconds": round(timings["checks"], 2), "generated_at": now.isoformat(),
    }
    (pristine / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    (pristine / MANIFEST).chmod(0o600)
    return DataSet(backend, pristine, database_url, manifest)


def fresh_copy(data: DataSet, *, strict: bool = False) -> Copy:
    """`<root>/run` (and, on PostgreSQL, a database copied from the pristine one): for one measurement
    (nothing may hold the pristine data open). `strict`: the tenant asks for the strict answer."""
    run = data.pristine.parent / "run"
    if run.exists():
        shutil.rmtree(run)
    shutil.copytree(data.pristine, run)
    if data.backend.server_url is not None:
        data.backend.recreate(RUN_DB, template=PRISTINE_DB)
    copy = Copy(run, data.backend.database_url(run, RUN_DB))
    if strict:
        engine = _engine(copy.database_url)
        try:
            with Session(engine) as session, session.begin():
                identity.update_tenant(session, TENANT, name=None, settings={"pending_checks_leased": False})
        finally:
            engine.dispose()
    return copy


def verify(data: DataSet, copy: Copy, claims: list[int], label: str) -> None:
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
    engine = _engine(copy.database_url)
    try:
        with engine.connect() as conn:
            statuses = {str(status): int(n) for status, n in conn.execute(
                select(BackgroundCheck.status, func.count()).where(BackgroundCheck.tenant_id == TENANT)
                .group_by(BackgroundCheck.status))}
    finally:
        engine.dispose()
    if statuses != {CheckStatus.queued.value: data.checks}:
        problems.append(f"statuses in the database afterwards: {statuses}")
    if problems:
        raise SystemExit(f"{label}: NOT exactly once:\n  " + "\n  ".join(problems))


# -- the baseline: a bare claim loop, no HTTP -----------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    backend: str
    pollers: int
    claimed: int
    conflicts: int
    seconds: float
    gets: int = 0
    puts: int = 0
    get_ms: float = 0.0  # medians
    put_ms: float = 0.0
    client_cpu: float = 0.0  # the pollers' CPU seconds, all together
    strict: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.claimed / self.seconds

    @property
    def requests_per_claim(self) -> float:
        return (self.gets + self.puts) / self.claimed


HAND_OUT = ("WITH due AS {materialized}(SELECT id FROM background_checks WHERE tenant_id = ? AND partner_id = ? "
            "AND status = 'pending' AND (leased_until IS NULL OR leased_until <= ?) ORDER BY id LIMIT ?{lock}) "
            "UPDATE background_checks SET leased_until = ? WHERE tenant_id = ? AND id IN (SELECT id FROM due) "
            "RETURNING id")
CLAIM = ("UPDATE background_checks SET status = 'queued', leased_until = NULL, updated_at = ? "
         "WHERE id = ? AND status = 'pending'")


class _BareLoop:
    """One DB-API connection doing hireport's SQL for one provider: SQLite (sqlite3, hireport's pragmas,
    `BEGIN IMMEDIATE` for every transaction) or PostgreSQL (psycopg, `FOR UPDATE SKIP LOCKED`)."""

    def __init__(self, database_url: str) -> None:
        self.sqlite = database_url.startswith("sqlite")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
            # hireport's pragmas (hireport.kit.db): WAL, synchronous=NORMAL, foreign keys, busy timeout.
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
                self.conn.execute(f"PRAGMA {pragma}")
        else:
            self.conn = psycopg.connect(make_url(database_url).set(drivername="postgresql")
                                        .render_as_string(hide_password=False))

    def _sql(self, sql: str) -> str:
        return sql if self.sqlite else sql.replace("?", "%s")

    def _now(self, delta: float = 0.0) -> Any:
        moment = datetime.now(UTC) + timedelta(seconds=delta)
        return moment.strftime(SQLITE_DATETIME) if self.sqlite else moment

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        cursor = self.conn.cursor()
        if self.sqlite:
            cursor.execute("BEGIN IMMEDIATE")
        try:
            yield cursor
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    def hand_out(self, partner_id: int) -> list[int]:
        with self._transaction() as cursor:
            sql = (HAND_OUT.format(materialized="", lock="") if self.sqlite
                   else HAND_OUT.format(materialized="MATERIALIZED ", lock=" FOR UPDATE SKIP LOCKED"))
            cursor.execute(self._sql(sql), (TENANT, partner_id, self._now(), POLL_LIMIT, self._now(LEASE_SECONDS),
                                            TENANT))
            return sorted(int(row[0]) for row in cursor.fetchall())

    def claim(self, check_id: int) -> bool:
        with self._transaction() as cursor:
            cursor.execute(self._sql(CLAIM), (self._now(), check_id))
            return bool(cursor.rowcount == 1)

    def close(self) -> None:
        self.conn.close()


def baseline(data: DataSet, max_seconds: float) -> Outcome:
    copy = fresh_copy(data)
    loop = _BareLoop(copy.database_url)
    claims: list[int] = []
    conflicts = rounds = 0
    try:
        partner_id = int(data.manifest["partner_id"])
        max_rounds = data.checks + 10
        started = time.perf_counter()
        deadline = started + max_seconds
        while True:
            rounds += 1
            if rounds > max_rounds or time.perf_counter() > deadline:
                raise SystemExit(f"baseline: not drained after {rounds - 1} rounds, "
                                 f"{time.perf_counter() - started:.0f} s")
            ids = loop.hand_out(partner_id)
            if not ids:
                break
            if len(ids) > POLL_LIMIT:
                raise SystemExit(f"baseline: one hand-out leased {len(ids)} checks, more than {POLL_LIMIT}")
            for check_id in ids:
                if loop.claim(check_id):
                    claims.append(check_id)
                else:
                    conflicts += 1
        seconds = time.perf_counter() - started
    finally:
        loop.close()
    verify(data, copy, claims, "baseline")
    driver = "sqlite3" if loop.sqlite else "psycopg"
    return Outcome(f"bare claim loop ({driver})", data.backend.name, 1, len(claims), conflicts, seconds,
                   gets=rounds, puts=len(claims) + conflicts)


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
    """One provider process: a token and a warm-up request (which leases nothing), then (from `start`) poll
    and claim until nothing is pending. Puts one result dict on `results`, an `error` key if anything went
    wrong."""
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
        status, body = _request(conn, "GET", WARM_UP, headers)  # a poll would lease checks for 30 s
        if status != 400:
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


def http_run(data: DataSet, pollers: int, max_seconds: float, *, strict: bool = False) -> Outcome:
    copy = fresh_copy(data, strict=strict)
    backend = data.backend
    env = hireport_env(copy.data_dir, **({} if backend.server_url is None else {"database_url": copy.database_url}))
    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    ready: multiprocessing.Queue[Any] = ctx.Queue()
    results: multiprocessing.Queue[Any] = ctx.Queue()
    start = ctx.Event()
    label = f"{pollers} poller{'s' if pollers > 1 else ''}{', strict' if strict else ''}"
    outcomes: list[dict[str, Any]] = []
    with serving(serve_command(port, backend.workers), env, port, copy.data_dir / "serve.log"):
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
        raise SystemExit(f"{label} ({backend.name}): failed:\n  " + "\n  ".join(errors))
    claims = [i for o in outcomes for i in o["claimed"]]
    verify(data, copy, claims, f"{label} ({backend.name})")
    statuses: Counter[int] = Counter()
    for o in outcomes:
        statuses.update({int(k): v for k, v in o["statuses"].items()})
    get_s = [s for o in outcomes for s in o["get_s"]]
    put_s = [s for o in outcomes for s in o["put_s"]]
    seconds = max(o["finished"] for o in outcomes) - started
    return Outcome(f"hireport HTTP, {label}", backend.name, pollers, len(claims), statuses[409], seconds,
                   gets=len(get_s), puts=len(put_s), get_ms=statistics.median(get_s) * 1000,
                   put_ms=statistics.median(put_s) * 1000, client_cpu=sum(o["cpu"] for o in outcomes),
                   strict=strict, extra={"per_poller": sorted(len(o["claimed"]) for o in outcomes)})


def _drain(results: "multiprocessing.Queue[Any]") -> str:
    found = []
    while True:
        try:
            found.append(results.get_nowait().get("error", "no error"))
        except Empty:
            return "; ".join(found) or "no report"


# -- one measurement per database -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    data: DataSet
    build_seconds: float
    baseline: Outcome
    runs: list[Outcome]


def measure(backend: Backend, root: Path, *, checks: int, pollers: Sequence[int], max_seconds: float,
            strict: bool = False, via_service: bool = False,
            progress: Callable[[str], None] = lambda _: None) -> Measured:
    started = time.perf_counter()
    data = build(checks, root, backend=backend, via_service=via_service)
    build_seconds = time.perf_counter() - started
    progress(f"{backend.name}: built {data.pristine} in {build_seconds:.1f} s")
    base = baseline(data, max_seconds)
    progress(f"{backend.name}: baseline {base.rate:,.0f} checks/s")
    runs = []
    for count in pollers:
        for strictly in (False, True) if strict else (False,):
            runs.append(http_run(data, count, max_seconds, strict=strictly))
            progress(f"{backend.name}: {runs[-1].name}: {runs[-1].rate:,.0f} checks/s, "
                     f"{runs[-1].requests_per_claim:.2f} requests per claim, {runs[-1].conflicts} 409s")
    return Measured(data, build_seconds, base, runs)


@contextmanager
def backends(postgres: bool, workers: int = WORKERS, sqlite: bool = True) -> Iterator[list[Backend]]:
    """SQLite, and with `postgres` a throwaway PostgreSQL cluster served by `workers` processes."""
    with ExitStack() as stack:
        found = [SQLITE] if sqlite else []
        if postgres:
            from tests.postgres import postgres_server  # the tests' throwaway cluster (Debian's binaries)

            found.append(Backend(stack.enter_context(postgres_server()), workers))
        yield found


def rows(measured: list[Measured]) -> list[Row]:
    found = []
    for m in measured:
        one = {r.strict: r.rate for r in m.runs if r.pollers == 1}
        for r in m.runs:
            versus = f", {r.rate / one[r.strict]:.2f}x 1 poller" if r.pollers > 1 and r.strict in one else ""
            found.append(Row(GROUP, f"drain, {r.pollers} poller{'s' if r.pollers > 1 else ''}"
                                    f"{' (strict)' if r.strict else ''}, {m.data.backend.name}",
                             r.rate, "checks/s", r.rate / m.baseline.rate, m.baseline.name,
                             f"{r.requests_per_claim:.2f} req/claim, {r.conflicts} 409s, exactly once{versus}"))
    return found


def run(quick: bool = False, *, checks: int | None = None, pollers: Sequence[int] = (1, 8), postgres: bool = True,
        workers: int = WORKERS, strict: bool = False) -> list[Row]:
    """The table's rows: each poller count's drain on SQLite (one server process) and, with `postgres`, on a
    throwaway PostgreSQL (`workers` server processes), each as a ratio to the bare claim loop on that
    database."""
    count = checks or (1000 if quick else 10_000)
    with backends(postgres, workers) as found:
        measured = [measure(b, _root(count, b), checks=count, pollers=pollers, max_seconds=MAX_SECONDS, strict=strict)
                    for b in found]
    return rows(measured)


def _root(count: int, backend: Backend, data: Path | None = None) -> Path:
    base = data or Path(__file__).parent / "data" / f"checks-{count}"
    return base if backend.server_url is None else base.with_name(base.name + "-postgresql")


# -- report ---------------------------------------------------------------------------------------------------


def print_report(m: Measured) -> None:
    data, base = m.data, m.baseline
    how = "checks.order in one transaction" if data.manifest["via_service"] else "Core insert executemany"
    print(f"\n{data.backend.name}: {data.checks:,} pending checks for partner {PARTNER} in tenant {TENANT} "
          f"({data.manifest['jobs']} jobs, {data.checks:,} applications); built in {m.build_seconds:.1f} s (checks: "
          f"{data.manifest['checks_seconds']:.2f} s by {how}; applicants+applications: "
          f"{data.manifest['applications_seconds']:.2f} s) at {data.pristine}")
    print(f"Each run on a fresh copy; timed from a common start to the last poller's empty list (a token and one "
          f"warm-up request per poller before it); {os.cpu_count()} CPUs; a poll leases its checks for "
          f"{LEASE_SECONDS} s\n")
    print(f"{'run':38} {'checks':>7} {'seconds':>8} {'checks/s':>9} {'409s':>6} {'GETs':>6} {'PUTs':>6} "
          f"{'req/claim':>9} {'GET p50':>8} {'PUT p50':>8} {'client CPU':>10}  ratio to baseline")
    print(f"{base.name:38} {base.claimed:7,} {base.seconds:8.2f} {base.rate:9.0f} {base.conflicts:6d} "
          f"{base.gets:6d} {base.puts:6d} {'':>9} {'':>8} {'':>8} {'':>10}  1")
    for r in m.runs:
        print(f"{r.name:38} {r.claimed:7,} {r.seconds:8.2f} {r.rate:9.0f} {r.conflicts:6d} {r.gets:6d} {r.puts:6d} "
              f"{r.requests_per_claim:9.2f} {r.get_ms:6.2f}ms {r.put_ms:6.2f}ms {r.client_cpu:9.1f}s  "
              f"{r.rate / base.rate:.4f} (1/{base.rate / r.rate:.0f})")
    print("(baseline: per round, one hand-out transaction and one transaction per claim; GETs = rounds)")
    print("Every check claimed exactly once and queued in the database, in every run. Claims per poller: "
          + "; ".join(f"{r.extra['per_poller'][0]}..{r.extra['per_poller'][-1]} ({len(r.extra['per_poller'])})"
                      for r in m.runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=10_000, help="pending checks in the backlog")
    parser.add_argument("--pollers", default="1,4,8", help="comma-separated poller counts, one run each")
    parser.add_argument("--postgres", action="store_true",
                        help="also on a throwaway PostgreSQL cluster, served by --workers processes")
    parser.add_argument("--only-postgres", action="store_true", help="on PostgreSQL only (implies --postgres)")
    parser.add_argument("--workers", type=int, default=WORKERS, help="server processes on PostgreSQL (default 2)")
    parser.add_argument("--strict", action="store_true",
                        help="also each poller count with the tenant's strict setting (no leases)")
    parser.add_argument("--data", type=Path, help="data directory (default bench/data/checks-N); rebuilt every run")
    parser.add_argument("--max-seconds", type=float, default=MAX_SECONDS, help="cap per run (at most 300)")
    parser.add_argument("--via-service", action="store_true",
                        help="order the checks with hireport.services.checks.order instead of a Core insert")
    args = parser.parse_args()
    counts = [int(p) for p in args.pollers.split(",") if p.strip()]
    if not counts or min(counts) < 1 or max(counts) > 64:
        raise SystemExit("--pollers: between 1 and 64 each, e.g. 1,4,8")
    if not 1 <= args.workers <= 8:
        raise SystemExit("--workers: between 1 and 8")
    max_seconds = min(args.max_seconds, MAX_SECONDS)
    measured = []
    with backends(args.postgres or args.only_postgres, args.workers, sqlite=not args.only_postgres) as found:
        for backend in found:
            measured.append(measure(backend, _root(args.checks, backend, args.data), checks=args.checks,
                                    pollers=counts, max_seconds=max_seconds, strict=args.strict,
                                    via_service=args.via_service, progress=lambda s: print(s, file=sys.stderr)))
    for m in measured:
        print_report(m)
    print()
    print_table(rows(measured))


if __name__ == "__main__":
    main()
