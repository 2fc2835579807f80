"""Past one process: the PageUp offers list served by one, then two `hireport serve` worker processes on one
PostgreSQL, as the throughput ratio two workers / one worker.

    python -m bench.scale [--applications 100000] [--seconds 10] [--connections 8]

Starts a throwaway PostgreSQL cluster (`tests.postgres.postgres_server`: Debian's binaries, fsync off),
loads it with the PageUp data set (`bench.pageup_data`, --applications applications in tenant 218), then
serves hireport on it with `--workers 1` and with `--workers 2` in turn and loads `GET /offers?...&pageSize=20`
with wrk. Everything runs on this machine: wrk (one thread) and PostgreSQL share its cores with hireport's
workers, and so does whatever else runs here (the load average is printed).
"""

import argparse
import os
import tempfile
from pathlib import Path

from tests.postgres import postgres_server

from bench.harness import HOST, Row, free_port, hireport_env, print_table, serve_command, serving
from bench.pageup import get_json, paths, token
from bench.pageup_data import build
from bench.wrk import Result, load

GROUP = "scale"


def shared() -> str:
    load1, _, _ = os.getloadavg()
    return (f"{os.cpu_count()} cores shared with wrk (1 thread) and PostgreSQL; "
            f"load average {load1:.1f} before the load")


def measure(applications: int, *, seconds: float, connections: int) -> tuple[dict[int, Result], list[str]]:
    """req/s of the offers list by worker count, and what shared the cores during each load."""
    found, notes = {}, []
    with postgres_server() as url, tempfile.TemporaryDirectory(prefix="hireport-bench-scale-") as work:
        data = Path(work)
        manifest = build(applications, data, database_url=url, force=True)
        path = paths(int(manifest["sample_job_id"]))["offers"]
        for workers in (1, 2):
            port = free_port()
            with serving(serve_command(port, workers), hireport_env(data, database_url=url), port,
                         data / f"serve-{workers}.log"):
                access_token = token(port, manifest)
                for _ in range(5 * workers):  # every worker answers once before the load, most likely
                    get_json(port, path, access_token)
                notes.append(shared())
                found[workers] = load(f"GET /offers (20), {workers} worker{'s' if workers > 1 else ''}",
                                      f"http://{HOST}:{port}{path}", seconds=seconds, connections=connections,
                                      headers={"Authorization": f"Bearer {access_token}"})
    return found, notes


def rows(found: dict[int, Result], notes: list[str], applications: int) -> list[Row]:
    one, two = found[1], found[2]
    where = f"PostgreSQL, {applications:,} applications; "
    return [Row(GROUP, one.name, one.rps, "req/s", None, None, where + notes[0]),
            Row(GROUP, two.name, two.rps, "req/s", two.rps / one.rps, "1 worker", where + notes[1])]


def run(quick: bool = False) -> list[Row]:
    applications = 10_000 if quick else 100_000
    found, notes = measure(applications, seconds=3 if quick else 10, connections=8)
    return rows(found, notes, applications)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=100_000, help="size of the PageUp data set")
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per worker count (max 120)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections")
    args = parser.parse_args()
    found, notes = measure(args.applications, seconds=args.seconds, connections=args.connections)
    for r in found.values():
        print(f"{r.name:32} {r.rps:8.0f} req/s  p50 {r.p50_ms:.2f} ms  p99 {r.p99_ms:.2f} ms  {r.errors} errors")
    print(f"two workers / one: {found[2].rps / found[1].rps:.2f}\n")
    print_table(rows(found, notes, args.applications))


if __name__ == "__main__":
    main()
