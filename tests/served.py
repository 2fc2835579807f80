"""`hireport serve` as a process on loopback, with the demo loaded: what a user runs."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

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
    demo = run_cli(env, "demo", "--json")
    operator = json.loads(demo.stdout).get("operator_credential")
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
        yield Server(base_url, env, log, json.loads(demo.stdout), operator, process)
    finally:
        process.terminate()
        process.wait(timeout=15)


