"""Persona traits kept up to date per ingest from the (subject, predicate) groups the new facts
fall in end exactly where a rebuild from all of the user's facts ends: the same traits, support,
retirements, near-duplicate merges and evidence links."""

from __future__ import annotations

import uuid
from typing import Any

from strata.api.runtime import embedder, pipeline
from strata.graph.db import Graph
from strata.ingest.memory import Maintainer
from strata.ingest.models import InteractionIn

# A hand-written history over four sessions: two people, moves that supersede a home, a like
# that flips and comes back, a job change.
HISTORY = [
    [("Maya", "I live in Paris with my cat."), ("Maya", "I love jazz and I love chess."),
     ("Maya", "I work at Acme."), ("Ana", "I love tennis."), ("Ana", "I live in Rome.")],
    [("Maya", "I moved to Lisbon last month."), ("Maya", "I don't like jazz any more."),
     ("Ana", "I love chess.")],
    [("Maya", "I love jazz again, actually."), ("Maya", "I really love jazz music."),
     ("Maya", "I work at Globex now.")],
    [("Ana", "I don't like tennis any more."), ("Ana", "I moved to Lisbon too.")],
]  # fmt: skip


def _session(owner: str, n: int, lines: list[tuple[str, str]]) -> InteractionIn:
    messages = [
        {"id": f"m{i}", "speaker": who, "text": text, "timestamp": f"2024-0{n + 1}-10T10:0{i}:00Z"}
        for i, (who, text) in enumerate(lines)
    ]
    return InteractionIn.model_validate({"id": f"s{n}", "user_id": owner, "messages": messages})


def _traits(graph: Graph, owner: str) -> list[tuple[Any, ...]]:
    rows = graph.run_raw(
        "MATCH (i:Insight {user_id: $u, kind: 'persona'}) "
        "RETURN i.id AS id, i.text AS text, i.support AS support, i.retired AS retired, "
        "i.merged_into AS merged, [(i)-[:SUPPORTED_BY]->(f) | f.id] AS pro, "
        "[(i)-[:CONTRADICTED_BY]->(f) | f.id] AS con, [(i)-[:MERGED_INTO]->(k) | k.id] AS into",
        u=owner,
    )
    return sorted(
        (r["id"], r["text"], r["support"], r["retired"], r["merged"],
         sorted(r["pro"]), sorted(r["con"]), r["into"])
        for r in rows
    )  # fmt: skip


def test_persona_kept_up_per_ingest_equals_a_rebuild(graph: Graph) -> None:
    owner = f"pi{uuid.uuid4().hex[:8]}:maya"
    seen = []
    for n, lines in enumerate(HISTORY):
        pipeline(graph).ingest([_session(owner, n, lines)])
        seen.append(_traits(graph, owner))
    incremental = seen[-1]
    # The history did what it says: later sessions retired traits that earlier ones set up.
    assert {t[0] for t in seen[0] if not t[3]} & {t[0] for t in incremental if t[3]}
    Maintainer(graph, embedder()).rebuild(owner)
    assert _traits(graph, owner) == incremental
