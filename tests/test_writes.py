"""Writes (`Database.write`): on SQLite, on the event loop when the write lock can be taken at once, in the
database's pool when another writer holds it, so the loop is never held by a lock wait; on PostgreSQL,
where every statement is a round trip, always in the pool."""

import asyncio
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.kit.runtime import Runtime
from hireport.models import Tenant
from hireport.services import identity


@pytest.fixture
def path(tmp_path: Path, sqlite_template: Path) -> Path:
    copy = tmp_path / "hireport.db"
    shutil.copyfile(sqlite_template, copy)
    return copy


@pytest.fixture
def db(path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def _add_tenant(tenant_id: int):
    """A write that says which thread ran it."""
    def work(session: Session) -> str:
        identity.create_tenant(session, tenant_id=tenant_id, name=f"t{tenant_id}", clock=Clock())
        return threading.current_thread().name
    return work


def _tenants(db: Database) -> list[int]:
    with db.transaction(write=False) as session:
        return list(session.scalars(select(Tenant.id).order_by(Tenant.id)))


def test_where_a_write_runs(runtime: Runtime, backend: str):
    async def main() -> str:
        return await runtime.db.write(_add_tenant(8))

    thread = asyncio.run(main())
    if backend == "sqlite":
        assert thread == threading.current_thread().name, "on the loop"
    else:
        assert thread.startswith("hireport-db"), "in the pool"
    assert _tenants(runtime.db) == [8]


def test_a_write_runs_on_the_loop_when_the_lock_is_free(db: Database):
    async def main() -> str:
        return await db.write(_add_tenant(1))

    assert asyncio.run(main()) == threading.current_thread().name
    assert _tenants(db) == [1]


def test_a_write_waits_in_the_pool_while_another_process_holds_the_lock(db: Database, path: Path):
    other = sqlite3.connect(path, isolation_level=None)  # another process's connection, as SQLite sees it
    other.execute("BEGIN IMMEDIATE")

    async def main() -> str:
        write = asyncio.create_task(db.write(_add_tenant(2)))
        ticks = 0
        for _ in range(20):  # the loop goes on meanwhile
            await asyncio.sleep(0.01)
            ticks += 1
        assert ticks == 20 and not write.done()
        other.execute("COMMIT")
        return await asyncio.wait_for(write, timeout=10)

    try:
        thread = asyncio.run(main())
    finally:
        other.close()
    assert thread.startswith("hireport-db")
    assert _tenants(db) == [2]


def test_a_write_goes_to_the_pool_while_a_writer_of_this_process_holds_the_turn(db: Database):
    began, finish = threading.Event(), threading.Event()

    def hold_the_turn() -> None:
        with db.transaction() as session:
            identity.create_tenant(session, tenant_id=3, name="t3", clock=Clock())  # BEGIN IMMEDIATE: the turn
            began.set()
            finish.wait(10)

    holder = threading.Thread(target=hold_the_turn)
    holder.start()
    assert began.wait(10)

    async def main() -> str:
        write = asyncio.create_task(db.write(_add_tenant(4)))
        await asyncio.sleep(0.1)
        assert not write.done()
        finish.set()
        return await asyncio.wait_for(write, timeout=10)

    try:
        thread = asyncio.run(main())
    finally:
        finish.set()
        holder.join()
    assert thread.startswith("hireport-db")
    assert _tenants(db) == [3, 4]


def test_a_failed_inline_write_leaves_nothing_and_frees_the_lock(db: Database):
    def fails(session: Session) -> None:
        identity.create_tenant(session, tenant_id=5, name="t5", clock=Clock())
        session.flush()
        raise RuntimeError("after writing")

    async def main() -> str:
        with pytest.raises(RuntimeError):
            await db.write(fails)
        return await db.write(_add_tenant(6))

    assert asyncio.run(main()) == threading.current_thread().name, "the next write is inline again"
    assert _tenants(db) == [6]


def test_work_with_other_io_asks_for_the_pool(db: Database):
    async def main() -> str:
        return await db.write(_add_tenant(7), inline=False)

    assert asyncio.run(main()).startswith("hireport-db")
