"""The query planner: understand → seeds (vector per granularity, full-text, entities) → route →
bounded expansion → fusion (weighted RRF + personalized PageRank) → provenance → contradictions.

Invariants: every statement is scoped to ``user_id``; vector seeds come from Neo4j vector
indexes (owner-filtered on 2026.01+), and from exact scores over the user's own units only when
the index leaves fewer than k; each stage is timed into the plan that ``explain`` returns; ``as_of``
restricts turns to those said by then and facts to those valid then.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

from strata.graph import lucene
from strata.graph.db import Graph
from strata.graph.migrations import VectorIndex
from strata.graph.owners import user_key
from strata.ingest.embed import Embedder
from strata.query.answer import Answer
from strata.query.contradictions import NUMERIC, check_facts
from strata.query.current import current_first
from strata.query.dated import dated_answer, is_when_question
from strata.query.fusion import Edge, Seeds, fuse
from strata.query.intents import Intent, arrange
from strata.query.items import Item, answer_facts, rerank
from strata.query.plan import DEFAULT, Budgets, Channel, Plan, Preset, Stage
from strata.query.router import route
from strata.query.understand import understand

RRF_K = 60  # only to pick which seeds to expand
# On Neo4j 2026.01+ vector seeds come from owner-filtered indexes (Cypher 25 SEARCH).
SEEDS_FILTERED = "query/seeds_filtered"
Row = dict[str, Any]


class QueryMasker(Protocol):
    """Personal values in a question as the owner's placeholders (``ingest.masking``)."""

    def mask_query(self, owner: str, text: str) -> str: ...


class Planner:
    def __init__(self, graph: Graph, embedder: Embedder, masker: QueryMasker | None = None) -> None:
        self.graph = graph
        self.embedder = embedder
        self.masker = masker  # STRATA_PII=mask: memory holds placeholders, so must the query

    def search(
        self,
        user_id: str,
        query: str,
        k: int = 10,
        as_of: datetime | None = None,
        preset: Preset = DEFAULT,
    ) -> Answer:
        as_of = _utc(as_of)
        if self.masker is not None:
            query = self.masker.mask_query(user_id, query)
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
            ranked = fuse(plan, seeds, expansion)
            d.update(candidates=len(ranked))
        intent = Intent(u.intent)
        pool_ranked = ranked[: max(3 * k, plan.preset.budgets.rerank_pool)]
        if intent is Intent.INSTRUCTIONS:
            pool_ranked = self._standing_first(plan, pool_ranked)
        pool, pool_facts = self._provenance(plan, pool_ranked, seeds)
        with _stage(plan, "rerank") as d:
            now = as_of or datetime.now(UTC)
            items = current_first(rerank(plan, pool, len(pool)), pool_facts, u, now)
            items = arrange(intent, items, k)
            d.update(intent=intent.value, present=u.present)
        with _stage(plan, "contradictions") as d:
            facts = answer_facts(pool_facts, items, plan.preset.budgets.facts_limit)
            facts = self._numeric_context(plan, facts)
            report = check_facts(facts, as_of)
            d.update(facts=len(facts), contradictions=len(report.contradictions))
        dated = None
        if is_when_question(query):
            with _stage(plan, "answer") as d:
                dated = dated_answer(query, items)
                d.update(dated.how if dated else {"rule": "no evidence with a time"})
        return Answer(
            items=items,
            contradictions=list(report.contradictions),
            plan=plan,
            facts=facts,
            updates=list(report.supersessions),
            dated=dated,
            sessions=self._sessions(plan, items) if intent is Intent.SUMMARY else [],
        )

    # ---- stages ------------------------------------------------------------------------------

    def _standing_first(
        self, plan: Plan, ranked: list[tuple[str, float]]
    ) -> list[tuple[str, float]]:
        """The owner's standing instructions ahead of everything: those the question matches
        first, then the newest; their scores are set above the best hit's."""
        with _stage(plan, "standing") as d:
            rows = self.graph.read(
                "query/standing_instructions",
                user_id=plan.user_id,
                as_of=plan.as_of,
                limit=plan.preset.budgets.standing_limit,
            )
            score = dict(ranked)
            ids = sorted((r["id"] for r in rows), key=lambda i: -score.get(i, 0.0))
            d.update(standing=len(ids))
        top = max(score.values(), default=1.0)
        first = [(i, 2 * top + (len(ids) - n) * 1e-3) for n, i in enumerate(ids)]
        return first + [(i, s) for i, s in ranked if i not in set(ids)]

    def _sessions(self, plan: Plan, items: list[Item]) -> list[Row]:
        """The sessions of a summary's items, as units (best item's session first)."""
        order = list(dict.fromkeys(i.interaction_id for i in items if i.interaction_id))
        with _stage(plan, "sessions") as d:
            (row,) = self.graph.read("query/sessions_by_id", ids=order, user_id=plan.user_id)
            d.update(sessions=len(row["sessions"]))
        by_id = {r["id"]: r for r in row["sessions"]}
        return [
            {**by_id[i], "started_at": _iso(_from_ms(by_id[i]["started_at"]))}
            for i in order
            if i in by_id
        ]

    def _numeric_context(self, plan: Plan, facts: list[Row]) -> list[Row]:
        """The answer's facts plus every age, birth date and age gap stated about the people
        its numeric facts name (two hops through gaps), so the sheaf sees the whole picture."""
        subjects = _numeric_subjects(facts)
        seen = {f["id"] for f in facts}
        for _ in range(2):
            if not subjects:
                break
            (row,) = self.graph.read(
                "query/numeric_facts",
                user_id=plan.user_id,
                subjects=subjects,
                predicates=list(NUMERIC),
                limit=plan.preset.budgets.facts_limit,
                as_of=plan.as_of,
            )
            new = [f for f in row["facts"] if f["id"] not in seen]
            for f in new:
                for key in ("valid_from", "valid_to", "stated_at"):
                    f[key] = _from_ms(f[key])
            seen |= {f["id"] for f in new}
            facts = facts + new
            subjects = sorted(set(_numeric_subjects(new)) - set(subjects))
        return facts

    def _seeds(self, plan: Plan) -> Seeds:
        """Vector (per granularity), full-text and entity seeds in ONE statement."""
        b, preset = plan.preset.budgets, plan.preset
        with _stage(plan, "embed"):
            vector = self.embedder.embed([plan.query])[0].tolist()
        granularities = list(preset.granularities) if Channel.VECTOR in preset.channels else []
        ukey = user_key(plan.user_id)
        filtered = self.graph.supports(SEEDS_FILTERED)
        with _stage(plan, "seeds") as d:
            (row,) = self.graph.read(
                SEEDS_FILTERED if filtered else "query/seeds",
                granularities=[
                    {"index": VectorIndex(g).index_name, "label": VectorIndex(g).value}
                    for g in granularities
                ],
                fetch=b.vector_fetch,
                **({} if filtered else _wider(b)),
                k=b.vector_k,
                vector=vector,
                lucene=lucene.for_user(
                    ukey,
                    plan.query,
                    names=plan.understanding.people if plan.understanding else (),
                    name_boost=b.name_boost,
                    pair_boost=b.pair_boost,
                    context_boost=b.context_boost,
                )
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
            rows: list[Row] = row["hits"]
            seeds = Seeds(vector={g: [] for g in granularities})
            paths: dict[str, str] = {}
            if not preset.use_insights:
                rows = [r for r in rows if r["granularity"] != "Insight"]
            for r in rows:
                if r["turn"] is not None:
                    seeds.turns[r["id"]] = {**r["turn"], "id": r["id"]}
                if r["channel"] == "vector":
                    seeds.vector[r["granularity"]].append((r["id"], r["score"]))
                    paths[r["granularity"]] = r["path"]
                elif r["channel"] == "fulltext":
                    seeds.fulltext.append((r["id"], r["granularity"], r["score"]))
                else:
                    seeds.entities.append(r["id"])
            d.update(
                vector_index="owner-filtered" if filtered else "shared, exact when short",
                vector={g: len(v) for g, v in seeds.vector.items()},
                vector_path=paths,
                fulltext=len(seeds.fulltext),
                entities=len(seeds.entities),
            )
        return seeds

    def _expand(self, plan: Plan, seeds: Seeds) -> list[Edge]:
        """Edges (seed, via, turn, session) of the bounded expansion."""
        if (
            Channel.EXPANSION not in plan.preset.channels
            and Channel.PAGERANK not in plan.preset.channels
        ):
            return []
        seed_ids = _strongest_seeds(plan, seeds)
        with _stage(plan, "expand") as d:
            (row,) = self.graph.read(
                "query/expand",
                user_id=plan.user_id,
                seeds=seed_ids,
                entities=seeds.entities,
                per_seed=plan.preset.budgets.expand_per_seed,
                as_of=plan.as_of,
                associations=plan.preset.use_associations,
            )
            edges = [(r["seed"], r["via"], r["turn"], r["session"]) for r in row["edges"]]
            d.update(seeds=len(seed_ids), edges=len(edges))
        return edges

    def _provenance(
        self, plan: Plan, ranked: list[tuple[str, float]], seeds: Seeds
    ) -> tuple[list[Item], list[Row]]:
        """Items with provenance, and the facts of the pool's turns and linked entities, in ONE
        transaction; only turns that were not seed hits are looked up."""
        by_id = {i: seeds.turns[i] for i, _ in ranked if i in seeds.turns}
        missing = [i for i, _ in ranked if i not in seeds.turns]
        with _stage(plan, "provenance") as d:
            looked_up, (facts_row,) = self.graph.read_many(
                [
                    ("query/turns_by_id", {"ids": missing, "user_id": plan.user_id}),
                    (
                        "query/facts_for_turns",
                        {
                            "turns": [i for i, _ in ranked],
                            "entities": seeds.entities,
                            "user_id": plan.user_id,
                            "limit": plan.preset.budgets.facts_limit,
                            "as_of": plan.as_of,
                        },
                    ),
                ]
            )
            by_id |= {r["id"]: r for r in looked_up[0]["turns"]}
            facts: list[Row] = facts_row["facts"]
            for f in facts:
                for key in ("valid_from", "valid_to", "stated_at"):
                    f[key] = _from_ms(f[key])
            d.update(looked_up=len(missing), facts=len(facts))
        items = [
            Item(
                kind="turn",
                id=i,
                source_id=by_id[i]["source_id"],
                interaction_id=by_id[i]["interaction_id"],
                text=by_id[i]["text"],
                score=round(s, 6),
                time=_from_ms(by_id[i]["time"]),
                speaker=by_id[i]["speaker"],
                role=by_id[i].get("role"),
                offset=by_id[i].get("offset") or 0,
                flags=list(by_id[i].get("flags") or []),
                via=by_id[i].get("via"),
            )
            for i, s in ranked
            if i in by_id
        ]
        return items, facts


def _numeric_subjects(facts: list[Row]) -> list[str]:
    """People whose age, birth date or age gap the answer touches (both sides of a gap)."""
    people = {f["subject"] for f in facts if f["predicate"] in NUMERIC}
    people |= {
        str(f["object"]).rpartition(" by ")[0]
        for f in facts
        if f["predicate"] == NUMERIC[-1] and " by " in str(f["object"])
    }
    return sorted(people)


def _strongest_seeds(plan: Plan, seeds: Seeds) -> list[str]:
    """The seeds worth expanding: the best-ranked of every channel, up to the budget."""
    ranked: dict[str, float] = defaultdict(float)
    for rows in seeds.vector.values():
        for rank, (uid, _) in enumerate(rows):
            ranked[uid] += 1 / (RRF_K + rank)
    for rank, (uid, _, _) in enumerate(seeds.fulltext):
        ranked[uid] += 1 / (RRF_K + rank)
    best = sorted(ranked, key=lambda u: (-ranked[u], u))
    return best[: plan.preset.budgets.expand_seeds]


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


def _iso(d: datetime | None) -> str | None:
    return d.isoformat() if d else None


def _from_ms(ms: int | None) -> datetime | None:
    """Statements return times as epoch milliseconds (cheap to decode, unlike DateTime)."""
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def _wider(b: Budgets) -> dict[str, int]:
    """query/seeds' parameters for a user the shared index's over-fetch leaves short (5.26)."""
    return {"fetch_wide": b.vector_fetch_wide, "exact_max": b.vector_exact_max}
