"""Reads inside a time budget carry a Neo4j transaction timeout: the server stops the query,
the caller gets ``TimeBudgetExceeded`` (503), and nothing runs on after the budget."""

from __future__ import annotations

import pytest
from neo4j.exceptions import Neo4jError

from strata.graph.db import Graph, read_deadline
from strata.graph.errors import TimeBudgetExceeded

SLOW = "UNWIND range(1, 400000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n"


def test_neo4j_stops_a_query_that_outlives_its_budget(graph: Graph) -> None:
    with pytest.raises(TimeBudgetExceeded) as stopped, read_deadline(0.5):
        graph.run_raw(SLOW)
    assert isinstance(stopped.value.__cause__, Neo4jError)  # the server ended it
    assert "TimedOut" in (stopped.value.__cause__.code or "")
    assert graph.run_raw("RETURN 1 AS n") == [{"n": 1}]  # outside a budget: no timeout


def test_a_read_after_the_budget_is_spent_never_reaches_neo4j(graph: Graph) -> None:
    with pytest.raises(TimeBudgetExceeded), read_deadline(0.0):
        graph.read("memory/read_pending", users=[], tenant_prefix=None)
