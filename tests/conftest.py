"""Fixtures: every database test runs twice, on SQLite and on a real PostgreSQL server.

Each test gets its own migrated database: a copy of a migrated SQLite file, or a PostgreSQL database
cloned from a migrated template.
"""

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from hireport.app import build_runtime, create_app
from hireport.kit.clock import FrozenClock
from hireport.kit.runtime import Runtime
from hireport.migrations import runner
from hireport.services import identity
from hireport.settings import Settings
from tests.fuzz_table import print_table
from tests.postgres import postgres_server
from tests.redis_server import RedisServer, running_redis
from tests.served import Server, serve

BACKENDS = ["sqlite", "postgresql"]
_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS hireport_template"))
            conn.execute(text("CREATE DATABASE hireport_template"))
        engine.dispose()
        runner.upgrade(_with_database(url, "hireport_template"))
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "hireport.db"
    runner.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated, empty database of its own for this test."""
    if backend == "sqlite":
        path = tmp_path / "hireport.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres_url")
    name = f"test_{next(_numbers)}_{abs(hash(request.node.nodeid)) % 10**8}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE hireport_template'))
    try:
        yield _with_database(server, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url,
                    public_base_url="http://testserver", run_delivery_worker=False)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def runtime(settings: Settings, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(settings, clock=clock)
    yield rt
    rt.db.dispose()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


@pytest.fixture
def operator_headers(runtime: Runtime) -> dict[str, str]:
    with runtime.db.transaction() as session:
        secret = identity.create_operator_credential(session, name="tests", clock=runtime.clock)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A throwaway redis-server of this test's own, on a free loopback port."""
    with running_redis() as server:
        yield server


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    """`hireport serve` started as a process on a free loopback port, with `hireport demo` loaded."""
    with serve(tmp_path, database_url) as running:
        yield running


def _with_database(server_url: str, name: str) -> str:
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    print_table(terminalreporter)  # the fuzzer's answers per operation (tests/test_fuzz.py)
