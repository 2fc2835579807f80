"""What every benchmark shares: servers as their own processes on loopback, hireport's command and environment,
and the row each benchmark reports for `python -m bench`'s table.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
HIREPORT = [sys.executable, "-m", "hireport"]


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure, and its ratio to a floor measured in the same run (if it has one)."""

    group: str
    target: str
    figure: float
    unit: str
    ratio: float | None = None
    floor: str | None = None
    note: str = ""


def print_table(rows: list[Row]) -> None:
    width = max((len(r.target) for r in rows), default=10)
    print(f"{'group':8} {'target':{width}} {'figure':>10} {'unit':9} {'ratio':>6}  {'to floor':18} note")
    for r in rows:
        figure = f"{r.figure:,.0f}" if r.figure >= 100 else f"{r.figure:.3g}"
        ratio = "" if r.ratio is None else f"{r.ratio:6.3f}"
        print(f"{r.group:8} {r.target:{width}} {figure:>10} {r.unit:9} {ratio:>6}  {r.floor or '':18} {r.note}")


def memory_mib(root: int) -> float:
    """The resident memory of a process and its descendants, in MiB (Linux's /proc)."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            total += int(next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                              if line.startswith("VmRSS")).split()[1])
            pending += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


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
        deadline = time.monotonic() + 60
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
        process.wait(timeout=30)


def hireport_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """This environment without any HIREPORT_* variable, then the data directory and `settings`
    (`database_url="..."` becomes HIREPORT_DATABASE_URL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HIREPORT_")}
    return {**env, "HIREPORT_DATA_DIR": str(data_dir), "HIREPORT_LOG_LEVEL": "WARNING",
            **{f"HIREPORT_{k.upper()}": v for k, v in settings.items()}}


def http_server() -> str:
    """The HTTP server a benchmark serves with: `hireport serve`'s (granian); or, with BENCH_SERVER, `uvicorn`
    (httptools, as hireport was served before) or `uvicorn-h11` (h11, its incomplete-event limit at the head
    size granian is given). `bench.servers` runs the benchmarks under each, one after the other."""
    return os.environ.get("BENCH_SERVER", "granian")


def asgi_command(target: str, port: int, *, factory: bool = False, workers: int = 1) -> list[str]:
    """Serve the ASGI app `target` ("module:name") as `hireport serve` serves hireport: the same server, with the
    same limits (the settings' defaults)."""
    from hireport.kit.door import HEAD_BUFFER_BYTES
    from hireport.settings import Settings

    address = ["--host", HOST, "--port", str(port), "--workers", str(workers), *(["--factory"] if factory else [])]
    if http_server().startswith("uvicorn"):
        h11 = ["--http", "h11", "--h11-max-incomplete-event-size", str(HEAD_BUFFER_BYTES)]
        return [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log",
                *(h11 if http_server() == "uvicorn-h11" else []), *address, target]
    defaults = Settings()
    return [sys.executable, "-m", "granian", "--interface", "asgi", "--http", "1", "--log-level", "warning",
            "--backpressure", str(defaults.max_connections), "--http1-buffer-size", str(HEAD_BUFFER_BYTES),
            "--http1-header-read-timeout", str(round(defaults.header_timeout * 1000)), *address, target]


def serve_command(port: int, workers: int = 1) -> list[str]:
    """`hireport serve` (under BENCH_SERVER=uvicorn or uvicorn-h11: the same app served by uvicorn)."""
    if http_server().startswith("uvicorn"):
        return ["env", f"HIREPORT_HOST={HOST}", f"HIREPORT_PORT={port}",
                *asgi_command("hireport.server:app_from_environment", port, factory=True, workers=workers)]
    return [*HIREPORT, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]


def demo(data_dir: Path) -> dict[str, Any]:
    """`hireport demo --json` on a fresh data directory: its clients, Gupy API token and operator credential."""
    out = subprocess.run([*HIREPORT, "demo", "--json"], env=hireport_env(data_dir), capture_output=True, text=True,
                         check=True, timeout=300)
    found: dict[str, Any] = json.loads(out.stdout)
    return found


def load_main(doc: str, run: Callable[..., list[Row]]) -> None:
    """The command line of a benchmark whose `run` takes only the load's --seconds and --connections."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per target (max 120)")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections")
    args = parser.parse_args()
    print_table(run(seconds=args.seconds, connections=args.connections))
