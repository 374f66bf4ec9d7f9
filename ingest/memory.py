"""Multi-granularity memory maintenance, run after each ingested batch is committed.

- GMM association (MemGAS): each new segment, interaction and fact is scored against its
  top-N earlier units of the same user and granularity (vector index), a 1-D two-component
  mixture decides which candidates to link (``ingest.gmm.association``), links are MERGEd.
  A unit is associated once, when it arrives (``associated_at``; queries ``similar_at``), so
  re-ingesting never re-derives links from an index that has grown meanwhile.
- Query graph (G-Memory): each new Query links SIMILAR_TO its ≤10 most similar earlier queries
  with cosine ≥ 0.7; candidates come from a per-user full-text look-up (exact per user, and
  cheaper than an unfiltered ANN over everyone's queries, which missed most of them).
- Persona insights: traits of the subjects the batch touched are recomputed from their facts
  (support = agreeing open facts − contradicting ones; ≤ 0 retires, history kept).
- Scenes: per-user GMM clustering over unit embeddings, refitted once enough new units arrived.

Everything here is incremental (bounded by the batch) except a scene refit, which is bounded by
the user's unit count and runs only when ``needs_refit`` says so. Every step is idempotent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from graph.db import Graph
from graph.migrations import VectorIndex
from graph.store import Batch
from ingest.embed import Embedder
from ingest.gmm import associations, fit_scenes, needs_refit, summarise_scene
from ingest.insights import PersonaFact, PersonaInsight, merge_near_duplicates, persona_insights
from ingest.models import Predicate, stable_id
from query.lucene import for_user

Row = dict[str, Any]
SIMILAR_QUERY_MIN = 0.7
SIMILAR_QUERY_TOP = 10
SIMILAR_QUERY_FETCH = 40  # full-text candidates per query before the cosine check


@dataclass(frozen=True)
class MemoryConfig:
    top_n: int = 20  # candidates per new unit (MemGAS: 20–30)
    fetch: int = 60  # vector over-fetch before the per-user filter
    seed: int = 0
    scenes: bool = True
    associations: bool = True


class Maintainer:
    """Call ``after_write(batch)`` once a batch is committed, ``after_ingest(users)`` at the end."""

    def __init__(self, graph: Graph, embedder: Embedder, config: MemoryConfig | None = None):
        self.graph = graph
        self.embedder = embedder
        self.config = config or MemoryConfig()

    def after_write(self, batch: Batch) -> None:
        with _one_blas_thread():
            if self.config.associations:
                self.associate(batch)
            self.link_queries(batch.queries)
            self.update_persona(batch.facts)

    def after_ingest(self, users: set[str]) -> None:
        """Once per ingest call: scenes are per-user refits, too costly to redo per batch."""
        if self.config.scenes:
            with _one_blas_thread():
                for user_id in sorted(users):
                    self.refresh_scenes(user_id)

    # ---- association -------------------------------------------------------------------------

    def associate(self, batch: Batch) -> None:
        """GMM-chosen ASSOCIATED links for the batch's segments, interactions and facts."""
        found = [
            hit
            for index, rows, time_key in (
                (VectorIndex.SEGMENT, batch.segments, "time"),
                (VectorIndex.INTERACTION, batch.interactions, "started_at"),
                (VectorIndex.FACT, batch.facts, "valid_from"),
            )
            for hit in self._nearest(index, rows, time_key)
        ]
        decided = associations([[c["score"] for c in cands] for _, _, cands in found])
        links = [
            {
                "a": unit_id,
                "b": cands[link.candidate_index]["id"],
                "score": round(link.score, 4),
                "user_id": user_id,
            }
            for (unit_id, user_id, cands), chosen in zip(found, decided, strict=True)
            for link in chosen.links
        ]
        done = [{"id": unit_id, "user_id": user_id} for unit_id, user_id, _ in found]
        if done:
            self.graph.write("memory/merge_associations", rows=links, done=done)

    def link_queries(self, queries: list[Row]) -> None:
        """SIMILAR_TO links from each new query to its most similar earlier ones (same user)."""
        units = [
            {
                "id": q["id"],
                "user_id": q["user_id"],
                "time": q["time"],
                "lucene": lucene,
                "embedding": q["embedding"],
            }
            for q in queries
            if (lucene := for_user(q["user_key"], q["text"])) is not None
        ]
        if units:
            self.graph.write(
                "memory/link_similar_queries",
                units=units,
                fetch=SIMILAR_QUERY_FETCH,
                top=SIMILAR_QUERY_TOP,
                min=SIMILAR_QUERY_MIN,
            )

    def _nearest(
        self, index: VectorIndex, rows: list[Row], time_key: str
    ) -> list[tuple[str, str, list[Row]]]:
        if not rows:
            return []
        units = [
            {
                "id": r["id"],
                "user_id": r["user_id"],
                "time": r.get(time_key),
                "embedding": r["embedding"],
            }
            for r in rows
        ]
        user_of = {r["id"]: r["user_id"] for r in rows}
        found = self.graph.read(
            "memory/nearest_units",
            index=index.index_name,
            fetch=self.config.fetch,
            n=self.config.top_n,
            units=units,
        )
        return [(f["id"], user_of[f["id"]], f["candidates"]) for f in found]

    # ---- persona insights ----------------------------------------------------------------------

    def update_persona(self, facts: list[Row]) -> None:
        """Recompute the traits of every (user, subject) the batch's facts touched."""
        subjects: dict[str, set[str]] = defaultdict(set)
        for f in facts:
            subjects[f["user_id"]].add(f["subject_key"])
        for user_id, keys in subjects.items():
            rows = self.graph.read("memory/persona_facts", user_id=user_id, subjects=sorted(keys))
            traits = persona_insights(
                (
                    PersonaFact(
                        r["id"],
                        r["subject"],
                        Predicate(r["predicate"]),
                        r["object"],
                        r["polarity"],
                        r["valid_to"],
                    )
                    for r in rows
                ),
                user_id=user_id,
            )
            if not traits:
                continue
            vectors = self.embedder.embed([t.text for t in traits])
            rows = [
                _trait_row(t, user_id, v) for t, v in zip(traits, vectors.tolist(), strict=True)
            ]
            _merge_duplicates(rows, traits, vectors)
            rows.sort(key=lambda r: r["merged_into"] is not None)  # keepers exist first
            self.graph.write("memory/merge_persona_insights", rows=rows)

    # ---- scenes ------------------------------------------------------------------------------

    def refresh_scenes(self, user_id: str, *, force: bool = False) -> bool:
        """Refit the user's scenes when enough new units arrived; True when it refitted."""
        state = self.graph.read("memory/scene_state", user_id=user_id)[0]
        total, fitted = state["total"], state["fitted"]
        if total < 5 or not (force or fitted == 0 or needs_refit(total - fitted, total)):
            return False
        units = self.graph.read("memory/scene_units", user_id=user_id)
        ids = [u["id"] for u in units]
        model = fit_scenes(
            ids,
            np.asarray([u["embedding"] for u in units], dtype=np.float32),
            seed=self.config.seed,
            previous=json.loads(state["members"]) if state["members"] else None,
        )
        by_id = {u["id"]: u for u in units}
        background = [u["text"] or "" for u in units]
        scenes = []
        for scene_id, members in model.members.items():
            scenes.append(self._scene_row(scene_id, [by_id[m] for m in members], background))
        vectors = self.embedder.embed([s["text"] for s in scenes]).tolist()
        for s, v in zip(scenes, vectors, strict=True):
            s["embedding"] = v
        self.graph.write(
            "memory/replace_scenes",
            user_id=user_id,
            user_key=_user_key(user_id),
            fitted_units=total,
            members_json=json.dumps(model.members),
            scenes=scenes,
        )
        return True

    @staticmethod
    def _scene_row(scene_id: str, members: list[Row], background: list[str]) -> Row:
        texts = [m["text"] or "" for m in members]
        entities = [e for m in members for e in m["entities"]]
        summary = summarise_scene(texts, entities, background=background, noun="units")
        return {
            "id": scene_id,
            "insight_id": stable_id(scene_id, "scene-insight"),
            "text": summary.text,
            "size": len(members),
            "terms": list(summary.terms),
            "entities": list(summary.entities),
            "members": [m["id"] for m in members],
            "representatives": [members[i]["id"] for i in summary.representative_indices],
        }


def _trait_row(t: PersonaInsight, user_id: str, vector: list[float]) -> Row:
    return {
        "id": t.id,
        "user_id": user_id,
        "user_key": _user_key(user_id),
        "text": t.text,
        "subject": t.subject,
        "predicate": t.predicate.value,
        "object": t.object,
        "polarity": t.polarity,
        "support": t.support,
        "retired": t.retired,
        "supporting": list(t.supporting),
        "contradicting": list(t.contradicting),
        "embedding": vector,
        "merged_into": None,
    }


def _merge_duplicates(rows: list[Row], traits: list[PersonaInsight], vectors: np.ndarray) -> None:
    """Near-duplicate traits of the same subject and predicate merge into one (G-Memory).

    The keeper takes the duplicate's evidence (each fact once); the duplicate is retired with
    ``merged_into`` set, never deleted.
    """
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, t in enumerate(traits):
        groups[(t.subject.casefold(), t.predicate.value)].append(i)
    by_id = {r["id"]: r for r in rows}
    for members in groups.values():
        if len(members) < 2:
            continue
        states = [traits[i].to_state() for i in members]
        for keep_id, merged in merge_near_duplicates(states, vectors[members]):
            keep = by_id[keep_id]
            for dup_id in merged:
                dup = by_id[dup_id]
                keep["supporting"] = sorted(set(keep["supporting"]) | set(dup["supporting"]))
                keep["contradicting"] = sorted(
                    set(keep["contradicting"]) | set(dup["contradicting"])
                )
                dup.update(retired=True, merged_into=keep_id)
            keep["support"] = len(keep["supporting"]) - len(keep["contradicting"])
            keep["retired"] = keep["support"] <= 0


def _one_blas_thread() -> threadpool_limits:
    """The matrices here are small (≤ a few thousand × 32): BLAS threads only contend with the
    builder thread and Neo4j for the cores (a scene refit took 2x longer with them)."""
    return threadpool_limits(limits=1, user_api="blas")


def _user_key(user_id: str) -> str:
    from ingest.pipeline import user_key

    return user_key(user_id)
