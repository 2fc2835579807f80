"""Careers pages: what a search engine's crawler or a crowd of candidates costs, against the 20-row read floor
measured in the same run.

    python -m bench.careers [--seconds 10] [--connections 8]

1. Floor: `bench.floors`' 20-row read (a bare sqlite3 SELECT of 20 rows as JSON), both forms, the faster counts.
2. `hireport demo` into a fresh data directory, then `hireport serve`. wrk loads, each for --seconds:
   the demo careers page's listing (round robin over searches and filters, as candidates use it), one job's
   page (with its JSON-LD), and the sitemap. Each is a server-rendered page read from the database.
"""

import tempfile
from pathlib import Path

from bench import floors
from bench.harness import HOST, Row, demo, free_port, hireport_env, load_main, serve_command, serving
from bench.wrk import load

GROUP = "careers"
SEARCHES = ["", "?q=nurse", "?department=Finance", "?location=Sydney+NSW", "?type=Full+time", "?q=manager&page=1"]


def run(quick: bool = False, *, seconds: float | None = None, connections: int = 8) -> list[Row]:
    seconds = seconds if seconds is not None else (3 if quick else 10)
    floor = floors.measure(["20-row read"], seconds=seconds, connections=connections)["20-row read"]
    rows = [floor.row(GROUP)]
    with tempfile.TemporaryDirectory(prefix="hireport-bench-careers-") as work:
        data = Path(work) / "data"
        page = demo(data)["careers"]
        port = free_port()
        env = hireport_env(data, run_delivery_worker="false")
        with serving(serve_command(port), env, port, Path(work) / "serve.log"):
            base = f"http://{HOST}:{port}"
            listing = load("listing (searches and filters)", base + page,
                           cycle=[(page + s, None) for s in SEARCHES], seconds=seconds, connections=connections)
            job = load("a job's page (JSON-LD)", f"{base}{page}jobs/1", seconds=seconds, connections=connections)
            sitemap = load("sitemap.xml", f"{base}{page}sitemap.xml", seconds=seconds, connections=connections)
    return rows + [floor.ratio(GROUP, result) for result in (listing, job, sitemap)]


def main() -> None:
    load_main(__doc__ or "", lambda seconds, connections: run(seconds=seconds, connections=connections))


if __name__ == "__main__":
    main()
