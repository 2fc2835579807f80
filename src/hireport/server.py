"""Start-up shared by the commands: migrate, make the first operator credential, build the app, and serve it.

The HTTP server is granian: it bounds what one client can make a process hold before hireport's own code
runs. A request head is read within `HIREPORT_HEADER_TIMEOUT` seconds into a buffer of at most
`HEAD_BUFFER_BYTES` (longer ones are refused with a 431 as they arrive, at a cost in proportion to what was
read), and each process holds at most `HIREPORT_MAX_CONNECTIONS` connections at once (granian's
backpressure: a connection waiting for its head, or idle between two requests, counts until the header timeout
closes it). The body's own bounds are the door's (`hireport.kit.body`). Measured against uvicorn in
`bench/servers.py`.
"""

import errno
import gc
import importlib
import multiprocessing
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.kit.keys import key_encryption_key
from hireport.migrations import runner
from hireport.services import identity
from hireport.settings import Settings

if TYPE_CHECKING:  # the server and the app are imported by the functions that make them, when they are called
    from fastapi import FastAPI
    from granian.server import MPServer
    from starlette.types import ASGIApp

DATA_DIR_MODE = 0o700


@dataclass(frozen=True)
class Prepared:
    first_operator_secret: str | None


def prepare(settings: Settings) -> Prepared:
    """Create the data directory (its owner's alone, even if it was there before: it holds the database,
    documents and mail), migrate the database, and make the first operator credential (returned once, on the
    run that created it) and the token signing key."""
    settings.data_dir.mkdir(mode=DATA_DIR_MODE, parents=True, exist_ok=True)
    settings.data_dir.chmod(DATA_DIR_MODE)
    runner.upgrade(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    try:
        clock = Clock()
        identity.signing_keys(db, clock=clock, kek=key_encryption_key(settings))
        with db.transaction() as session:
            secret = identity.ensure_first_operator(session, clock=clock)
    finally:
        db.dispose()
    return Prepared(first_operator_secret=secret)


class AddressUnusable(OSError):
    """`hireport serve` cannot listen on the host and port it is given."""


def check_address(host: str, port: int) -> None:
    """Raise AddressUnusable unless a server can listen on `host`:`port` now (checked before anything is made
    or printed: the server itself would say so only once it starts, after start-up's messages)."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror:
        raise AddressUnusable(f"{where}: no such host") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind(address)
        except OSError as exc:
            reason = {errno.EADDRINUSE: "is in use", errno.EADDRNOTAVAIL: "is not an address of this machine",
                      errno.EACCES: "needs privileges this user does not have"}.get(exc.errno or 0, exc.strerror)
            raise AddressUnusable(f"{where} {reason}") from None


def http_server(settings: Settings, workers: int) -> "MPServer":
    """The server of `hireport serve`: HTTP/1.1 on the settings' host and port, `workers` processes, each
    building its app from the environment. Several workers are spawned, not forked: each starts afresh, as the
    environment now says (prometheus_client chooses its multiprocess mode when it is first imported). A single
    worker is forked, which skips importing everything again (1.7 s less to start, measured here)."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import MPServer

    from hireport.kit.door import HEAD_BUFFER_BYTES

    if workers == 1:
        importlib.import_module("hireport.app")  # here, once: the forked worker starts with it imported
    # granian reads the start method when it is made
    multiprocessing.set_start_method("spawn" if workers > 1 else "fork", force=True)
    return MPServer(
        "hireport.server:served_app", factory=True, interface=Interfaces.ASGI, http=HTTPModes.http1,
        address=settings.host, port=settings.port, workers=workers, backpressure=settings.max_connections,
        http1_settings=HTTP1Settings(header_read_timeout=round(settings.header_timeout * 1000),
                                     max_buffer_size=HEAD_BUFFER_BYTES),
        workers_kill_timeout=settings.shutdown_grace, log_level=LogLevels.warning, log_access=False)


def served_app() -> "ASGIApp":
    """The factory `hireport serve`'s worker processes call: the app, taking the client's address from
    `X-Forwarded-For` when a proxy on this machine (127.0.0.1) sends it, as uvicorn does by default."""
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    return wrap_asgi_with_proxy_headers(app_from_environment(), "127.0.0.1")  # type: ignore[no-any-return]


def app_from_environment() -> "FastAPI":
    """The app, built from the environment's settings (each worker process builds its own runtime)."""
    from hireport import ops
    from hireport.app import create_app
    from hireport.boot import build_runtime

    settings = Settings()
    ops.configure_logging(settings)
    app = create_app(build_runtime(settings))
    # What start-up made lives as long as the process: out of the collector's sight, a full collection no
    # longer walks its ~200,000 objects (124 ms here, paid by whichever request was in flight)
    gc.freeze()
    return app
