"""PageUp Hire API at scale: the export loop's offer list and a job's applications, on tenant 218 holding
10,000, 100,000 and (with --million) 1,000,000 applications.

    python -m bench.pageup [--seconds 10] [--connections 8] [--latency-seconds 3] [--million] [--documents]

1. Builds the data sets with `bench.pageup_data` (reused when already built under --data, default bench/data/);
   with --documents, data sets that also hold document rows (resumes, offer letters, position descriptions).
2. At 100,000 applications: measures the 20-row floor (`bench.floors`, in both forms, the faster counts),
   then serves hireport and loads `GET /offers?offerAccepted=true&offerProcessed=false&formComplete=true&
   pageSize=20` and `GET /jobs/{lJobID}/applications?pageSize=20` with wrk for --seconds over --connections
   keep-alive connections: req/s, p50, p99, and req/s as a ratio to the floor.
3. For every size: serves hireport on it and measures the same two calls over ONE connection for
   --latency-seconds: the median latency by size of a list call whose cost does not depend on the table
   should stay flat from 10k to 1M.
"""

import argparse
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import floors
from bench.harness import HOST, Row, free_port, hireport_env, print_table, serve_command, serving
from bench.pageup_data import TENANT, build, is_complete
from bench.wrk import Result, load

GROUP = "pageup"
SIZES = (10_000, 100_000)
MILLION = 1_000_000
LOAD_SIZE = 100_000
SCOPES = "Public.Offer.Read Public.Application.Read"
TARGETS = {"offers": "GET /offers export filter (20)", "job applications": "GET /jobs/{id}/applications (20)"}
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class DataSet:
    applications: int
    path: Path
    manifest: dict[str, Any]
    build_seconds: float  # this run's: 0 when reused
    reused: bool


@dataclass(frozen=True)
class Report:
    sets: list[DataSet]
    floor: floors.Floor
    loads: dict[str, Result]  # at LOAD_SIZE, by target
    latency: dict[int, dict[str, tuple[Result, int]]]  # size -> target -> (one-connection result, TotalCount)


def paths(job_id: int) -> dict[str, str]:
    base = f"/v3/{TENANT}/recruitment/hire"
    return {"offers": f"{base}/offers?offerAccepted=true&offerProcessed=false&formComplete=true&pageSize=20",
            "job applications": f"{base}/jobs/{job_id}/applications?pageSize=20"}


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


def load_targets(port: int, manifest: dict[str, Any], seconds: float, connections: int
                 ) -> dict[str, tuple[Result, int]]:
    """Each target with a fresh token, checked and warmed up first; returns its load and the list's TotalCount."""
    found = {}
    for name, path in paths(int(manifest["sample_job_id"])).items():
        access_token = token(port, manifest)
        total = 0
        for _ in range(3):
            total = int(get_json(port, path, access_token)["TotalCount"])
        found[name] = (load(TARGETS[name], f"http://{HOST}:{port}{path}",
                            headers={"Authorization": f"Bearer {access_token}"},
                            seconds=seconds, connections=connections), total)
    return found


def data_sets(root: Path, sizes: list[int], *, documents: bool, rebuild: bool) -> list[DataSet]:
    found = []
    for size in sizes:
        path = root / f"pageup-{size}{'-docs' if documents else ''}"
        reused = not rebuild and is_complete(path, size, documents=documents)
        started = time.perf_counter()
        manifest = build(size, path, documents=documents, force=rebuild)
        found.append(DataSet(size, path, manifest, 0.0 if reused else time.perf_counter() - started, reused))
    return found


def measure(sizes: list[int], *, seconds: float, latency_seconds: float, connections: int, documents: bool = False,
            rebuild: bool = False, data: Path = DATA) -> Report:
    sets = data_sets(data, sizes, documents=documents, rebuild=rebuild)
    floor = floors.measure(["20-row read"], seconds=seconds, connections=connections)["20-row read"]
    latency = {}
    loads = {}
    for d in sets:
        port = free_port()
        with serving(serve_command(port), hireport_env(d.path), port, d.path / "serve.log"):
            if d.applications == LOAD_SIZE:
                loads = {name: r for name, (r, _) in load_targets(port, d.manifest, seconds, connections).items()}
            latency[d.applications] = load_targets(port, d.manifest, latency_seconds, 1)
    return Report(sets, floor, loads, latency)


def rows(report: Report) -> list[Row]:
    found = [report.floor.row(GROUP)]
    found += [report.floor.ratio(GROUP, r, f"at {LOAD_SIZE:,} applications") for r in report.loads.values()]
    smallest, largest = min(report.latency), max(report.latency)
    for name, target in TARGETS.items():
        base, top = report.latency[smallest][name][0], report.latency[largest][name][0]
        found.append(Row(GROUP, f"{target}, 1 connection", top.p50_ms, "ms p50", None, None,
                         f"at {largest:,}: {top.p50_ms / base.p50_ms:.2f}x its p50 at {smallest:,} "
                         f"({base.p50_ms:.2f} ms)"))
    return found


def run(quick: bool = False) -> list[Row]:
    return rows(measure(list(SIZES), seconds=3 if quick else 10, latency_seconds=1 if quick else 3, connections=8))


def print_report(report: Report, seconds: float, latency_seconds: float, connections: int) -> None:
    print(f"\n{'data set':>22} {'jobs':>6} {'offers':>8} {'pending':>8} {'documents':>10} {'built in':>10}  path")
    for d in report.sets:
        built = "reused" if d.reused else f"{d.build_seconds:.1f} s"
        print(f"{d.applications:>13,} apps. {d.manifest['jobs']:>6,} {d.manifest['offers']:>8,} "
              f"{d.manifest['pending_offers']:>8} {d.manifest.get('documents', 0):>10,} {built:>10}  {d.path}")
    print(f"\nAt {LOAD_SIZE:,} applications: wrk, {seconds:.0f} s per target, {connections} connections\n")
    print(f"{'target':38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'req/s ratio':>12}")
    floor = report.floor.best
    for r in [*report.floor.forms, *report.loads.values()]:
        ratio = "" if r in report.floor.forms else f"{r.rps / floor.rps:12.3f}"
        print(f"{r.name:38} {r.rps:8.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.errors:7d} {ratio}")
    print(f"(ratios are to the faster form of the 20-row floor in this run: {floor.name})")
    print(f"\nLatency by size: one connection, {latency_seconds:.0f} s per call\n")
    print(f"{'applications':>13} " + "".join(f"{name + ' p50 ms':>24} {'p99':>7} {'total':>6} {'vs smallest':>12}"
                                             for name in TARGETS))
    base = report.latency[min(report.latency)]
    for size, found in report.latency.items():
        print(f"{size:>13,} " + "".join(f"{r.p50_ms:24.2f} {r.p99_ms:7.2f} {total:6d} "
                                        f"{r.p50_ms / base[name][0].p50_ms:11.2f}x"
                                        for name, (r, total) in found.items()))
    print("(total: the list's TotalCount, i.e. pending offers and the sample job's applications)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per target (max 120)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--latency-seconds", type=float, default=3.0, help="one-connection time per call and size")
    parser.add_argument("--million", action="store_true", help="also build and measure 1,000,000 applications")
    parser.add_argument("--documents", action="store_true", help="data sets with document rows as well")
    parser.add_argument("--data", type=Path, default=DATA, help="where data sets live")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data sets even if present")
    args = parser.parse_args()
    sizes = [*SIZES, *([MILLION] if args.million else [])]
    report = measure(sizes, seconds=args.seconds, latency_seconds=args.latency_seconds, connections=args.connections,
                     documents=args.documents, rebuild=args.rebuild, data=args.data)
    print_report(report, args.seconds, args.latency_seconds, args.connections)
    print()
    print_table(rows(report))


if __name__ == "__main__":
    main()
