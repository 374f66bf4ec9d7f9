"""Supersession of facts written by the batch writer: both kinds of conflict in one group,
whatever order the facts arrive in (cypher/ingest/close_superseded_facts)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from strata.graph.db import Graph
from strata.graph.owners import user_key
from strata.graph.store import Batch, write_batch
from strata.ingest.models import stable_id
from strata.ingest.synthetic import SynthSpec, write_user

# (predicate, object, polarity, month, single-valued)
FACTS = [
    ("likes", "jazz", True, 3, False),
    ("likes", "jazz", False, 6, False),
    ("likes", "jazz", True, 9, False),
    ("likes", "tea", True, 4, False),
    ("lives_in", "paris", True, 3, True),
    ("lives_in", "paris", False, 5, True),
    ("lives_in", "rome", True, 6, True),
    ("lives_in", "berlin", True, 7, True),
]
EXPECTED = {  # what each fact is superseded by: the earliest later conflicting fact
    ("jazz", True, 3): ("jazz", False, 6),
    ("jazz", False, 6): ("jazz", True, 9),
    ("jazz", True, 9): None,
    ("tea", True, 4): None,
    ("paris", True, 3): ("paris", False, 5),  # the negation comes before the move
    ("paris", False, 5): None,  # a negative fact is closed only by its own negation
    ("rome", True, 6): ("berlin", True, 7),  # a move: a later positive other value
    ("berlin", True, 7): None,
}


def _ana(owner: str) -> dict[str, Any]:
    return {
        "id": stable_id(owner, "entity", "ana"), "user_id": owner, "user_key": user_key(owner),
        "key": "ana", "name": "Ana", "kind": "person", "aliases": ["Ana"],
    }  # fmt: skip


def _row(owner: str, turn: str, fact: tuple[str, str, bool, int, bool]) -> dict[str, Any]:
    predicate, obj, polarity, month, single = fact
    return {
        "id": stable_id(owner, "fact", predicate, obj, polarity, month), "user_id": owner,
        "user_key": user_key(owner), "turn_id": turn, "subject_id": _ana(owner)["id"],
        "subject_key": "ana", "subject": "Ana", "predicate": predicate, "object": obj,
        "polarity": polarity, "confidence": 0.9, "valid_from": datetime(2024, month, 1, tzinfo=UTC),
        "single_valued": single, "text": f"Ana {predicate} {obj}", "embedding": [1.0] + [0.0] * 255,
    }  # fmt: skip


@pytest.mark.parametrize("order", [list(range(8)), [7, 6, 2, 5, 0, 3, 1, 4]])
def test_each_fact_points_to_the_earliest_later_conflict(
    graph: Graph, user_id: str, order: list[int]
) -> None:
    owner = f"default:{user_id}"
    write_user(graph, SynthSpec(owner=owner, turns=10, turns_per_interaction=10, entities=2))
    turn = stable_id(stable_id(owner, "synth-interaction", 0), "turn", 0)
    for i in order:  # one batch per fact: every arrival re-derives the group
        batch = Batch(entities=[_ana(owner)], facts=[_row(owner, turn, FACTS[i])], enrich=False)
        write_batch(graph, batch)
    got = graph.run_raw(
        "MATCH (f:Fact {user_id: $u, subject_key: 'ana'}) "
        "OPTIONAL MATCH (f)-[:SUPERSEDED_BY]->(n:Fact) "
        "RETURN f.object AS o, f.polarity AS p, f.valid_from.month AS m, f.valid_to AS until, "
        "n.object AS no, n.polarity AS np, n.valid_from.month AS nm",
        u=owner,
    )
    chains = {
        (r["o"], r["p"], r["m"]): (r["no"], r["np"], r["nm"]) if r["no"] else None for r in got
    }
    assert chains == EXPECTED
    for r in got:  # validity ends where the superseding fact starts
        assert (r["until"] is None) == (r["no"] is None)
        if r["until"] is not None:
            assert r["until"].month == r["nm"]
