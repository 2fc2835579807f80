"""`hireport serve` as a process on loopback, with the demo loaded: what a user runs.

`hireport demo` takes seconds, and the suite starts dozens of servers: each test worker runs it once per database
kind (and per settings that shape the demo's data), keeps a snapshot of the result (the data directory, the
database: a copy of the SQLite file or a PostgreSQL template database, and what the command printed), and gives
the next server of that kind a copy, as if the command had just run there.
"""

import atexit
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from bench import harness
from sqlalchemy import create_engine, text

from tests.postgres import free_port

HIREPORT = [sys.executable, "-m", "hireport"]


@dataclass
class Server:
    base_url: str
    env: dict[str, str]
    log: Path
    demo: dict
    operator_credential: str | None  # None for a server whose data directory another one made
    process: subprocess.Popen[bytes]


@dataclass(frozen=True)
class Snapshot:
    data: Path  # a copy of the data directory after `hireport demo`
    database: str  # a copy of the database: a SQLite file's path, or a PostgreSQL template database's name
    output: str  # what `hireport demo --json` printed


_SNAPSHOTS: dict[tuple[str, ...], Snapshot] = {}
_numbers = itertools.count()
# Settings a test may give its server that leave the demo's data as it is (so the snapshot serves).
SAME_DEMO = frozenset({"smtp_host", "smtp_port", "delivery_interval", "shutdown_grace", "run_delivery_worker",
                       "header_timeout", "body_idle_timeout", "body_timeout", "max_connections",
                       "candidate_form_limit"})


def _kind(database_url: str, settings: dict[str, str], extra_env: dict[str, str]) -> tuple[str, ...] | None:
    """The snapshot a server with these settings may start from; None if they shape the demo's data."""
    if set(settings) - SAME_DEMO or any(k.startswith("HIREPORT_") for k in extra_env):
        return None
    return ("sqlite" if database_url.startswith("sqlite") else "postgresql",)


def _sqlite_file(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite:///"))


def _admin(database_url: str) -> tuple[str, str]:
    """The server's maintenance database URL, and the name of the database the URL names."""
    base, _, name = database_url.rpartition("/")
    return f"{base}/postgres", name


def _take(data: Path, database_url: str, output: str) -> Snapshot:
    keep = Path(tempfile.mkdtemp(prefix="hireport-demo-snapshot-"))
    atexit.register(shutil.rmtree, keep, True)
    shutil.copytree(data, keep / "data")
    if database_url.startswith("sqlite"):
        shutil.copyfile(_sqlite_file(database_url), keep / "hireport.db")
        return Snapshot(keep / "data", str(keep / "hireport.db"), output)
    admin_url, name = _admin(database_url)
    copy = f"demo_snapshot_{os.getpid()}_{next(_numbers)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"'))
    engine.dispose()
    return Snapshot(keep / "data", copy, output)


def _restore(snapshot: Snapshot, data: Path, database_url: str, base_url: str) -> str:
    shutil.copytree(snapshot.data, data)
    if database_url.startswith("sqlite"):
        shutil.copyfile(snapshot.database, _sqlite_file(database_url))
    else:
        admin_url, name = _admin(database_url)
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{snapshot.database}"'))
        engine.dispose()
    return json.dumps({**json.loads(snapshot.output), "base_url": base_url})


def _demo(env: dict[str, str], data: Path, database_url: str, base_url: str, kind: tuple[str, ...] | None) -> str:
    """What `hireport demo --json` prints for this server's data directory: run, or restored from a snapshot."""
    fresh = not data.exists()
    if fresh and kind in _SNAPSHOTS:
        return _restore(_SNAPSHOTS[kind], data, database_url, base_url)
    output = run_cli(env, "demo", "--json").stdout
    if fresh and kind is not None:
        _SNAPSHOTS[kind] = _take(data, database_url, output)
    return output


def memory_mib(process: subprocess.Popen[bytes]) -> float:
    """The resident memory of a served hireport: the server process and its worker processes."""
    return harness.memory_mib(process.pid)


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HIREPORT, *args], env=env, capture_output=True, text=True, timeout=120, check=True)


@contextmanager
def serve(tmp_path: Path, database_url: str, *, workers: int = 1, extra_env: dict[str, str] | None = None,
          **settings: str) -> Iterator[Server]:
    """Run `hireport demo` then `hireport serve`; `settings` are more HIREPORT_* variables (lower case),
    `extra_env` other variables. Servers started with one `tmp_path` share its data directory."""
    port = free_port()
    env = {**os.environ, "HIREPORT_DATA_DIR": str(tmp_path / "data"), "HIREPORT_DATABASE_URL": database_url,
           "HIREPORT_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           **{f"HIREPORT_{k.upper()}": v for k, v in settings.items()}, **(extra_env or {})}
    demo = _demo(env, tmp_path / "data", database_url, f"http://127.0.0.1:{port}", _kind(database_url, settings,
                                                                                         extra_env or {}))
    operator = json.loads(demo).get("operator_credential")
    log = tmp_path / f"serve-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen([*HIREPORT, "serve", "--port", str(port), "--workers", str(workers)], env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "hireport serve did not come up in 30 s"
            time.sleep(0.1)
        yield Server(base_url, env, log, json.loads(demo), operator, process)
    finally:
        process.terminate()
        process.wait(timeout=15)


