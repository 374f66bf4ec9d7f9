"""One Neo4j driver per process, and the only place that runs Cypher.

Statements are named (see ``graph.cypher``); values travel as parameters. Reads and writes go
through managed transactions, so transient failures (leader switch, deadlock, dropped
connection) are retried by the driver; every write statement is idempotent (MERGE on stable
ids), so a retry never duplicates. ``write_many`` runs several statements in ONE transaction:
all of them land or none does. Inside ``read_deadline(seconds)`` every read carries a Neo4j
transaction timeout of the time left, so a query cannot outlive the request that asked for it.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, LiteralString, TypeVar, cast

import neo4j
from neo4j import GraphDatabase, ManagedTransaction
from neo4j import exceptions as nx

from strata.graph import cypher
from strata.graph.errors import CypherError, Neo4jUnavailable, TimeBudgetExceeded
from strata.graph.settings import Settings, get_settings
from strata.graph.statement_log import StatementLog

T = TypeVar("T")
Row = dict[str, Any]

_UNAVAILABLE = (nx.ServiceUnavailable, nx.SessionExpired, nx.AuthError, OSError)
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("strata_deadline", default=None)


@contextmanager
def read_deadline(seconds: float, budget: float | None = None) -> Iterator[None]:
    """Reads in this context (thread or task) end within ``seconds`` from now, or raise
    ``TimeBudgetExceeded`` (naming ``budget``, the whole budget, when ``seconds`` is what
    is left of it): each carries a transaction timeout of the time left."""
    token = _DEADLINE.set((time.monotonic() + seconds, seconds if budget is None else budget))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _timed(work: Callable[[ManagedTransaction], T]) -> Callable[[ManagedTransaction], T]:
    """``work`` as a transaction with a timeout of the time its deadline leaves, if any."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return work
    left = deadline[0] - time.monotonic()
    if left <= 0.001:
        raise TimeBudgetExceeded(deadline[1])
    return neo4j.unit_of_work(timeout=left)(work)


@contextmanager
def _mapped_errors() -> Iterator[None]:
    try:
        yield
    except _UNAVAILABLE as e:
        raise Neo4jUnavailable(f"Neo4j is not reachable: {e}") from e
    except nx.Neo4jError as e:
        deadline = _DEADLINE.get()
        if deadline is not None and "TimedOut" in (e.code or ""):
            raise TimeBudgetExceeded(deadline[1]) from e
        if isinstance(e, nx.TransientError):
            raise Neo4jUnavailable(f"Neo4j is busy, retries exhausted: {e}") from e
        raise CypherError(f"{e.code}: {e.message}") from e
    except nx.DriverError as e:
        raise Neo4jUnavailable(f"Neo4j driver error: {e}") from e


class Graph:
    """A thin, typed façade over the driver: named statements in, plain rows out."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.database = self.settings.neo4j_database
        self.driver = GraphDatabase.driver(
            self.settings.bolt_uri,
            auth=self.settings.auth,
            max_connection_pool_size=64,
            connection_acquisition_timeout=10.0,
            connection_timeout=5.0,
            max_transaction_retry_time=10.0,
            notifications_min_severity="OFF",
        )
        self.log = StatementLog(self.settings.statement_log)

    @classmethod
    def from_driver(cls, driver: neo4j.Driver, database: str = "neo4j") -> Graph:
        """A ``Graph`` over a driver the caller owns (``close`` leaves it open)."""
        graph = cls.__new__(cls)
        graph.settings, graph.database, graph.driver = get_settings(), database, driver
        graph.log = StatementLog(graph.settings.statement_log)
        graph._owns_driver = False
        return graph

    _owns_driver = True

    def close(self) -> None:
        if self._owns_driver:
            self.driver.close()

    @functools.cached_property
    def capabilities(self) -> frozenset[cypher.Capability]:
        """What this server offers beyond Cypher 5 on 5.26 (asked once per ``Graph``)."""
        (release,), (apoc,) = self.read_many(
            [("schema/server_release", {}), ("schema/apoc_installed", {})]
        )
        found = {cypher.Capability.APOC} if apoc["apoc"] else set()
        if _release(release["neo4j"]) >= (2026, 1):
            found.add(cypher.Capability.VECTOR_FILTERS)
        return frozenset(found)

    def supports(self, name: str) -> bool:
        """Whether this server can run the named statement (see its ``Requires:`` header)."""
        return cypher.requires(name) <= self.capabilities

    def verify(self) -> None:
        with _mapped_errors():
            self.driver.verify_connectivity()

    def read(self, name: str, /, **params: Any) -> list[Row]:
        """Run the named read statement and return its rows as dicts."""
        query, sent = cypher.load(name), _sent(params)
        with _mapped_errors(), self._session(neo4j.READ_ACCESS) as s:
            return s.execute_read(_timed(lambda tx: self._rows(tx, name, query, sent)))

    def read_many(self, steps: Sequence[tuple[str, dict[str, Any]]]) -> list[list[Row]]:
        """Run several named read statements in ONE read transaction (one round of setup)."""
        loaded = [(name, cypher.load(name), _sent(params)) for name, params in steps]

        def work(tx: ManagedTransaction) -> list[list[Row]]:
            return [self._rows(tx, n, q, p) for n, q, p in loaded]

        with _mapped_errors(), self._session(neo4j.READ_ACCESS) as s:
            return s.execute_read(_timed(work))

    def write(self, name: str, /, **params: Any) -> list[Row]:
        """Run the named write statement in its own transaction."""
        return self.write_many([(name, params)])[-1]

    def write_many(
        self,
        steps: Sequence[tuple[str, dict[str, Any]]],
        check: Callable[[str, list[Row]], None] | None = None,
    ) -> list[list[Row]]:
        """Run several named statements in ONE transaction (all or nothing). ``check`` sees
        each statement's name and rows as they come; what it raises rolls everything back."""
        loaded = [(name, cypher.load(name), _sent(params)) for name, params in steps]

        spent: list[float] = []  # server ms per statement of the last attempt
        worked = [0.0]  # when the last attempt's statements were done (then comes the commit)

        def work(tx: ManagedTransaction) -> list[list[Row]]:
            out = []
            spent.clear()
            for name, q, p in loaded:
                out.append(self._rows(tx, name, q, p, spent))
                if check is not None:
                    check(name, out[-1])
            worked[0] = time.monotonic()
            return out

        start = worked[0] = time.monotonic()
        try:
            return self.transaction(work)
        finally:
            end = time.monotonic()
            names = [n for n, _, _ in loaded]
            self.log.transaction(names, (end - start) * 1e3, spent, (end - worked[0]) * 1e3)

    def _rows(
        self,
        tx: ManagedTransaction,
        name: str,
        query: str,
        params: dict[str, Any],
        spent: list[float] | None = None,
    ) -> list[Row]:
        result = tx.run(cast(LiteralString, query), params)
        rows = [_row(r) for r in result]
        ms = self.log.statement(name, result.consume())
        if spent is not None:
            spent.append(ms)
        return rows

    def transaction(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run ``work`` as a managed write transaction (retried on transient errors)."""
        with _mapped_errors(), self._session(neo4j.WRITE_ACCESS) as s:
            return s.execute_write(work)

    @contextmanager
    def held(self, name: str, /, **params: Any) -> Iterator[None]:
        """Run the named write statement in a transaction kept open for the block, then rolled
        back: the write locks it took are held for the block and nothing of it stays. A lease
        that ends with the connection if this process dies."""
        query = cypher.load(name)
        with _mapped_errors(), self._session(neo4j.WRITE_ACCESS) as s:
            tx = s.begin_transaction()
            try:
                tx.run(query, _sent(params)).consume()
                yield
            finally:
                tx.rollback()

    def run_raw(self, query: str, /, **params: Any) -> list[Row]:
        """Run static text that is not a named statement (migrations, EXPLAIN checks only)."""
        text = cast(LiteralString, query)
        deadline = _DEADLINE.get()
        with _mapped_errors(), self._session(neo4j.WRITE_ACCESS) as s:
            if deadline is None:
                result = s.run(text, params)
            else:
                left = deadline[0] - time.monotonic()
                if left <= 0.001:
                    raise TimeBudgetExceeded(deadline[1])
                result = s.run(neo4j.Query(text, timeout=left), params)
            return [r.data() for r in result]

    def _session(self, mode: str) -> neo4j.Session:
        return self.driver.session(database=self.database, default_access_mode=mode)


class _Rows(list[Any]):
    """A parameter list whose repr is its length. The driver formats every RUN's parameters
    for a debug log line before it checks the log level (neo4j 5.28 and 6.x): for a batch of
    1,000 rows with embeddings that repr took ~280 ms, ten times the statement itself."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} items>"


def _release(version: str) -> tuple[int, int]:
    """``"2026.01.4"`` → (2026, 1); ``"5.26.24"`` → (5, 26)."""
    m = re.match(r"(\d+)\.(\d+)", version)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def _sent(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` as sent: top-level lists (row batches, vectors) wrapped in ``_Rows``."""
    return {k: _Rows(v) if isinstance(v, list) else v for k, v in params.items()}


def _row(record: neo4j.Record) -> Row:
    """``record.data()``, except that top-level lists of floats (embeddings) are taken as they
    are: the driver's exporter would visit every element, which cost more than the query."""
    vectors = [k for k, v in record.items() if isinstance(v, list) and v and type(v[0]) is float]
    if not vectors:
        return record.data()
    row = record.data(*(k for k, _ in record.items() if k not in vectors))
    row.update((k, record[k]) for k in vectors)
    return row


_lock = threading.Lock()
_graph: Graph | None = None


def get_graph() -> Graph:
    """The process-wide ``Graph`` (one driver per process)."""
    global _graph
    with _lock:
        if _graph is None:
            _graph = Graph()
        return _graph


def close_graph() -> None:
    global _graph
    with _lock:
        if _graph is not None:
            _graph.close()
            _graph = None
