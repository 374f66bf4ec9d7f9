"""The query planner: understand → seeds (vector per granularity, full-text, entities) → route →
bounded expansion → fusion (weighted RRF + personalized PageRank) → provenance → contradictions.

Invariants: every statement is scoped to ``user_id``; vector seeds come from Neo4j vector
indexes (never a scan); each stage is timed into the plan that ``explain`` returns; ``as_of``
restricts turns to those said by then and facts to those valid then.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from graph.db import Graph
from graph.migrations import VectorIndex
from ingest.embed import Embedder
from ingest.pipeline import user_key
from query import lucene
from query.contradictions import Contradiction, check_facts
from query.contradictions import to_json as contradiction_json
from query.plan import DEFAULT, Channel, Plan, Preset, Stage
from query.router import route
from query.understand import understand

RRF_K = 60
VIA_WEIGHT = {  # how much a seed's score passes to the turns it reaches
    "segment": 0.8,
    "fact": 0.9,
    "insight": 0.6,
    "next": 0.35,
    "associated": 0.3,
    "similar_query": 0.4,
    "entity": 0.0,
    "interaction": 0.5,
}


@dataclass
class Item:
    kind: str
    id: str
    source_id: str | None
    interaction_id: str | None
    text: str
    score: float
    time: datetime | None = None


@dataclass
class Answer:
    items: list[Item]
    contradictions: list[Contradiction]
    plan: Plan
    facts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def timing_ms(self) -> float:
        return round(sum(s.ms for s in self.plan.stages), 2)

    def to_json(self, *, explain: bool = False) -> dict[str, Any]:
        """The wire shape of the CLI and the API (items best first)."""
        plan = (
            self.plan.explain()
            if explain
            else {
                "preset": self.plan.preset.name,
                "question_type": self.plan.understanding.question_type.value
                if self.plan.understanding
                else None,
                "weights": {g: round(w, 3) for g, w in self.plan.weights.items()},
            }
        )
        return {
            "items": [
                {
                    "kind": i.kind,
                    "id": i.id,
                    "source_id": i.source_id,
                    "interaction_id": i.interaction_id,
                    "text": i.text,
                    "score": i.score,
                    "time": i.time.isoformat() if i.time else None,
                }
                for i in self.items
            ],
            "contradictions": [contradiction_json(c) for c in self.contradictions],
            "plan": plan,
            "timing_ms": self.timing_ms,
        }


class Planner:
    def __init__(self, graph: Graph, embedder: Embedder) -> None:
        self.graph = graph
        self.embedder = embedder

    def search(
        self,
        user_id: str,
        query: str,
        k: int = 10,
        as_of: datetime | None = None,
        preset: Preset = DEFAULT,
    ) -> Answer:
        as_of = _utc(as_of)
        plan = Plan(user_id=user_id, query=query, k=k, as_of=as_of, preset=preset)
        with _stage(plan, "understand") as d:
            plan.understanding = u = understand(query, as_of or datetime.now(UTC))
            d.update(type=u.question_type.value, people=u.people)
        seeds = self._seeds(plan)
        with _stage(plan, "route") as d:
            plan.weights = route({g: [s for _, s in rows] for g, rows in seeds.vector.items()})
            d.update(weights={g: round(w, 3) for g, w in plan.weights.items()})
        expansion = self._expand(plan, seeds)
        with _stage(plan, "fuse") as d:
            ranked = _fuse(plan, seeds, expansion)
            d.update(candidates=len(ranked))
        items = self._provenance(plan, ranked[:k])
        with _stage(plan, "contradictions") as d:
            facts = self._facts(plan, [i.id for i in items], seeds.entities)
            found = check_facts(facts, as_of)
            d.update(facts=len(facts), contradictions=len(found))
        return Answer(items=items, contradictions=found, plan=plan, facts=facts)

    # ---- stages ------------------------------------------------------------------------------

    def _seeds(self, plan: Plan) -> Seeds:
        """Vector (per granularity), full-text and entity seeds in ONE statement."""
        b, preset = plan.preset.budgets, plan.preset
        with _stage(plan, "embed"):
            vector = self.embedder.embed([plan.query])[0].tolist()
        granularities = list(preset.granularities) if Channel.VECTOR in preset.channels else []
        ukey = user_key(plan.user_id)
        with _stage(plan, "seeds") as d:
            rows = self.graph.read(
                "query/seeds",
                indexes=[VectorIndex(g).index_name for g in granularities],
                fetch=b.vector_fetch,
                k=b.vector_k,
                vector=vector,
                lucene=lucene.for_user(ukey, plan.query)
                if Channel.FULLTEXT in preset.channels
                else None,
                fulltext_k=b.fulltext_k,
                names=lucene.names_for_user(ukey, plan.query)
                if Channel.ENTITY in preset.channels
                else None,
                entities_k=b.entities_k,
                user_id=plan.user_id,
                as_of=plan.as_of,
            )
            seeds = Seeds(vector={g: [] for g in granularities})
            for r in rows:
                if r["channel"] == "vector":
                    seeds.vector[r["granularity"]].append((r["id"], r["score"]))
                elif r["channel"] == "fulltext":
                    seeds.fulltext.append((r["id"], r["granularity"], r["score"]))
                else:
                    seeds.entities.append(r["id"])
            d.update(
                vector={g: len(v) for g, v in seeds.vector.items()},
                fulltext=len(seeds.fulltext),
                entities=len(seeds.entities),
            )
        return seeds

    def _expand(self, plan: Plan, seeds: Seeds) -> list[tuple[str, str, str]]:
        if (
            Channel.EXPANSION not in plan.preset.channels
            and Channel.PAGERANK not in plan.preset.channels
        ):
            return []
        seed_ids = list(
            dict.fromkeys(
                [i for rows in seeds.vector.values() for i, _ in rows]
                + [i for i, _, _ in seeds.fulltext]
            )
        )
        with _stage(plan, "expand") as d:
            rows = self.graph.read(
                "query/expand",
                user_id=plan.user_id,
                seeds=seed_ids,
                entities=seeds.entities,
                per_seed=plan.preset.budgets.expand_per_seed,
                as_of=plan.as_of,
            )
            edges = [(r["seed"], r["via"], r["turn"]) for r in rows]
            if not plan.preset.use_associations:
                edges = [e for e in edges if e[1] != "associated"]
            d.update(edges=len(edges))
        return edges

    def _provenance(self, plan: Plan, ranked: list[tuple[str, float]]) -> list[Item]:
        with _stage(plan, "provenance"):
            rows = self.graph.read(
                "query/turns_by_id", ids=[i for i, _ in ranked], user_id=plan.user_id
            )
        by_id = {r["id"]: r for r in rows}
        return [
            Item(
                kind="turn",
                id=i,
                source_id=by_id[i]["source_id"],
                interaction_id=by_id[i]["interaction_id"],
                text=by_id[i]["text"],
                score=round(s, 6),
                time=_native(by_id[i]["time"]),
            )
            for i, s in ranked
            if i in by_id
        ]

    def _facts(self, plan: Plan, turns: list[str], entities: list[str]) -> list[dict[str, Any]]:
        rows = self.graph.read(
            "query/facts_for_turns",
            turns=turns,
            entities=entities,
            user_id=plan.user_id,
            limit=plan.preset.budgets.facts_limit,
        )
        for r in rows:
            for key in ("valid_from", "valid_to", "stated_at"):
                r[key] = _native(r[key])
        return rows


@dataclass
class Seeds:
    vector: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    fulltext: list[tuple[str, str, float]] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)


def _fuse(plan: Plan, seeds: Seeds, edges: list[tuple[str, str, str]]) -> list[tuple[str, float]]:
    """Weighted reciprocal-rank fusion over channels, plus personalized PageRank."""
    preset = plan.preset
    seed_score: dict[str, float] = defaultdict(float)  # any unit id → fused seed score
    for g, rows in seeds.vector.items():
        w = preset.weight(Channel.VECTOR) * (0.5 + plan.weights.get(g, 0.0))
        for rank, (uid, _) in enumerate(rows):
            seed_score[uid] += w / (RRF_K + rank)
    w_ft = preset.weight(Channel.FULLTEXT)
    for rank, (uid, _, _) in enumerate(seeds.fulltext):
        seed_score[uid] += w_ft / (RRF_K + rank)
    turn_ids = _turn_ids(seeds, edges)
    score = {t: seed_score.get(t, 0.0) for t in turn_ids}
    _spread(score, seed_score, edges, preset, seeds)
    if preset.weight(Channel.PAGERANK) > 0 and edges:
        ppr = _pagerank(seed_score, edges)
        ranked = sorted((t for t in turn_ids if t in ppr), key=lambda t: -ppr[t])
        for rank, t in enumerate(ranked):
            score[t] += preset.weight(Channel.PAGERANK) / (RRF_K + rank)
    top = sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))
    return top[: preset.budgets.max_candidates]


def _turn_ids(seeds: Seeds, edges: list[tuple[str, str, str]]) -> set[str]:
    ids = {uid for uid, _ in seeds.vector.get("Turn", [])}
    ids |= {uid for uid, label, _ in seeds.fulltext if label == "Turn"}
    return ids | {t for _, _, t in edges}


def _spread(
    score: dict[str, float],
    seed_score: dict[str, float],
    edges: list[tuple[str, str, str]],
    preset: Preset,
    seeds: Seeds,
) -> None:
    """Pass seed scores along expansion edges; entity hits count by rarity (IDF-like)."""
    if Channel.EXPANSION in preset.channels:
        fan: dict[tuple[str, str], int] = defaultdict(int)
        for seed, via, _ in edges:
            fan[(seed, via)] += 1
        for seed, via, turn in edges:
            if via != "entity" and seed in seed_score:
                share = VIA_WEIGHT.get(via, 0.3) / math.sqrt(fan[(seed, via)])
                score[turn] = (
                    score.get(turn, 0.0)
                    + preset.weight(Channel.EXPANSION) * share * seed_score[seed]
                )
    if Channel.ENTITY in preset.channels:
        per_entity: dict[str, list[str]] = defaultdict(list)
        for seed, via, turn in edges:
            if via == "entity":
                per_entity[seed].append(turn)
        for rank, eid in enumerate(seeds.entities):
            turns = per_entity.get(eid, [])
            for t in turns:
                bonus = preset.weight(Channel.ENTITY) / (
                    (RRF_K + rank) * (1 + math.log1p(len(turns)))
                )
                score[t] = score.get(t, 0.0) + bonus


def _pagerank(seed_score: dict[str, float], edges: list[tuple[str, str, str]]) -> dict[str, float]:
    """Personalized PageRank over the expanded subgraph, restarting to the seeds (MemGAS)."""
    g = nx.Graph()
    g.add_edges_from((s, t) for s, via, t in edges if via != "entity")
    personal = {n: seed_score.get(n, 0.0) for n in g.nodes}
    if not any(personal.values()):
        return {}
    return dict(nx.pagerank(g, alpha=0.5, personalization=personal, max_iter=50, tol=1e-4))


@contextmanager
def _stage(plan: Plan, name: str) -> Iterator[dict[str, Any]]:
    detail: dict[str, Any] = {}
    start = time.perf_counter()
    try:
        yield detail
    finally:
        plan.stages.append(Stage(name, round((time.perf_counter() - start) * 1000, 2), detail))


def _utc(d: datetime | None) -> datetime | None:
    if d is None:
        return None
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d.astimezone(UTC)


def _native(v: Any) -> datetime | None:
    return v.to_native() if hasattr(v, "to_native") else v
