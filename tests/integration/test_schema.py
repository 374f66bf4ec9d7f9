"""Schema and statements against the real server."""

from __future__ import annotations

import pytest

from strata.graph import cypher
from strata.graph.cypher import Capability
from strata.graph.db import Graph
from strata.graph.errors import CypherError, SchemaError
from strata.graph.local.lines import line_for
from strata.graph.migrations import applicable, applied, available, migrate
from strata.graph.settings import get_settings

LINE = line_for(get_settings().neo4j_version)


@pytest.mark.parametrize("name", cypher.all_names())
def test_every_statement_compiles(graph: Graph, name: str) -> None:
    """EXPLAIN plans a statement without running it: a broken .cypher file fails here. A
    statement for another line (``Requires:`` what this server lacks) must fail to compile
    here, or its header is wrong."""
    if graph.supports(name):
        graph.run_raw("EXPLAIN " + cypher.load(name))
    else:
        with pytest.raises(CypherError):
            graph.run_raw("EXPLAIN " + cypher.load(name))


def test_migrations_are_recorded_and_idempotent(graph: Graph) -> None:
    from strata.api.runtime import embedder

    assert migrate(graph, embedder().name, embedder().dim) == []
    assert sorted(applied(graph)) == [m.version for m in applicable(graph)]
    waiting = {m.name for m in available()} - {m.name for m in applicable(graph)}
    filtered = Capability.VECTOR_FILTERS in graph.capabilities
    assert waiting == (set() if filtered else {"owner_vector_indexes"})  # 2026.01+ only


def test_core_components_answer(graph: Graph) -> None:
    row = graph.read("schema/component_versions")[0]
    assert (row["neo4j"], row["gds"]) == (LINE.neo4j, LINE.gds)
    if LINE.apoc is not None:
        assert graph.read("schema/apoc_version")[0]["apoc"] == LINE.apoc


def test_a_different_embedder_is_refused(graph: Graph) -> None:
    from strata.api.runtime import embedder

    with pytest.raises(SchemaError, match="embedder"):
        migrate(graph, "some-other-embedder", embedder().dim + 1)


def test_warm_up_touches_what_requests_need_and_writes_nothing(graph: Graph) -> None:
    from strata.api.runtime import warm_up
    from strata.graph.owners import LOCAL_TENANT

    steps = warm_up(graph)
    assert set(steps) == {"plans", "extraction", "search"}
    left = graph.run_raw(
        "MATCH (n:Interaction {user_id: $u}) RETURN count(n) AS n", u=f"{LOCAL_TENANT}:warm-up"
    )
    assert left == [{"n": 0}]
