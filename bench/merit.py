"""Order of merit: the cost per item must stay flat as the request grows (linear time).

Two measurements, in-process on a real (temporary) SQLite database:
1. `change_order_of_merit` ranking N applications of one job, N = 250, 500, 1,000 (the cap);
2. the duplicate check alone (`applications.duplicated`), on 1k, 10k and 100k ids with one duplicate at
   the end (above the cap a request is refused before this check, so it is called directly).
Each line prints the time per item and its ratio to the smallest size: flat (about 1.0) is linear, and
below 1.0 is a fixed cost per request (the transaction, the query for the job's ranking) spread over more
items; quadratic work would double the ratio with every doubling of N.

    .venv/bin/python -m bench.merit [--repeat 5]

In `python -m bench`'s table: the time per item at the largest size, and its ratio to the smallest in the note.
"""

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.harness import Row, print_table
from hireport.app import build_runtime
from hireport.kit.auth import Caller
from hireport.kit.runtime import Runtime
from hireport.migrations import runner
from hireport.server import prepare
from hireport.services import applicants, applications, identity, jobs
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields
from hireport.services.jobs import JobFields
from hireport.settings import Settings

TENANT = 1
GROUP = "merit"
RANK = "rank N applications (service, SQLite)"
DUPLICATES = "duplicate check alone"


def measure(repeat: int) -> dict[str, dict[int, float]]:
    """The best time of `repeat` runs, in seconds, by measurement and size."""
    with tempfile.TemporaryDirectory() as work:
        settings = Settings(data_dir=Path(work), run_delivery_worker=False)
        runner.upgrade(settings.resolved_database_url)
        prepare(settings)
        rt = build_runtime(settings)
        ids = _applications(rt, 1000)
        caller = Caller.operator(TENANT)

        def rank(n: int) -> Callable[[], object]:
            def run() -> object:
                with rt.db.transaction() as session:
                    return applications.change_order_of_merit(
                        session, caller, [(i, r) for r, i in enumerate(ids[:n], start=1)], clock=rt.clock)
            return run

        found = {RANK: _best({n: rank(n) for n in (250, 500, 1000)}, repeat)}

        def duplicates(n: int) -> Callable[[], object]:
            ids = [*range(1, n), 1]

            def run() -> object:
                assert applications.duplicated(ids) == [1]
                return None
            return run

        found[DUPLICATES] = _best({n: duplicates(n) for n in (1_000, 10_000, 100_000)}, repeat)
        rt.db.dispose()
    return found


def rows(found: dict[str, dict[int, float]]) -> list[Row]:
    out = []
    for title, times in found.items():
        (small, first), (large, last) = min(times.items()), max(times.items())
        out.append(Row(GROUP, f"{title}, N={large:,}", last / large * 1e6, "µs/item", None, None,
                       f"{(last / large) / (first / small):.2f}x the time per item at N={small:,}"))
    return out


def run(quick: bool = False) -> list[Row]:
    return rows(measure(2 if quick else 5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs per size")
    args = parser.parse_args()
    found = measure(args.repeat)
    for title, times in found.items():
        print(title)
        base = None
        for n, best in times.items():
            per_item = best / n
            base = base or per_item
            print(f"  N={n:>7,}  {best * 1000:9.2f} ms  {per_item * 1e6:8.3f} µs/item  ratio {per_item / base:5.2f}")
    print()
    print_table(rows(found))


def _applications(rt: Runtime, n: int) -> list[int]:
    """One job with `n` applications."""
    clock, caller = rt.clock, Caller.operator(TENANT)
    with rt.db.transaction() as session:
        identity.create_tenant(session, tenant_id=TENANT, name="bench", clock=clock)
        job = jobs.create(session, caller, JobFields(title="Nurse"), clock=clock)
        ids = []
        for k in range(n):
            person = applicants.create(session, caller, ApplicantFields(
                first_name="A", last_name=str(k), email=f"a{k}@example.com"), clock=clock)
            ids.append(applications.create(session, caller, ApplicationFields(
                job_id=job.id, applicant_id=person.id), clock=clock).id)
    return ids


def _best(runs: dict[int, Callable[[], object]], repeat: int) -> dict[int, float]:
    return {n: min(_timed(run) for _ in range(repeat)) for n, run in runs.items()}


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
