"""Multi-granularity memory on the real graph: associations, scenes, insight traversal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests_support import LOCOMO

from strata.api.runtime import pipeline
from strata.graph.db import Graph
from strata.ingest.models import InteractionIn
from strata.ingest.sources import read_file

DATA = Path(__file__).resolve().parents[1] / "data" / "conversation.jsonl"


def one(graph: Graph, query: str, **params: Any) -> Any:
    return graph.run_raw(query, **params)[0]["n"]


@pytest.fixture(scope="module")
def locomo_user(graph: Graph) -> str:
    """One LoCoMo conversation (19 sessions, ~400 turns) ingested once for this module."""
    import uuid

    user = f"mem-{uuid.uuid4().hex[:8]}"
    sample = [it for it in read_file(LOCOMO, "locomo") if it.user_id == "conv-26"]
    pipeline(graph).ingest([it.model_copy(update={"user_id": user}) for it in sample])
    return user


def test_gmm_links_units_and_survives_reingest(graph: Graph, locomo_user: str) -> None:
    q = "MATCH (a:Unit {user_id: $u})-[r:ASSOCIATED]-(b:Unit) RETURN count(DISTINCT r) AS n"
    links = one(graph, q, u=locomo_user)
    assert links > 0
    cross = one(
        graph,
        "MATCH (a:Unit {user_id: $u})-[:ASSOCIATED]-(b:Unit) WHERE b.user_id <> $u "
        "RETURN count(*) AS n",
        u=locomo_user,
    )
    assert cross == 0, "an association crossed users"
    sample = [it for it in read_file(LOCOMO, "locomo") if it.user_id == "conv-26"]
    pipeline(graph).ingest([it.model_copy(update={"user_id": locomo_user}) for it in sample])
    assert one(graph, q, u=locomo_user) == links


def test_scenes_group_units_across_granularities(graph: Graph, locomo_user: str) -> None:
    scenes = graph.run_raw(
        "MATCH (s:Scene {user_id: $u, retired: false})-[:HAS_MEMBER]->(m) "
        "RETURN s.id AS id, s.text AS text, collect(DISTINCT labels(m)) AS kinds, "
        "count(m) AS size",
        u=locomo_user,
    )
    assert len(scenes) >= 2
    assert sum(s["size"] for s in scenes) > 100
    kinds = {label for s in scenes for ls in s["kinds"] for label in ls if label != "Unit"}
    assert {"Segment", "Interaction"} <= kinds
    insights = one(
        graph,
        "MATCH (:Scene {user_id: $u})-[:HAS_INSIGHT]->(i:Insight {kind: 'scene'}) "
        "RETURN count(i) AS n",
        u=locomo_user,
    )
    assert insights == len(scenes)


def test_up_and_down_the_insight_tier(graph: Graph, user_id: str) -> None:
    pipeline(graph).ingest(
        [it.model_copy(update={"user_id": user_id}) for it in read_file(DATA, "native")]
    )
    berlin = graph.run_raw(
        "MATCH (i:Insight {user_id: $u, kind: 'persona'}) WHERE i.text CONTAINS 'berlin' "
        "RETURN i.id AS id",
        u=user_id,
    )[0]["id"]
    down = graph.read("memory/evidence_for_insight", user_id=user_id, insight_id=berlin, limit=10)
    assert [(r["source_id"], r["agrees"]) for r in down] == [("m1", True)]
    assert "Berlin" in down[0]["text"]
    up = graph.read("memory/insights_for_turn", user_id=user_id, turn_id=down[0]["turn_id"])
    assert berlin in {r["id"] for r in up}
    # another user cannot walk into it
    assert (
        graph.read(
            "memory/evidence_for_insight", user_id="someone-else", insight_id=berlin, limit=10
        )
        == []
    )


def _ask(user: str, day: int, *questions: str) -> InteractionIn:
    return InteractionIn.model_validate(
        {
            "id": f"ask-{day}",
            "user_id": user,
            "started_at": f"2024-03-{day:02d}T10:00:00Z",
            "messages": [{"speaker": "Ana", "text": q} for q in questions],
        }
    )


def test_similar_questions_link_to_earlier_ones_of_the_same_user_only(graph: Graph) -> None:
    import uuid

    ana, bo = (f"ask-{who}-{uuid.uuid4().hex[:6]}" for who in ("ana", "bo"))
    same = "Which hiking trail near Denver should we try this summer?"
    pipeline(graph).ingest([_ask(bo, 1, same)])
    pipeline(graph).ingest(
        [
            _ask(ana, 2, same, "Did the bakery on Main Street reopen?"),
            _ask(ana, 9, "Which hiking trail near Denver should we try next summer?"),
        ]
    )
    links = graph.run_raw(
        "MATCH (a:Query)-[l:SIMILAR_TO]->(b:Query) WHERE a.user_id IN [$ana, $bo] "
        "RETURN a.user_id AS owner, a.text AS a, b.text AS b, b.user_id AS b_owner, "
        "l.score AS score",
        ana=ana,
        bo=bo,
    )
    assert [(r["owner"], r["a"], r["b"]) for r in links] == [
        (ana, "Which hiking trail near Denver should we try next summer?", same)
    ]
    assert links[0]["b_owner"] == ana and links[0]["score"] >= 0.7


def test_reingest_adds_no_links_after_other_users_grew_the_index(graph: Graph) -> None:
    """Association and query links are made when a unit arrives. Candidates come from a vector
    index shared by all users, so re-deriving them later (after another user's identical
    conversation filled the nearest slots) would give other links; a re-ingest adds none."""
    import uuid

    tag = uuid.uuid4().hex[:6]
    conversation = [it for it in read_file(LOCOMO, "locomo") if it.user_id == "conv-30"]
    first, twin = (
        [it.model_copy(update={"user_id": f"{who}-{tag}"}) for it in conversation]
        for who in ("first", "twin")
    )
    by_type = "MATCH (a {user_id: $u})-[r]->() RETURN type(r) AS t, count(r) AS n ORDER BY t"
    nodes = "MATCH (n {user_id: $u}) RETURN count(n) AS n"
    u = f"first-{tag}"
    pipeline(graph).ingest(first)
    before = graph.run_raw(by_type, u=u), one(graph, nodes, u=u)
    assert {"ASSOCIATED", "SIMILAR_TO"} <= {r["t"] for r in before[0]}
    pipeline(graph).ingest(twin)
    pipeline(graph).ingest(first)
    assert (graph.run_raw(by_type, u=u), one(graph, nodes, u=u)) == before


def _invented(user: str, tag: str) -> list[InteractionIn]:
    """Three sessions in invented words that end with ``tag``, so their units are each other's
    nearest: a database kept across runs then holds no near-identical units of an earlier run,
    which would crowd the over-fetching index look-up."""
    sessions = [
        [
            "I love zorbel quindle carving with my cousin Brimwick.",
            "Zorbel quindle carving sounds tricky, how long have you done it?",
            "Three years of zorbel quindle carving, mostly at the Vexhollow lodge.",
            "Is the Vexhollow lodge open in winter?",
            "The Vexhollow lodge opens every winter for quindle carvers.",
            "I prefer frimble skating on the Tarnwick lake.",
            "Frimble skating on Tarnwick lake looks cold.",
        ],
        [
            "Brimwick finished a new zorbel quindle sculpture yesterday.",
            "Where will Brimwick show the zorbel quindle sculpture?",
            "Brimwick shows the quindle sculpture at the Vexhollow lodge fair.",
            "I went frimble skating on Tarnwick lake again.",
            "Did the Tarnwick lake ice hold for frimble skating?",
            "The Tarnwick ice held fine, frimble skating was smooth.",
        ],
        [
            "Is the Vexhollow lodge fair open in winter?",
            "The Vexhollow lodge fair opens every winter.",
            "I don't like frimble skating anymore.",
            "Zorbel quindle carving suits you better.",
            "Brimwick and I plan a zorbel quindle workshop.",
        ],
    ]
    return [
        InteractionIn.model_validate(
            {
                "id": f"invented-{day}",
                "user_id": user,
                "started_at": f"2024-05-{day:02d}T10:00:00Z",
                "messages": [
                    {"speaker": ("Quorra", "Zeb")[i % 2], "text": _coined(text, tag)}
                    for i, text in enumerate(texts)
                ],
            }
        )
        for day, texts in ((1, sessions[0]), (8, sessions[1]), (15, sessions[2]))
    ]


def _coined(text: str, tag: str) -> str:
    for word in ("zorbel", "quindle", "vexhollow", "frimble", "tarnwick", "brimwick"):
        text = text.replace(word, word + tag).replace(word.title(), word.title() + tag)
    return text


@pytest.mark.parametrize("batch_turns", [1000, 7], ids=["one-batch", "a-batch-per-session"])
def test_links_decided_in_memory_match_the_index_path(
    graph: Graph, batch_turns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user with no memory yet gets links decided exactly in memory while each batch is built
    (earlier batches of the same ingest kept in memory); a known user gets them from the vector
    and full-text indexes after each write. With the index look-up's over-fetch raised so far
    that it misses nothing (the default 60 can miss low-scoring candidates in a big shared
    index: that approximation is the index path's known limit), both decide the same
    ASSOCIATED and SIMILAR_TO links, with scores equal to float32 precision."""
    import uuid

    from strata.api.runtime import embedder, extractor
    from strata.ingest.memory import Maintainer, MemoryConfig
    from strata.ingest.pipeline import Pipeline

    class EveryoneKnown(Maintainer):
        def users_with_memory(self, users: set[str]) -> set[str]:
            return set(users)

    monkeypatch.setattr("strata.ingest.pipeline.BATCH_TURNS", batch_turns)
    tag = uuid.uuid4().hex[:6]
    indexed, in_memory = f"indexed-{tag}", f"in-memory-{tag}"
    known = EveryoneKnown(graph, embedder(), MemoryConfig(fetch=100_000))
    Pipeline(graph, embedder(), extractor(), known).ingest(_invented(indexed, tag))
    pipeline(graph).ingest(_invented(in_memory, tag))

    def links(user: str) -> dict[tuple[str, ...], float]:
        rows = graph.run_raw(
            "MATCH (a {user_id: $u})-[l:ASSOCIATED|SIMILAR_TO]->(b) "
            "RETURN type(l) AS t, l.score AS score, "
            "[x IN labels(a) WHERE x <> 'Unit'][0] + ': ' + a.text AS a, "
            "[x IN labels(b) WHERE x <> 'Unit'][0] + ': ' + b.text AS b",
            u=user,
        )
        undirected = {"ASSOCIATED"}
        return {
            (r["t"], *(sorted((r["a"], r["b"])) if r["t"] in undirected else (r["a"], r["b"]))): r[
                "score"
            ]
            for r in rows
        }

    decided = links(in_memory)
    assert {"ASSOCIATED", "SIMILAR_TO"} <= {t for t, *_ in decided}
    assert (
        "SIMILAR_TO",
        "Query: " + _coined("Is the Vexhollow lodge fair open in winter?", tag),
        "Query: " + _coined("Is the Vexhollow lodge open in winter?", tag),
    ) in decided
    via_index = links(indexed)
    assert sorted(via_index) == sorted(decided)
    assert all(abs(via_index[k] - score) < 1e-3 for k, score in decided.items())
    marked = (
        "MATCH (n {user_id: $u}) WHERE n:Segment OR n:Interaction OR n:Fact OR n:Query "
        "RETURN count(n) AS n, count(coalesce(n.associated_at, n.similar_at)) AS marked"
    )
    for user in (indexed, in_memory):
        row = graph.run_raw(marked, u=user)[0]
        assert row["n"] == row["marked"] > 0, "every unit is marked linked exactly once"
    pipeline(graph).ingest(_invented(in_memory, tag))
    assert links(in_memory) == decided


def test_one_ingest_of_two_users_keeps_persona_and_scenes_apart(graph: Graph) -> None:
    """Persona traits and scene refits are read and written for all of a batch's users at once;
    each user's insights and scenes still rest on that user's units only."""
    import uuid

    from strata.ingest.memory import Maintainer

    tag = uuid.uuid4().hex[:6]
    ana, bo = f"pair-ana-{tag}", f"pair-bo-{tag}"
    sessions = read_file(DATA, "native")
    pipeline(graph).ingest(
        [it.model_copy(update={"user_id": who}) for who in (ana, bo) for it in sessions]
    )
    from strata.api.runtime import embedder

    assert Maintainer(graph, embedder()).refresh_scenes([ana, bo], force=True) == {ana, bo}
    crossing = (
        graph.run_raw(
            "MATCH (x {user_id: $u})-[:SUPPORTED_BY|CONTRADICTED_BY|HAS_MEMBER|HAS_INSIGHT]->(y) "
            "WHERE y.user_id <> $u RETURN count(*) AS n",
            u=ana,
        )[0]["n"]
        + graph.run_raw(
            "MATCH (x {user_id: $u})-[:SUPPORTED_BY|CONTRADICTED_BY|HAS_MEMBER|HAS_INSIGHT]->(y) "
            "WHERE y.user_id <> $u RETURN count(*) AS n",
            u=bo,
        )[0]["n"]
    )
    assert crossing == 0
    per_user = "MATCH (i:Insight {user_id: $u, kind: $k}) RETURN count(i) AS n"
    for who in (ana, bo):
        assert one(graph, per_user, u=who, k="persona") > 0
        assert one(graph, per_user, u=who, k="scene") > 0
    assert one(graph, per_user, u=ana, k="persona") == one(graph, per_user, u=bo, k="persona")
