"""Schema and statements against the real server."""

from __future__ import annotations

from typing import Any

import pytest

from graph import cypher
from graph.db import Graph
from graph.errors import SchemaError
from graph.migrations import applied, available, migrate


@pytest.mark.parametrize("name", cypher.all_names())
def test_every_statement_compiles(graph: Graph, name: str) -> None:
    """EXPLAIN plans a statement without running it: a broken .cypher file fails here."""
    graph.run_raw("EXPLAIN " + cypher.load(name))


PINNED = [n for n in cypher.all_names() if "CYPHER replan=skip" in cypher.load(n)]
# Non-unique seeks a pinned statement may use, by design: a user's old scenes.
BY_USER = {"memory/replace_scenes": "RANGE INDEX old:Scene(user_id)"}


def test_statements_that_never_replan_seek_by_unique_id(graph: Graph) -> None:
    """A statement marked ``replan=skip`` keeps the plan it got first, perhaps on an empty
    database, for good: every node it looks up must be found by a unique id, never scanned or
    sought through a user's index (that costs a scan of the user's nodes per row)."""
    assert len(PINNED) >= 14  # the ingest and memory writes
    for name in PINNED:
        with graph.driver.session(database=graph.database) as s:
            plan = s.run("EXPLAIN " + cypher.load(name)).consume().plan
        assert plan is not None
        lookups = [
            (op, details)
            for op, details in _operators(plan)
            if ("Scan" in op or "Seek" in op) and not op.startswith("NodeUniqueIndexSeek")
        ]
        by_user = BY_USER.get(name, "(none)")
        allowed = [(op, d) for op, d in lookups if op == "NodeIndexSeek" and by_user in d]
        assert lookups == allowed, f"{name}: {lookups}"


def _operators(plan: dict[str, Any]) -> list[tuple[str, str]]:
    here = (plan["operatorType"].split("@")[0], str(plan.get("args", {}).get("Details", "")))
    return [here, *(o for c in plan.get("children", []) for o in _operators(c))]


def test_migrations_are_recorded_and_idempotent(graph: Graph) -> None:
    from api.runtime import embedder

    assert migrate(graph, embedder().name, embedder().dim) == []
    assert sorted(applied(graph)) == [m.version for m in available()]


def test_core_components_answer(graph: Graph) -> None:
    row = graph.read("schema/component_versions")[0]
    assert row["neo4j"].startswith("5.26.")
    assert row["gds"].startswith("2.13.")
    assert row["apoc"].startswith("5.26.")


def test_a_different_embedder_is_refused(graph: Graph) -> None:
    from api.runtime import embedder

    with pytest.raises(SchemaError, match="embedder"):
        migrate(graph, "some-other-embedder", embedder().dim + 1)
