"""Benchmark harness: floors and hireport, each served as its own process on loopback, each loaded from a
separate process for a bounded time; hireport's figures are printed as ratios to their floor in this run.

    python -m bench.harness [--seconds 10] [--concurrency 8]
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.floors import make_database

HOST = "127.0.0.1"


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int, log: Path | None = None) -> Iterator[None]:
    """Run a server until the block ends; its output goes to `log` (shown if it does not start), if given."""
    if log is None:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        with log.open("w") as out:
            process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection((HOST, port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = f":\n{log.read_text()[-3000:]}" if log else ""
                    raise RuntimeError(f"{command} did not start{output}") from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=15)


def load(name: str, spec: dict[str, object], seconds: float, concurrency: int) -> Result:
    out = subprocess.run([sys.executable, "-m", "bench.load", "--spec", json.dumps(spec), "--seconds",
                          str(seconds), "--concurrency", str(concurrency)],
                         capture_output=True, text=True, check=True, timeout=seconds + 60)
    data = json.loads(out.stdout)
    latencies = sorted(data["latencies"]) or [0.0]
    return Result(name, data["requests"], data["errors"], data["seconds"],
                  statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.99) - 1] * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per target (max 120)")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections")
    args = parser.parse_args()
    seconds = min(args.seconds, 120.0)
    work = Path(tempfile.mkdtemp(prefix="hireport-bench-"))
    hireport = [sys.executable, "-m", "hireport"]
    uvicorn_flags = ["--host", HOST, "--log-level", "warning", "--no-access-log"]

    floor_port, app_port = free_port(), free_port()
    make_database(str(work / "floor.db"))
    floor_env = {**os.environ, "BENCH_SQLITE": str(work / "floor.db")}
    env = {**os.environ, "HIREPORT_DATA_DIR": str(work / "data"), "HIREPORT_LOG_LEVEL": "WARNING"}
    env.pop("HIREPORT_DATABASE_URL", None)
    demo = subprocess.run([*hireport, "demo", "--json"], env=env, capture_output=True, text=True, check=True)
    client = json.loads(demo.stdout)["clients"][0]
    operator = demo.stderr.split("Bearer ")[1].split()[0]

    results: list[Result] = []
    with serving([sys.executable, "-m", "uvicorn", "bench.floors:app", "--port", str(floor_port), *uvicorn_flags],
                 floor_env, floor_port):
        results.append(load("floor: Starlette JSON", {"method": "GET", "host": HOST, "port": floor_port,
                                                     "path": "/json"}, seconds, args.concurrency))
        results.append(load("floor: sqlite3 20 rows", {"method": "GET", "host": HOST, "port": floor_port,
                                                      "path": "/rows"}, seconds, args.concurrency))
    with serving([*hireport, "serve", "--port", str(app_port)], env, app_port):
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client["client_id"],
                                       "client_secret": client["client_secret"], "scope": "Public.Job.Read",
                                       "instanceId": "218"})
        results.append(load("hireport: POST /connect/token", {
            "method": "POST", "host": HOST, "port": app_port, "path": "/connect/token", "body": body,
            "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, seconds, args.concurrency))
        results.append(load("hireport: GET manage applicants (20)", {
            "method": "GET", "host": HOST, "port": app_port, "path": "/manage/v1/tenants/218/applicants?limit=20",
            "headers": {"Authorization": f"Bearer {operator}"}}, seconds, args.concurrency))

    floors = {"hireport: POST /connect/token": results[0], "hireport: GET manage applicants (20)": results[1]}
    print(f"\n{seconds:.0f} s per target, {args.concurrency} keep-alive connections, loader in its own process\n")
    print(f"{'target':40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  ratio to floor")
    for r in results:
        floor = floors.get(r.name)
        ratio = f"{r.rps / floor.rps:.3f} of '{floor.name}'" if floor else ""
        print(f"{r.name:40} {r.rps:9.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.errors:7d}  {ratio}")


if __name__ == "__main__":
    main()
