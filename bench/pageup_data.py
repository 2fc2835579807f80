"""Scale data for the PageUp benchmark: a hireport data directory whose tenant 218 holds N applications.

    python -m bench.pageup_data 100000 [--documents] [--out bench/data/pageup-100000] [--force]

Migrates a SQLite database in the directory (`hireport.server.prepare`), or the PostgreSQL database `build` is
given (bench.scale), creates tenant 218 and an integrator client with the Hire scopes, then bulk-inserts with
SQLAlchemy Core `insert()` executemany, 10,000 rows a batch: N/1000 jobs (at least 10), one applicant per
application, N applications (a job takes the applications of its few months, about 1000 each, two form answers
apiece), and offers for 10% of the applications. Almost every offer is accepted, new-starter form complete and
processed; among the newest offers a steady 50 are accepted + form complete + not processed (the export loop's
pending set), 100 are not accepted yet and 50 accepted with the form still open, whatever N is.

With --documents (directory `pageup-N-docs` by default) it also adds document rows as `hireport demo` has them:
a position description on every job, a resume on 30% of the applications, a letter on every offer. Metadata
only: the list calls read no bytes, so no files are written (a document's download link would find none).

`bench-credentials.json` in the directory, written last, holds the client's id and secret (and the first
operator credential) and says the data set is complete; a directory that has it is reused unless --force.
Generated data never goes into git: `bench/data/` is ignored.
"""

import argparse
import hashlib
import json
import random
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select
from sqlalchemy.orm import Session

from hireport.dialects.pageup.scopes import PROVIDER_SCOPES, Scope
from hireport.kit.clock import Clock
from hireport.models import Applicant, Application, ApplicationStatus, Document, Job, JobStatus, Offer
from hireport.server import prepare
from hireport.services import identity
from hireport.settings import Settings

TENANT = 218
CREDENTIALS = "bench-credentials.json"
MARKER = ".bench-pageup-data"
BATCH = 10_000
APPLICATIONS_PER_JOB = 1000
MIN_JOBS = 10
OFFER_EVERY = 10  # one application in ten has an offer
PENDING = 50  # accepted + form complete + not processed: what the export loop lists
UNACCEPTED = 100  # offered, no answer yet
FORM_OPEN = 50  # accepted, new-starter form not submitted yet
OPEN_WINDOW = 1000  # the open offers are among this many newest offers
HISTORY = timedelta(days=3 * 365)
RESUME_SHARE = 0.3  # with --documents: applications with a resume

FIRST = ["Olivia", "Noah", "Amelia", "Jack", "Isla", "William", "Mia", "Oliver", "Ava", "Leo", "Grace", "Lucas",
         "Chloe", "Henry", "Zoe", "Thomas", "Ruby", "James", "Sofia", "Ethan", "Maya", "Lachlan", "Aisha", "Kenji",
         "Priya", "Mateo", "Hannah", "Arjun", "Charlotte", "Liam", "Fatima", "Samuel"]
LAST = ["Smith", "Nguyen", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White", "Martin", "Anderson",
        "Thompson", "Walker", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Davies", "Singh", "Chen",
        "Patel", "Murphy", "Kumar", "Garcia", "Tran", "O'Brien", "Campbell"]
MIDDLE = [None, None, None, "J", "Marie", "Lee", "Anne", "Michael"]
TITLES = ["Registered Nurse - Emergency", "Payroll Officer", "Senior Software Engineer", "Warehouse Team Leader",
          "Customer Service Consultant", "Graduate Accountant", "HR Business Partner", "Data Analyst",
          "Marketing Coordinator", "Site Safety Officer", "Store Manager", "Legal Counsel", "Physiotherapist",
          "Enrolled Nurse - Aged Care", "Facilities Coordinator", "IT Support Analyst"]
SITES = ["Parramatta", "Melbourne CBD", "Brisbane North", "Adelaide", "Perth", "Hobart", "Newcastle", "Geelong"]
SOURCES = ["Careers site", "Careers site", "SEEK", "SEEK", "LinkedIn", "Referral", "Indeed"]
STEPS = ["Screening", "Phone interview", "Interview", "Reference check", "Offer"]
QUESTIONS = ["Do you have the right to work in Australia?", "Years of relevant experience"]
ONBOARDING = ["Tax file number supplied", "Bank BSB", "Superannuation fund", "Emergency contact"]


@dataclass(frozen=True)
class Plan:
    applications: int
    jobs: int
    offers: int
    open_states: dict[int, str]  # offer number -> "pending" | "unaccepted" | "form_open"; others are processed


def plan(applications: int, seed: int) -> Plan:
    jobs = max(MIN_JOBS, applications // APPLICATIONS_PER_JOB)
    offers = (applications + OFFER_EVERY - 8) // OFFER_EVERY  # applications i with i % 10 == 7
    window = min(offers, OPEN_WINDOW)
    # Small data sets keep the same proportions of open offers, in at most a fifth of the window.
    scale = min(1.0, window / (5 * (PENDING + UNACCEPTED + FORM_OPEN)))
    counts = {"pending": round(PENDING * scale), "unaccepted": round(UNACCEPTED * scale),
              "form_open": round(FORM_OPEN * scale)}
    positions = random.Random(seed).sample(range(offers - window, offers), sum(counts.values()))
    states: dict[int, str] = {}
    for state, count in counts.items():
        for position in positions[:count]:
            states[position] = state
        positions = positions[count:]
    return Plan(applications, jobs, offers, states)


def sqlite_engine(url: str) -> Engine:
    """An engine for bulk loading: no fsync, big cache; foreign keys stay off (SQLite's default), the ids
    are assigned here and are consistent by construction."""
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    return engine


def _next_id(conn: Connection, model: Any) -> int:
    return int(conn.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1


class Generator:
    def __init__(self, target: Plan, now: datetime, seed: int, *, documents: bool = False) -> None:
        self.plan = target
        self.now = now
        self.start = now - HISTORY
        self.rng = random.Random(seed)
        self.documents = documents
        self.doc_rng = random.Random(seed + 1)  # apart, so the other rows are the same with or without documents

    def document(self, owner: str, owner_id: int, title: str, file_name: str, at: datetime) -> dict[str, Any]:
        key = hashlib.sha256(f"bench {owner} {owner_id}".encode()).hexdigest()[:32]
        return {"tenant_id": TENANT, "job_id": owner_id if owner == "job" else None,
                "application_id": owner_id if owner == "application" else None,
                "offer_id": owner_id if owner == "offer" else None, "title": title, "file_name": file_name,
                "mime_type": "application/pdf", "category": title, "size_bytes": self.doc_rng.randint(20_000, 400_000),
                "sha256": hashlib.sha256(key.encode()).hexdigest(), "storage_key": key, "created_at": at}

    # -- jobs -------------------------------------------------------------------------------------------------

    def job_window(self, number: int) -> tuple[datetime, datetime]:
        """The months job `number` takes applications: jobs open one after another over the history."""
        span = HISTORY / self.plan.jobs
        opened = self.start + span * number - timedelta(days=10)
        return opened, opened + span * 3 + timedelta(days=20)

    def jobs(self, first_id: int) -> list[dict[str, Any]]:
        rng, rows = self.rng, []
        for number in range(self.plan.jobs):
            opened, closes = self.job_window(number)
            if closes < self.now - timedelta(days=30):
                status = rng.choice([JobStatus.closed] * 8 + [JobStatus.canceled])
            else:
                status = rng.choice([JobStatus.published] * 4 + [JobStatus.frozen])
            title, site = rng.choice(TITLES), rng.choice(SITES)
            job_id = first_id + number
            rows.append({
                "id": job_id, "tenant_id": TENANT, "external_id": f"REQ-{100000 + job_id}", "code": str(job_id),
                "title": f"{title} - {site}", "status": status,
                "description": f"<p>Join Acme Health in {site} as a {title}.</p>", "summary": f"{title}, full time",
                "num_vacancies": rng.randint(1, 4), "replacement_positions": 0, "job_type": "full_time",
                "career_page_id": 1,
                "salary": float(rng.randint(60, 180) * 1000), "hiring_deadline": (closes + timedelta(days=30)).date(),
                "application_deadline": closes.date(), "expires_at": closes, "quick_apply": rng.random() < 0.2,
                "cancel_reason": "cancellation_requested_by_manager" if status == JobStatus.canceled else None,
                "custom_fields": [], "attributes": {  # the vendor-only fields, under their wire names
                    "publicationType": "external", "departmentId": rng.randint(1, 12), "roleId": rng.randint(1, 40),
                    "SiteID": site, "OwnerUserID": f"u{rng.randint(100, 199)}",
                    "NeededDate": (closes + timedelta(days=45)).isoformat(),
                    "PositionStart": (closes + timedelta(days=60)).isoformat(),
                    "SupplementaryField1": rng.choice(["Clinical", "Corporate"])},
                "created_at": opened - timedelta(days=14), "updated_at": min(closes, self.now),
            })
        return rows

    # -- applicants, applications, offers -----------------------------------------------------------------------

    def job_documents(self, jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not self.documents:
            return []
        return [self.document("job", j["id"], "Position description", f"position-description-{j['id']}.pdf",
                              j["created_at"]) for j in jobs]

    def batch(self, first: int, last: int, ids: dict[str, int]) -> tuple[list[dict[str, Any]], ...]:
        """Rows for applications number `first` to `last - 1`: their applicants, themselves, their offers
        (and, with documents, the resumes and offer letters)."""
        rng, target = self.rng, self.plan
        applicants: list[dict[str, Any]] = []
        applications: list[dict[str, Any]] = []
        offers: list[dict[str, Any]] = []
        documents: list[dict[str, Any]] = []
        step = HISTORY / target.applications
        for i in range(first, last):
            applied = self.start + step * i + timedelta(seconds=rng.randint(0, 600))
            # The jobs open around this time, newest most likely; ~APPLICATIONS_PER_JOB each.
            base = i * target.jobs // target.applications
            job = min(target.jobs - 1, max(0, base - rng.choice((0, 0, 0, 1, 1, 2))))
            first_name, last_name = rng.choice(FIRST), rng.choice(LAST)
            applicant_id, application_id = ids["applicants"] + i, ids["applications"] + i
            applicants.append({
                "id": applicant_id, "tenant_id": TENANT, "first_name": first_name,
                "middle_name": rng.choice(MIDDLE), "last_name": last_name,
                "email": f"{first_name}.{last_name}.{applicant_id}@example.com".lower().replace("'", ""),
                "phone": f"+61 4{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
                "attributes": {}, "created_at": applied,
            })
            state = offer = None
            if i % OFFER_EVERY == 7:
                offer_number = i // OFFER_EVERY
                state = target.open_states.get(offer_number, "processed")
                offer = self.offer(ids["offers"] + offer_number, application_id, applied, state)
                offers.append(offer)
            roll = rng.random()
            hired_at = ended_at = None
            if state == "processed":
                assert offer is not None
                status, code, step_name = ApplicationStatus.hired, "HIRED", "Offer"
                hired_at = offer["processed_at"]
            elif state is not None:
                status, code, step_name = ApplicationStatus.in_process, "OFFER", "Offer"
            elif applied > self.now - timedelta(days=60) or roll < 0.15:
                status, code, step_name = ApplicationStatus.in_process, "APPLIED", rng.choice(STEPS[:4])
            else:
                status = ApplicationStatus.reproved if roll < 0.85 else ApplicationStatus.give_up
                code, step_name = ("UNSUCCESSFUL" if status == ApplicationStatus.reproved else "WITHDRAWN"), "Screening"
                ended_at = min(applied + timedelta(days=rng.randint(3, 30)), self.now)
            updated = max(t for t in (applied, hired_at, ended_at) if t is not None)
            applications.append({
                "id": application_id, "tenant_id": TENANT, "job_id": ids["jobs"] + job, "applicant_id": applicant_id,
                "status": status, "status_code": code, "order_of_merit": None,
                "score": round(rng.uniform(40, 99), 1), "source": rng.choice(SOURCES), "current_step": step_name,
                "tags": ["priority"] if roll > 0.95 else [],
                "form_answers": [{"question": QUESTIONS[0], "answer": "Yes" if roll < 0.9 else "No"},
                                 {"question": QUESTIONS[1], "answer": rng.randint(0, 15)}],
                "attributes": {}, "hired_at": hired_at, "ended_at": ended_at, "created_at": applied,
                "updated_at": updated,
            })
            if self.documents:
                if self.doc_rng.random() < RESUME_SHARE:
                    documents.append(self.document("application", application_id, "Resume",
                                                   f"{first_name}-{last_name}-resume.pdf".lower(), applied))
                if offer is not None:
                    documents.append(self.document("offer", offer["id"], "Letter of offer",
                                                   f"letter-of-offer-{offer['id']}.pdf", offer["offer_made_at"]))
        return applicants, applications, offers, documents

    def offer(self, offer_id: int, application_id: int, applied: datetime, state: str) -> dict[str, Any]:
        """An offer made some weeks after the application; every step before now, in order."""
        rng, room = self.rng, self.now - applied
        made = applied + min(timedelta(days=rng.randint(14, 30)), room * 0.4)
        accepted = completed = processed = None
        if state != "unaccepted":
            accepted = made + min(timedelta(days=rng.randint(1, 3)), room * 0.2)
        if state in ("pending", "processed") and accepted:
            completed = accepted + min(timedelta(hours=rng.randint(2, 48)), room * 0.2)
        if state == "processed" and completed:
            processed = completed + min(timedelta(hours=rng.randint(1, 24)), room * 0.1)
        answers = ([{"question": q, "answer": a} for q, a in zip(
            ONBOARDING, ["Yes", f"{rng.randint(10, 99)}2-{rng.randint(100, 999)}", "AustralianSuper", "Partner"],
            strict=True)] if completed else [])
        start = made + timedelta(days=rng.randint(14, 60))
        return {
            "id": offer_id, "tenant_id": TENANT, "application_id": application_id, "parent_offer_id": None,
            "status": "Accepted" if accepted else "Offered", "offer_made_at": made, "start_date": start,
            "end_date": None, "probation_end_date": start + timedelta(days=180),
            "hours_per_week": rng.choice([38.0, 38.0, 30.0, 20.0]), "hours_per_month": None,
            "comments": "Standard offer", "pay_scale_id": f"HP-{rng.randint(1, 6)}", "accepted_at": accepted,
            "form_completed_at": completed, "processed_at": processed, "onboarding_answers": answers,
            "attributes": {"OfferSupplementary_Text1": "Parking included"}, "created_at": made,
            "updated_at": max(t for t in (made, accepted, completed, processed) if t is not None),
        }


def ranges(total: int, size: int) -> Iterator[tuple[int, int]]:
    for first in range(0, total, size):
        yield first, min(total, first + size)


def default_out(applications: int, *, documents: bool = False) -> Path:
    return Path(__file__).parent / "data" / f"pageup-{applications}{'-docs' if documents else ''}"


def is_complete(out: Path, applications: int, *, documents: bool = False) -> bool:
    try:
        manifest = json.loads((out / CREDENTIALS).read_text())
    except (OSError, ValueError):
        return False
    return bool(manifest.get("applications") == applications and bool(manifest.get("documents")) == documents)


def build(applications: int, out: Path, *, documents: bool = False, force: bool = False, seed: int = TENANT,
          console: Console | None = None, database_url: str | None = None) -> dict[str, Any]:
    """Build the data set in `out` (or reuse it if complete); returns the manifest (credentials included).
    With `database_url` (an empty PostgreSQL database) the rows go there and `out` keeps the rest."""
    console = console or Console(stderr=True)
    if applications < 1:
        raise ValueError("at least one application")
    if not force and is_complete(out, applications, documents=documents):
        console.print(f"reusing {out} ({applications:,} applications)")
        return dict(json.loads((out / CREDENTIALS).read_text()))
    if out.exists() and any(out.iterdir()):
        # Only ever delete a directory this generator made (a partial or stale data set).
        if not (out / MARKER).exists():
            raise SystemExit(f"{out} is not empty and was not made by bench.pageup_data; pick another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by bench.pageup_data; deleted and rebuilt by it\n")
    started = time.perf_counter()
    settings = Settings(data_dir=out, database_url=database_url)
    prepared = prepare(settings)
    clock = Clock()
    now = clock.now()
    target = plan(applications, seed)
    url = settings.resolved_database_url
    engine = sqlite_engine(url) if url.startswith("sqlite") else create_engine(url)
    gen = Generator(target, now, seed, documents=documents)
    document_count = 0
    try:
        with engine.begin() as conn:
            ids = {"jobs": _next_id(conn, Job), "applicants": _next_id(conn, Applicant),
                   "applications": _next_id(conn, Application), "offers": _next_id(conn, Offer)}
        # The tenant and its client through the services, as `hireport` itself makes them.
        with Session(engine) as session, session.begin():
            identity.create_tenant(session, tenant_id=TENANT, name="Acme Health (scale bench)", clock=clock)
            hire_scopes = [s.value for s in Scope if s not in PROVIDER_SCOPES]
            client, secret = identity.create_client(session, name="bench integrator", scopes=hire_scopes,
                                                    tenant_id=TENANT, clock=clock)
            client_id, scopes = client.client_id, list(client.scopes)
        with engine.begin() as conn:
            job_rows = gen.jobs(ids["jobs"])
            conn.execute(insert(Job), job_rows)
            if document_rows := gen.job_documents(job_rows):
                conn.execute(insert(Document), document_rows)
                document_count += len(document_rows)
        columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]:>8} rows/s"), TimeElapsedColumn(), TimeRemainingColumn()]
        with Progress(*columns, console=console) as progress:
            task = progress.add_task(f"tenant {TENANT}: applications", total=applications, rate="-")
            loaded = 0
            for first, last in ranges(applications, BATCH):
                applicant_rows, application_rows, offer_rows, document_rows = gen.batch(first, last, ids)
                with engine.begin() as conn:
                    conn.execute(insert(Applicant), applicant_rows)
                    conn.execute(insert(Application), application_rows)
                    if offer_rows:
                        conn.execute(insert(Offer), offer_rows)
                    if document_rows:
                        conn.execute(insert(Document), document_rows)
                document_count += len(document_rows)
                loaded += len(applicant_rows) + len(application_rows) + len(offer_rows) + len(document_rows)
                progress.update(task, completed=last,
                                rate=f"{loaded / (time.perf_counter() - started):,.0f}")
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:  # the ids were given here: move the sequences past them, and give the planner its statistics
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in (m.__tablename__ for m in (Job, Applicant, Application, Offer, Document)):
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT coalesce(max(id), 1) FROM {table}))")
                conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    job_id = ids["jobs"] + target.jobs // 2  # a job from the middle of the history, ~1000 applications
    manifest = {
        "applications": applications, "tenant": TENANT, "jobs": target.jobs, "offers": target.offers,
        "documents": document_count,
        "pending_offers": sum(1 for s in target.open_states.values() if s == "pending"),
        "first_job_id": ids["jobs"], "sample_job_id": job_id, "client_id": client_id, "client_secret": secret,
        "scopes": scopes, "operator_secret": prepared.first_operator_secret, "seconds": round(seconds, 1),
        "generated_at": now.isoformat(),
    }
    (out / CREDENTIALS).write_text(json.dumps(manifest, indent=2) + "\n")
    (out / CREDENTIALS).chmod(0o600)
    console.print(f"built {out}: {applications:,} applications, {target.jobs:,} jobs, {target.offers:,} offers "
                  f"({manifest['pending_offers']} pending export), {document_count:,} documents in {seconds:.1f} s")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("applications", type=int, help="applications in tenant 218, e.g. 10000, 100000, 1000000")
    parser.add_argument("--documents", action="store_true", help="add document rows (resumes, offer letters)")
    parser.add_argument("--out", type=Path, help="data directory (default bench/data/pageup-N[-docs])")
    parser.add_argument("--force", action="store_true", help="rebuild even if a complete data set is there")
    parser.add_argument("--seed", type=int, default=TENANT)
    args = parser.parse_args()
    out = args.out or default_out(args.applications, documents=args.documents)
    manifest = build(args.applications, out, documents=args.documents, force=args.force, seed=args.seed)
    json.dump({k: v for k, v in manifest.items() if k != "operator_secret"}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
