"""Statements for the hot paths: built once, compiled once per database, run on the driver's cursor.

`Connection.execute` spends several times the cost of a short query's SQL on work that is the same every
call: a cache key for the statement, an execution context, the expansion of `IN` lists, a result object
and its row objects. A `Query` keeps a plan per database and per length of each `IN` list (the SQL with
its parameters in the driver's order, their bind processors and the columns' result processors, all taken
from SQLAlchemy's own compilation), and per call only binds values, executes and converts the columns
that need it. Rows are plain tuples, so read models take them as `View(*row)`; the read models are slots
dataclasses, not frozen ones, because a frozen dataclass's `__init__` sets each field through
`object.__setattr__`: 2.8 µs for an offer's 21 fields against 0.37 µs, for every item of every list.

It runs in the reader's transaction (begun here if it is not yet, as `execute` would, so the statements
of one read see one snapshot), and refuses a value the database cannot hold as `execute` does. A session's
pending changes are flushed first, as autoflush would. An `UPDATE ... RETURNING` runs the same way (in a
writing session's transaction); the session's copies of the rows it changed are the caller's to expire.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, Update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from hireport.kit.db import Reader, refuse_out_of_range

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a parameter's value comes from: the caller's `name` (item `index` of it for an IN list's), or
    the statement itself (`name` None, the value in `constant`)."""

    name: str | None
    index: int = -1
    constant: Any = None


@dataclass(slots=True)
class _Plan:
    sql: str
    names: tuple[str, ...]  # the driver's parameter names, in the SQL's order
    sources: tuple[_Source, ...]
    binds: tuple[Processor | None, ...]
    positional: bool
    results: list[tuple[int, Processor]] | None = None  # the columns to convert: from the first run's description


class Query:
    """One statement, run with `rows`, `first` or `scalar` on a `Reader` with its parameters by name."""

    def __init__(self, statement: Select[Any] | Update) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[SQLCompiler, tuple[str, ...]]] = {}  # with the names of its IN lists
        self._plans: dict[tuple[str, tuple[int, ...]], _Plan] = {}

    def rows(self, reader: Reader, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        connection = _connection(reader)
        dialect = connection.dialect
        compiled, expanding = self._compiled.get(dialect.name) or self._compile(dialect)
        try:
            lengths = tuple(len(params[name]) for name in expanding)
            plan = self._plans.get((dialect.name, lengths)) or self._plan(compiled, dialect, params, lengths)
            values = [s.constant if s.name is None else params[s.name] if s.index < 0 else params[s.name][s.index]
                      for s in plan.sources]
        except KeyError as exc:  # on every call, not only the one that made the plan
            raise ValueError(f"the query needs the parameter {exc}") from None
        values = [v if p is None else p(v) for v, p in zip(values, plan.binds, strict=True)]
        driver = connection.connection.driver_connection
        assert driver is not None
        cursor = driver.cursor()
        try:
            with refuse_out_of_range(dialect):
                cursor.execute(plan.sql, values if plan.positional else dict(zip(plan.names, values, strict=True)))
            found = cursor.fetchall()
            if plan.results is None:
                plan.results = self._results(compiled, dialect, cursor.description)
        finally:
            cursor.close()
        if not found or not plan.results:
            return [tuple(row) for row in found]
        columns: list[Iterable[Any]] = list(zip(*found, strict=True))
        for i, process in plan.results:
            columns[i] = map(process, columns[i])
        return list(zip(*columns, strict=True))

    def first(self, reader: Reader, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        found = self.rows(reader, params)
        return found[0] if found else None

    def scalar(self, reader: Reader, params: Mapping[str, Any]) -> Any:
        found = self.rows(reader, params)
        if len(found) != 1:
            raise ValueError(f"expected one row, got {len(found)}")
        return found[0][0]

    def _compile(self, dialect: Dialect) -> tuple[SQLCompiler, tuple[str, ...]]:
        compiled = self.statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        expanding = tuple(b.key for b in compiled.binds.values() if b.expanding and b.required)
        self._compiled[dialect.name] = compiled, expanding
        return compiled, expanding

    def _plan(self, compiled: SQLCompiler, dialect: Dialect, params: Mapping[str, Any],
              lengths: tuple[int, ...]) -> _Plan:
        missing = [b.key for b in compiled.binds.values() if b.required and b.key not in params]
        if missing:
            raise KeyError(missing[0])
        state = compiled.construct_expanded_state(dict(params))
        origin = {new: (name, i) for name, news in state.parameter_expansion.items() for i, new in enumerate(news)}
        names = tuple(state.positiontup) if state.positiontup is not None else tuple(state.parameters)
        sources = []
        for name in names:
            source, index = origin.get(name, (name, -1))
            given = source in params
            sources.append(_Source(source, index) if given else _Source(None, constant=state.parameters[name]))
        processors = {**compiled._bind_processors, **state.processors}  # the statement's, the expanded lists'
        plan = _Plan(state.statement, names, tuple(sources), tuple(processors.get(n) for n in names),  # type: ignore[misc]
                     positional=state.positiontup is not None)
        self._plans[(dialect.name, lengths)] = plan
        return plan

    @staticmethod
    def _results(compiled: SQLCompiler, dialect: Dialect, description: Sequence[Any]) -> list[tuple[int, Processor]]:
        """The result processors SQLAlchemy would apply, by column (those that change nothing left out)."""
        found = [(i, column.type._cached_result_processor(dialect, described[1]))
                 for i, (column, described) in enumerate(zip(compiled._result_columns, description, strict=True))]
        return [(i, process) for i, process in found if process is not None]


def _connection(reader: Reader) -> Connection:
    if isinstance(reader, Session):
        if reader.new or reader.dirty or reader.deleted:
            reader.flush()
        return reader.connection()
    if not reader.in_transaction():
        reader.begin()
    return reader
