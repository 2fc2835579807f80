"""The floors hireport is measured against: bare Starlette endpoints, served exactly as hireport is.

- `/json`: a small JSON answer (the JSON floor);
- `/rows` and `/rows-inline`: a 20-row sqlite3 read, in the thread pool and on the event loop;
- `/write` and `/write-inline`: one single-row UPDATE in its own transaction (`BEGIN IMMEDIATE` ... `COMMIT`,
  WAL, synchronous=NORMAL: hireport's pragmas), a different row each time, in the thread pool and on the loop.

A floor with two forms counts as its faster one. `BENCH_SQLITE` names the database file `make_database` made.
"""

import itertools
import os
import sqlite3
import tempfile
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.harness import HOST, Row, asgi_command, free_port, serving
from bench.wrk import Result, load

PEOPLE = 1000
PAYLOAD = {"status": "ok", "items": [{"id": i, "name": f"item {i}"} for i in range(3)]}
FORMS = {  # floor -> (path, form) of each way it is served
    "JSON": [("/json", "")],
    "20-row read": [("/rows", "thread pool"), ("/rows-inline", "event loop")],
    "write": [("/write", "thread pool"), ("/write-inline", "event loop")],
}

_local = threading.local()
_ids = itertools.count()


def _connection() -> sqlite3.Connection:
    """This thread's connection; it runs its own transactions (isolation_level=None)."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = sqlite3.connect(os.environ["BENCH_SQLITE"], isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
    return conn


def _rows() -> list[dict[str, object]]:
    cursor = _connection().execute("SELECT id, first_name, last_name, email FROM people ORDER BY id LIMIT 20")
    return [{"id": r[0], "first_name": r[1], "last_name": r[2], "email": r[3]} for r in cursor]


def _write() -> dict[str, object]:
    n = next(_ids)
    person = n % PEOPLE + 1
    conn = _connection()
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("UPDATE people SET last_name = ? WHERE id = ?", (f"Last{n}", person))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return {"id": person}


async def json_endpoint(_request: Request) -> JSONResponse:
    return JSONResponse(PAYLOAD)


def endpoint(work: Callable[[], object], *, inline: bool) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def serve(_request: Request) -> JSONResponse:
        return JSONResponse({"result": work() if inline else await run_in_threadpool(work)})
    return serve


app = Starlette(routes=[
    Route("/json", json_endpoint),
    Route("/rows", endpoint(_rows, inline=False)), Route("/rows-inline", endpoint(_rows, inline=True)),
    Route("/write", endpoint(_write, inline=False), methods=["POST"]),
    Route("/write-inline", endpoint(_write, inline=True), methods=["POST"]),
])


def make_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT)")
    conn.executemany("INSERT INTO people VALUES (?, ?, ?, ?)",
                     [(i, f"First{i}", f"Last{i}", f"person{i}@example.com") for i in range(1, PEOPLE + 1)])
    conn.commit()
    conn.close()


@dataclass(frozen=True)
class Floor:
    name: str
    forms: list[Result]  # every form measured, the fastest first

    @property
    def best(self) -> Result:
        return self.forms[0]

    def row(self, group: str) -> Row:
        others = "".join(f"; {r.name}: {r.rps:,.0f} req/s" for r in self.forms[1:])
        return Row(group, f"floor: {self.best.name}", self.best.rps, "req/s", None, None, latency(self.best) + others)

    def ratio(self, group: str, result: Result, note: str = "") -> Row:
        """`result` as a row, with its throughput as a ratio to this floor's."""
        return Row(group, result.name, result.rps, "req/s", result.rps / self.best.rps, f"{self.name} floor",
                   latency(result) + (f"; {note}" if note else ""))


def latency(result: Result) -> str:
    errors = f", {result.errors} ERRORS" if result.errors else ""
    return f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms{errors}"


def measure(names: list[str], *, seconds: float, connections: int) -> dict[str, Floor]:
    """Serve the floors as their own process and load every form of each named floor."""
    with tempfile.TemporaryDirectory(prefix="hireport-floors-") as work:
        database = Path(work) / "floor.db"
        make_database(database)
        port = free_port()
        command = asgi_command("bench.floors:app", port)
        floors = {}
        with serving(command, {**os.environ, "BENCH_SQLITE": str(database)}, port, Path(work) / "floors.log"):
            for name in names:
                forms = [load(f"{name}, {form}" if form else name, f"http://{HOST}:{port}{path}",
                              method="POST" if path.startswith("/write") else "GET",
                              seconds=seconds, connections=connections)
                         for path, form in FORMS[name]]
                floors[name] = Floor(name, sorted(forms, key=lambda r: -r.rps))
    return floors
