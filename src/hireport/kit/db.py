"""The database: one engine per process, one session (and one transaction) per request.

Services `flush()`; only `Database.transaction()` commits. On SQLite (WAL) a request that writes takes
the write lock up front (`BEGIN IMMEDIATE`), so two writers queue instead of failing with "database is
locked" when a read transaction tries to upgrade; reads stay concurrent. Within a process, writers queue
on a semaphore (handed over at once) rather than on SQLite's busy handler, which polls with sleeps of up
to 100 ms; between processes the busy handler still applies.

How blocking database work meets the event loop (`Database.read` and `Database.write`, used by the hot
paths; measured in bench/, see README):
- A short read on SQLite runs inline on the event loop, on a connection of the loop's own thread. In WAL
  mode a reader takes no lock it could wait for (writers and checkpoints never block it), and the
  connection is the thread's alone, so no pool checkout can wait either: the read costs what its SQL
  costs, with no thread hop and no GIL hand-over between the loop and a worker.
- A short write on SQLite runs inline too when it can start at once: no other writer of this process
  holds the write turn and no other process holds the database's write lock (`BEGIN IMMEDIATE` on a
  connection that does not wait). Once it holds the lock nothing can make it wait: WAL, synchronous=NORMAL,
  so a commit appends to the log without syncing it (but for SQLite's automatic checkpoint, which the
  commit that fills 1,000 pages of log runs: it copies them into the database file and syncs it, without
  waiting for readers). So the loop is never held by a lock wait; when either is taken, the write goes to
  the pool like any other.
- Everything else (a write that would wait, and any work on PostgreSQL, where a query is a network round
  trip) runs in the database's own small thread pool, as one unit: begin, work, commit in a single hop.
  The pool has as many threads as the connection pool has connections, so a thread never waits for one.
"""

import asyncio
import contextvars
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, Dialect, ExceptionContext
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import SingletonThreadPool

from hireport.kit.errors import InvalidInput

SQLITE_BUSY_TIMEOUT_MS = 30_000
Reader = Connection | Session  # what a read model runs its statements on
POOL_SIZE = 10  # connections kept per process (PostgreSQL), and threads of the database's own pool
T = TypeVar("T")


def make_engine(url: str, *, writers: threading.BoundedSemaphore | None = None, **kwargs: Any) -> Engine:
    """`writers`: SQLite's write turn within this process, shared by the engines of one database."""
    kwargs.setdefault("json_deserializer", orjson.loads)  # JSON columns are read on every list
    if url.startswith("sqlite"):
        engine = create_engine(url, hide_parameters=True, **kwargs)
        _configure_sqlite(engine, writers or threading.BoundedSemaphore(1))
    else:
        engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=30, pool_pre_ping=True,
                               hide_parameters=True, **kwargs)
    event.listen(engine, "handle_error", _refuse_values_out_of_range)
    return engine


def _refuse_values_out_of_range(context: ExceptionContext) -> None:
    """The columns' ranges are the database's: a value it cannot hold (an integer beyond the column's
    width, a string beyond its length, a text it cannot store) is the client's mistake, answered as a 400
    that names no value. SQLite's driver says so with OverflowError, PostgreSQL's with a DataError."""
    if isinstance(context.original_exception, OverflowError) or isinstance(context.sqlalchemy_exception, DataError):
        raise InvalidInput(OUT_OF_RANGE)


OUT_OF_RANGE = "a value is outside what its field can hold (too large, too long, or not storable)"


@contextmanager
def refuse_out_of_range(dialect: Dialect) -> Iterator[None]:
    """The same refusal for a statement run on the driver's cursor (`kit.query`)."""
    try:
        yield
    except (OverflowError, dialect.loaded_dbapi.DataError):
        raise InvalidInput(OUT_OF_RANGE) from None


def _configure_sqlite(engine: Engine, writers: threading.BoundedSemaphore) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode == "DEFERRED":
            # a read's BEGIN takes no lock, so it cannot wait or fail: straight to the driver, skipping the
            # statement machinery that costs several times the BEGIN itself on every read
            conn.connection.driver_connection.execute("BEGIN DEFERRED")  # type: ignore[union-attr]
            return
        if mode == _AT_ONCE:
            if not writers.acquire(blocking=False):
                raise WriteLockTaken
            conn.info[_HOLDS_WRITE_TURN] = True
            try:
                conn.connection.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
            except conn.dialect.loaded_dbapi.OperationalError:  # another process writes: busy_timeout is 0
                _release(conn.info)
                raise WriteLockTaken from None
            return
        if writers.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            conn.info[_HOLDS_WRITE_TURN] = True
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    def _release(info: dict[Any, Any]) -> None:
        if info.pop(_HOLDS_WRITE_TURN, False):
            writers.release()

    @event.listens_for(engine, "commit")
    def _on_commit(conn: Connection) -> None:
        _release(conn.info)

    @event.listens_for(engine, "rollback")
    def _on_rollback(conn: Connection) -> None:
        _release(conn.info)

    @event.listens_for(engine, "reset")
    def _on_reset(_dbapi_connection: Any, record: Any, _state: Any) -> None:
        _release(record.info)


_HOLDS_WRITE_TURN = "hireport_holds_write_turn"
_AT_ONCE = "IMMEDIATE, AT ONCE"  # the inline writer's BEGIN: take the write lock now or not at all


class WriteLockTaken(Exception):
    """The inline writer could not take the write lock at once: the write goes to the pool instead."""


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        writers = threading.BoundedSemaphore(1)
        self.engine = make_engine(url, writers=writers)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else self.engine
        self._readers = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = sessionmaker(writer, expire_on_commit=False)
        # SQLite reads on the event loop: one connection per thread (the loop's), never shared or waited for;
        # and writes that can take the lock at once, on another connection that never waits for it
        self._inline = make_engine(url, poolclass=SingletonThreadPool) if self.is_sqlite else None
        self._inline_writer = (_no_wait(make_engine(url, writers=writers, poolclass=SingletonThreadPool))
                               if self.is_sqlite else None)
        self._inline_writers = (sessionmaker(self._inline_writer.execution_options(sqlite_begin=_AT_ONCE),
                                             expire_on_commit=False) if self._inline_writer is not None else None)
        self._pool = ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="hireport-db")

    async def read(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one read transaction: inline on SQLite, in the database's pool on PostgreSQL.
        For short reads only (a page of rows, a few lookups): inline, it holds the event loop meanwhile."""
        if self._inline is not None:
            with self._inline.connect() as connection:
                return work(connection)
        return await self._in_pool(self._read, work)

    async def write(self, work: Callable[[Session], T], *, inline: bool = True) -> T:
        """Run `work` in one write transaction: it commits if `work` returns. Inline on SQLite when the write
        lock can be taken at once, else in the database's pool. For short writes only; work that does other
        I/O (a message published on commit) says `inline=False`, and always runs in the pool."""
        if inline and self._inline_writers is not None:
            session = self._inline_writers()
            try:
                session.connection()  # BEGIN IMMEDIATE now, or WriteLockTaken
            except WriteLockTaken:
                session.close()
            else:
                with self._unit(session):
                    return work(session)
        return await self._in_pool(self._write, work)

    def _read(self, work: Callable[[Connection], T]) -> T:
        with self.engine.connect() as connection:
            return work(connection)

    def _write(self, work: Callable[[Session], T]) -> T:
        with self.transaction() as session:
            return work(session)

    async def _in_pool(self, run: Callable[[Callable[[Any], T]], T], work: Callable[[Any], T]) -> T:
        context = contextvars.copy_context()  # the request's log context goes along
        return await asyncio.get_running_loop().run_in_executor(self._pool, context.run, run, work)

    def session(self, *, write: bool = True) -> Session:
        """A new session; it connects and begins only when first used. End it with `finish` or `abort`."""
        return (self._writers if write else self._readers)()

    @staticmethod
    def finish(session: Session) -> None:
        """Commit and close."""
        try:
            session.commit()
        finally:
            session.close()

    @staticmethod
    def abort(session: Session) -> None:
        """Roll back and close."""
        try:
            session.rollback()
        finally:
            session.close()

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """One unit of work: commits if the block succeeds, rolls back if it raises."""
        with self._unit(self.session(write=write)) as session:
            yield session

    @contextmanager
    def _unit(self, session: Session) -> Iterator[Session]:
        try:
            yield session
        except BaseException:
            self.abort(session)
            raise
        self.finish(session)

    def dispose(self) -> None:
        self._pool.shutdown(wait=True)
        self.engine.dispose()
        if self._inline is not None:
            self._inline.dispose()
        if self._inline_writer is not None:
            self._inline_writer.dispose()


def _no_wait(engine: Engine) -> Engine:
    """SQLite connections that answer "locked" at once instead of waiting for another process's lock."""
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    return engine
