"""The floors hireport is measured against: a bare Starlette JSON endpoint and a bare 20-row sqlite3 read.

Served by uvicorn exactly as hireport is; `BENCH_SQLITE` names the database file the harness made.
"""

import os
import sqlite3
import threading

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

_local = threading.local()
PAYLOAD = {"status": "ok", "items": [{"id": i, "name": f"item {i}"} for i in range(3)]}


def _connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = sqlite3.connect(os.environ["BENCH_SQLITE"], check_same_thread=False)
    return conn


def _rows() -> list[dict[str, object]]:
    cursor = _connection().execute("SELECT id, first_name, last_name, email FROM people ORDER BY id LIMIT 20")
    return [{"id": r[0], "first_name": r[1], "last_name": r[2], "email": r[3]} for r in cursor]


async def json_endpoint(_request: Request) -> JSONResponse:
    return JSONResponse(PAYLOAD)


async def rows_endpoint(_request: Request) -> JSONResponse:
    return JSONResponse({"items": await run_in_threadpool(_rows)})


app = Starlette(routes=[Route("/json", json_endpoint), Route("/rows", rows_endpoint)])


def make_database(path: str, rows: int = 1000) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT)")
    conn.executemany("INSERT INTO people VALUES (?, ?, ?, ?)",
                     [(i, f"First{i}", f"Last{i}", f"person{i}@example.com") for i in range(1, rows + 1)])
    conn.commit()
    conn.close()
