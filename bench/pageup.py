"""PageUp Hire API at scale: the export loop's offer list and a job's applications, on tenant 218 holding
10,000, 100,000 and (with --million) 1,000,000 applications.

    python -m bench.pageup [--seconds 10] [--concurrency 8] [--latency-seconds 3] [--million] [--documents]

1. Builds the data sets with `bench.pageup_data` (reused when already built under --data, default bench/data/);
   with --documents, data sets that also hold document rows (resumes, offer letters, position descriptions).
2. At 100,000 applications: serves hireport and the floor (`bench.floors`, whose /rows is a bare 20-row sqlite3
   read), each as its own process on 127.0.0.1, and loads each target from a separate process for --seconds
   with --concurrency keep-alive connections: the floor, `GET /offers?offerAccepted=true&offerProcessed=false&
   formComplete=true&pageSize=20` and `GET /jobs/{lJobID}/applications?pageSize=20`. Prints req/s, p50, p99
   and each hireport figure as a ratio to the floor measured in the same run.
3. For every size: serves hireport on it and measures the latency of the same two calls over ONE connection
   for --latency-seconds, then prints the median latency by size: a list call whose cost does not depend on
   the table stays flat from 10k to 1M.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.floors import make_database
from bench.harness import HOST, Result, free_port, load, serving
from bench.pageup_data import TENANT, build, is_complete

MAX_SECONDS = 120.0
SIZES = (10_000, 100_000)
MILLION = 1_000_000
LOAD_SIZE = 100_000
SCOPES = "Public.Offer.Read Public.Application.Read"
OFFERS = "offers"
JOB_APPLICATIONS = "job applications"


@dataclass(frozen=True)
class DataSet:
    applications: int
    path: Path
    manifest: dict[str, Any]
    build_seconds: float  # this run's: 0 when reused
    reused: bool


@dataclass(frozen=True)
class Latency:
    applications: int
    offers: Result
    offers_total: int
    job: Result
    job_total: int


def paths(job_id: int) -> dict[str, str]:
    base = f"/v3/{TENANT}/recruitment/hire"
    return {
        OFFERS: f"{base}/offers?offerAccepted=true&offerProcessed=false&formComplete=true&pageSize=20",
        JOB_APPLICATIONS: f"{base}/jobs/{job_id}/applications?pageSize=20",
    }


def hireport_command(port: int) -> list[str]:
    return [sys.executable, "-m", "hireport", "serve", "--host", HOST, "--port", str(port)]


def hireport_env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "HIREPORT_DATA_DIR": str(data_dir), "HIREPORT_LOG_LEVEL": "WARNING"}
    env.pop("HIREPORT_DATABASE_URL", None)
    return env


def token(port: int, manifest: dict[str, Any]) -> str:
    """A fresh access token from /connect/token (they live 300 s: one per target)."""
    body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": manifest["client_id"],
                                   "client_secret": manifest["client_secret"], "scope": SCOPES,
                                   "instanceId": str(TENANT)}).encode()
    request = urllib.request.Request(f"http://{HOST}:{port}/connect/token", data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback, fixed scheme)
        return str(json.loads(response.read())["access_token"])


def get_json(port: int, path: str, access_token: str) -> dict[str, Any]:
    """One request, to check the target answers 200 (and to warm it up) before it is loaded."""
    request = urllib.request.Request(f"http://{HOST}:{port}{path}",
                                     headers={"Authorization": f"Bearer {access_token}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback, fixed scheme)
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"GET {path}: {exc.code} {exc.read()[:300]!r}") from None


def spec(port: int, path: str, access_token: str | None = None) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
    return {"method": "GET", "host": HOST, "port": port, "path": path, "headers": headers}


def prepare_target(port: int, manifest: dict[str, Any], path: str) -> tuple[str, int]:
    """A fresh token, checked and warmed up on the target; returns it with the list's TotalCount."""
    access_token = token(port, manifest)
    total = 0
    for _ in range(3):
        total = int(get_json(port, path, access_token)["TotalCount"])
    return access_token, total


def data_sets(root: Path, sizes: list[int], *, documents: bool, rebuild: bool) -> list[DataSet]:
    found = []
    for size in sizes:
        path = root / f"pageup-{size}{'-docs' if documents else ''}"
        reused = not rebuild and is_complete(path, size, documents=documents)
        started = time.perf_counter()
        manifest = build(size, path, documents=documents, force=rebuild)
        found.append(DataSet(size, path, manifest, 0.0 if reused else time.perf_counter() - started, reused))
    return found


def throughput(data: DataSet, seconds: float, concurrency: int) -> list[Result]:
    results: list[Result] = []
    uvicorn_flags = ["--host", HOST, "--log-level", "warning", "--no-access-log"]
    targets = paths(int(data.manifest["sample_job_id"]))
    with tempfile.TemporaryDirectory(prefix="hireport-pageup-floor-") as work:
        floor_db = str(Path(work) / "floor.db")
        make_database(floor_db)
        floor_port = free_port()
        with serving([sys.executable, "-m", "uvicorn", "bench.floors:app", "--port", str(floor_port), *uvicorn_flags],
                     {**os.environ, "BENCH_SQLITE": floor_db}, floor_port):
            results.append(load("floor: sqlite3 20 rows", spec(floor_port, "/rows"), seconds, concurrency))
    port = free_port()
    with serving(hireport_command(port), hireport_env(data.path), port):
        for name, label in ((OFFERS, "hireport: offers export list (20)"),
                            (JOB_APPLICATIONS, "hireport: job applications (20)")):
            access_token, _ = prepare_target(port, data.manifest, targets[name])
            results.append(load(label, spec(port, targets[name], access_token), seconds, concurrency))
    return results


def latency_by_size(data: DataSet, seconds: float) -> Latency:
    targets = paths(int(data.manifest["sample_job_id"]))
    port = free_port()
    with serving(hireport_command(port), hireport_env(data.path), port):
        found: dict[str, tuple[Result, int]] = {}
        for name in (OFFERS, JOB_APPLICATIONS):
            access_token, total = prepare_target(port, data.manifest, targets[name])
            found[name] = (load(name, spec(port, targets[name], access_token), seconds, 1), total)
    return Latency(data.applications, found[OFFERS][0], found[OFFERS][1], found[JOB_APPLICATIONS][0],
                   found[JOB_APPLICATIONS][1])


def print_data(sets: list[DataSet]) -> None:
    print(f"\n{'data set':>22} {'jobs':>6} {'offers':>8} {'pending':>8} {'documents':>10} {'built in':>10}  path")
    for d in sets:
        built = "reused" if d.reused else f"{d.build_seconds:.1f} s"
        print(f"{d.applications:>13,} apps. {d.manifest['jobs']:>6,} {d.manifest['offers']:>8,} "
              f"{d.manifest['pending_offers']:>8} {d.manifest.get('documents', 0):>10,} {built:>10}  {d.path}")
    reused = [d for d in sets if d.reused]
    if reused:
        print("(reused data sets were built in: "
              + ", ".join(f"{d.applications:,}: {d.manifest['seconds']} s" for d in reused) + ")")


def print_throughput(results: list[Result], seconds: float, concurrency: int) -> None:
    floor = results[0]
    print(f"\nAt {LOAD_SIZE:,} applications: {seconds:.0f} s per target, {concurrency} keep-alive connections, "
          "loader in its own process\n")
    print(f"{'target':38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'req/s ratio':>12} "
          f"{'p50 ratio':>10}")
    for r in results:
        ratios = "" if r is floor else f"{r.rps / floor.rps:12.3f} {r.p50_ms / floor.p50_ms:10.1f}"
        print(f"{r.name:38} {r.rps:8.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.errors:7d} {ratios}")
    print("(ratios are to the floor in this run: req/s as a fraction of its req/s, p50 as a multiple of its p50)")


def print_latency(rows: list[Latency], seconds: float) -> None:
    print(f"\nMedian latency by size: one connection, {seconds:.0f} s per call\n")
    print(f"{'applications':>13} {'offers p50 ms':>14} {'p99':>7} {'total':>6} {'vs 10k':>7}   "
          f"{'job apps p50 ms':>16} {'p99':>7} {'total':>6} {'vs 10k':>7}")
    base = rows[0]
    for r in rows:
        print(f"{r.applications:>13,} {r.offers.p50_ms:14.2f} {r.offers.p99_ms:7.2f} {r.offers_total:6d} "
              f"{r.offers.p50_ms / base.offers.p50_ms:6.2f}x   {r.job.p50_ms:16.2f} {r.job.p99_ms:7.2f} "
              f"{r.job_total:6d} {r.job.p50_ms / base.job.p50_ms:6.2f}x")
    print("(total: the list's TotalCount, i.e. pending offers and the sample job's applications; errors: "
          + ", ".join(f"{r.applications:,}: {r.offers.errors + r.job.errors}" for r in rows) + ")")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per target (max 120)")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--latency-seconds", type=float, default=3.0, help="one-connection time per call and size")
    parser.add_argument("--million", action="store_true", help="also build and measure 1,000,000 applications")
    parser.add_argument("--documents", action="store_true", help="data sets with document rows as well")
    parser.add_argument("--data", type=Path, default=Path(__file__).parent / "data", help="where data sets live")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data sets even if present")
    args = parser.parse_args()
    seconds = min(args.seconds, MAX_SECONDS)
    latency_seconds = min(args.latency_seconds, MAX_SECONDS)

    sizes = [*SIZES, *([MILLION] if args.million else [])]
    sets = data_sets(args.data, sizes, documents=args.documents, rebuild=args.rebuild)
    by_size = {d.applications: d for d in sets}
    loads = throughput(by_size[LOAD_SIZE], seconds, args.concurrency)
    latencies = [latency_by_size(d, latency_seconds) for d in sets]

    print_data(sets)
    print_throughput(loads, seconds, args.concurrency)
    print_latency(latencies, latency_seconds)


if __name__ == "__main__":
    main()
