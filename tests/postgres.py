"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temporary cluster on loopback.

Set HIREPORT_TEST_POSTGRES_URL (a server URL whose user may create databases) to use a running one instead.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed; run the README's test command")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield the URL of a fresh PostgreSQL server (superuser `postgres`, trust auth on 127.0.0.1)."""
    if url := os.environ.get("HIREPORT_TEST_POSTGRES_URL"):
        yield url
        return
    root = Path(tempfile.mkdtemp(prefix="hireport-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as the `postgres` account.
        account = pwd.getpwnam("postgres")
        os.chown(root, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port()
    subprocess.run([*as_user, _pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
               " -c full_page_writes=off -c max_connections=300")
    subprocess.run([*as_user, _pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
                    "-w", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, _pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
