"""Scenes written as what a refit changed: after many small rounds a user's scenes are the same
as after one ingest of everything, and every scene summary's vector is the one of its text."""

from __future__ import annotations

import uuid

import numpy as np
from tests_support import LOCOMO, derived_memory

from strata.api.runtime import embedder, pipeline
from strata.graph.db import Graph
from strata.ingest.sources import read_file


def scene_insights(graph: Graph, user: str) -> list[dict[str, object]]:
    return graph.run_raw(
        "MATCH (s:Scene {user_id: $u})-[:HAS_INSIGHT]->(i:Insight {kind: 'scene'}) "
        "RETURN i.text AS text, i.embedding AS embedding, "
        "COUNT { (i)-[:SUPPORTED_BY]->() } AS representatives, s.size AS size, "
        "COUNT { (s)-[:HAS_MEMBER]->() } AS members",
        u=user,
    )


def test_scenes_after_one_session_per_round_equal_one_ingest_of_all(graph: Graph) -> None:
    tenant = f"sc{uuid.uuid4().hex[:6]}"
    sessions = [it for it in read_file(LOCOMO, "locomo") if it.user_id == "conv-26"][:10]
    at_once, by_round = f"{tenant}:once", f"{tenant}:rounds"
    pipeline(graph).ingest([it.model_copy(update={"user_id": at_once}) for it in sessions])
    for it in sessions:  # ten rounds: each refits the scenes and writes what changed
        pipeline(graph).ingest([it.model_copy(update={"user_id": by_round})])

    once, rounds = derived_memory(graph, at_once), derived_memory(graph, by_round)
    assert len(once["scenes"]) >= 2
    assert rounds["scenes"] == once["scenes"]
    assert rounds["counts"] == once["counts"]  # members, representatives, insights: none left over

    insights = scene_insights(graph, by_round)
    assert len(insights) == len(once["scenes"])
    want = embedder().embed([str(i["text"]) for i in insights])
    got = np.asarray([i["embedding"] for i in insights], dtype=np.float64)
    np.testing.assert_allclose(got, want, atol=1e-6)  # no vector of an older summary
    assert all(i["members"] == i["size"] and i["representatives"] for i in insights)
