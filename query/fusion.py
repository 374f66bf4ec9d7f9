"""Stage 5 of a plan: fuse every channel into one score per turn.

Scores, not ranks: within one (channel, granularity) list, each hit's score is divided by the
list's best, so a strong BM25 match counts more than a weak one and lists of different scales
(BM25, cosine) become comparable. A turn then collects, with the preset's weights:

    own hits (full-text, vector)                       "this turn says it"
    the best hit among the units that contain or cite  segment, fact, query, insight
    its session's hit                                   (interaction granularity)
    a share of the best score in its session            (evidence clusters by session)
    the own hits of the turns just before and after it  (a reply follows what it answers)
    GMM-associated segments' hits, similar past queries
    linked entities (by rarity) and personalized PageRank over the expanded subgraph

Vector weights are scaled by the entropy router's weight for that granularity.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from strata.query.plan import Channel, Plan

Edge = tuple[str, str, str, str]  # (seed, via, turn, session)

# How much a unit's hit passes to a turn reached through each relation.
VIA = {
    "self": 1.0,
    "segment": 0.6,
    "fact": 0.7,
    "query": 0.5,
    "insight": 0.4,
    "associated": 0.2,
    "similar_query": 0.3,
}
SESSION_WEIGHT = 0.1  # share of its session's own hit (interaction granularity)
SESSION_BEST_WEIGHT = 0.2  # share of the best candidate score in its session
ENTITY_WEIGHT = 0.1


@dataclass
class Seeds:
    vector: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    fulltext: list[tuple[str, str, float]] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    turns: dict[str, dict[str, Any]] = field(default_factory=dict)  # provenance of Turn hits


def unit_scores(plan: Plan, seeds: Seeds) -> dict[str, float]:
    """Every seeded unit's normalised, channel-weighted score (summed over channels)."""
    preset = plan.preset
    out: dict[str, float] = defaultdict(float)
    by_label: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for uid, label, score in seeds.fulltext:
        by_label[label].append((uid, score))
    w_ft = preset.weight(Channel.FULLTEXT)
    for hits in by_label.values():
        for uid, s in _normalised(hits):
            out[uid] += w_ft * s
    w_vec = preset.weight(Channel.VECTOR)
    for g, hits in seeds.vector.items():
        routed = w_vec * (0.5 + plan.weights.get(g, 0.0))
        for uid, s in _normalised(hits, floor=True):
            out[uid] += routed * s
    return out


def fuse(plan: Plan, seeds: Seeds, edges: list[Edge]) -> list[tuple[str, float]]:
    """Turns ranked by fused score, best first (ties broken by id for determinism)."""
    preset = plan.preset
    unit = unit_scores(plan, seeds)
    sessions = _sessions(seeds, edges)
    score: dict[str, float] = defaultdict(float)
    for uid, label, _ in seeds.fulltext:
        if label == "Turn":
            score[uid] += 0.0  # make sure direct hits are candidates even if not expanded
    for g in ("Turn",):
        for uid, _ in seeds.vector.get(g, []):
            score[uid] += 0.0
    for uid in list(score):
        score[uid] += unit.get(uid, 0.0)
    if Channel.EXPANSION in preset.channels:
        _spread(score, unit, edges, preset.weight(Channel.EXPANSION))
        _neighbours(score, unit, seeds.turns, plan)
        _session_prior(score, unit, sessions)
    if Channel.ENTITY in preset.channels:
        _entities(score, seeds.entities, edges, preset.weight(Channel.ENTITY))
    if preset.weight(Channel.PAGERANK) > 0 and edges:
        ppr = _pagerank(unit, edges)
        top = max(ppr.values(), default=0.0) or 1.0
        for t, v in ppr.items():
            if t in score or t in sessions:
                score[t] += preset.weight(Channel.PAGERANK) * 0.2 * v / top
    if Channel.EXPANSION in preset.channels:
        _session_best(score, sessions)
    ranked = sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[: preset.budgets.max_candidates]


def _sessions(seeds: Seeds, edges: list[Edge]) -> dict[str, str]:
    """The session of every candidate: expanded turns, turn hits and their neighbours."""
    out = {turn: session for _, _, turn, session in edges}
    for tid, turn in seeds.turns.items():
        for t in (tid, turn.get("before"), turn.get("after")):
            if t:
                out[t] = turn["interaction_id"]
    return out


def _session_best(score: dict[str, float], sessions: dict[str, str]) -> None:
    """Evidence clusters in the sessions that match best: each turn gains a share of the best
    score among the candidates of its session."""
    best: dict[str, float] = defaultdict(float)
    for t, s in score.items():
        if t in sessions:
            best[sessions[t]] = max(best[sessions[t]], s)
    for t in score:
        if t in sessions:
            score[t] += SESSION_BEST_WEIGHT * best[sessions[t]]


def _normalised(hits: list[tuple[str, float]], floor: bool = False) -> list[tuple[str, float]]:
    """Divide by the best score; with ``floor``, min-max (cosines bunch up near the top)."""
    if not hits:
        return []
    best = max(s for _, s in hits)
    low = min(s for _, s in hits) if floor and len(hits) > 1 else 0.0
    span = (best - low) or 1.0
    return [(uid, (s - low) / span) for uid, s in hits]


def _spread(score: dict[str, float], unit: dict[str, float], edges: list[Edge], w: float) -> None:
    """A turn takes the best hit among the units that reach it through each relation."""
    best: dict[tuple[str, str], float] = {}
    for seed, via, turn, _ in edges:
        if via in ("self", "entity") or seed not in unit:
            continue
        key = (turn, via)
        best[key] = max(best.get(key, 0.0), unit[seed])
    for (turn, via), s in best.items():
        score[turn] += w * VIA.get(via, 0.2) * s


def _neighbours(
    score: dict[str, float], unit: dict[str, float], turns: dict[str, dict[str, Any]], plan: Plan
) -> None:
    """A turn hit passes part of its score to the turn after it (the reply, more so when the
    hit asks a question) and a little to the turn before it (what it replies to); an
    assistant's reply passes more to the owner's turn it answers, since it restates it."""
    b = plan.preset.budgets
    for tid, turn in turns.items():
        own = unit.get(tid, 0.0)
        if turn.get("after"):
            asks = "?" in turn.get("text", "")
            to_assistant = turn.get("role") == "user" and turn.get("after_role") == "assistant"
            factor = b.assistant_reply_factor if to_assistant else b.question_factor
            score[turn["after"]] += own * b.reply_weight * (factor if asks else 1.0)
        if turn.get("before"):
            echoes = (
                turn.get("role") == "assistant"
                and turn.get("before_role") == "user"
                and not turn.get("text", "").rstrip().endswith("?")  # it asks something new
            )
            score[turn["before"]] += own * (b.echo_weight if echoes else b.before_weight)


def _session_prior(
    score: dict[str, float], unit: dict[str, float], sessions: dict[str, str]
) -> None:
    for turn, session in sessions.items():
        if session in unit:
            score[turn] += SESSION_WEIGHT * unit[session]


def _entities(score: dict[str, float], entities: list[str], edges: list[Edge], w: float) -> None:
    """Turns mentioning a linked entity, weighted by the entity's rarity (IDF-like)."""
    per_entity: dict[str, list[str]] = defaultdict(list)
    for seed, via, turn, _ in edges:
        if via == "entity":
            per_entity[seed].append(turn)
    for eid in entities:
        turns = per_entity.get(eid, [])
        for t in turns:
            score[t] += w * ENTITY_WEIGHT / (1 + math.log1p(len(turns)))


def _pagerank(unit: dict[str, float], edges: list[Edge]) -> dict[str, float]:
    """Personalized PageRank over the expanded subgraph, restarting to the seeds (MemGAS)."""
    g = nx.Graph()
    g.add_edges_from((s, t) for s, via, t, _ in edges if via not in ("entity", "self"))
    personal = {n: unit.get(n, 0.0) for n in g.nodes}
    if not any(personal.values()):
        return {}
    return dict(nx.pagerank(g, alpha=0.5, personalization=personal, max_iter=50, tol=1e-4))
