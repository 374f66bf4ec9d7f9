"""Multi-granularity memory maintenance, run as each ingested batch is built and committed.

- GMM association (MemGAS): each new segment, interaction and fact is scored against its
  top-N earlier units of the same user and granularity (vector index), a 1-D two-component
  mixture decides which candidates to link (``ingest.gmm.associations``), links are MERGEd.
  A unit is associated once, when it arrives (``associated_at``; queries ``similar_at``), so
  re-ingesting never re-derives links from an index that has grown meanwhile.
- Query graph (G-Memory): each new Query links SIMILAR_TO its ≤10 most similar earlier queries
  with cosine ≥ 0.7; candidates come from a per-user full-text look-up (exact per user, and
  cheaper than an unfiltered ANN over everyone's queries, which missed most of them).
- A user with no memory before an ingest has every earlier unit inside that ingest: their
  links are computed exactly in memory while each batch is built (the same top-N and score as
  the index look-up, without its approximation) and written in the batch's own transaction.
- Persona insights: traits of the subjects the batch touched are recomputed from their facts
  (support = agreeing open facts − contradicting ones; ≤ 0 retires, history kept).
- Scenes: per-user GMM clustering over unit embeddings, refitted once enough new units arrived.

Everything here is incremental (bounded by the batch) except a scene refit, which is bounded by
the user's unit count and runs only when ``needs_refit`` says so. Every step is idempotent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from strata.graph.db import Graph
from strata.graph.lucene import for_user
from strata.graph.migrations import VectorIndex
from strata.graph.owners import user_key
from strata.graph.store import Batch
from strata.ingest.embed import Embedder
from strata.ingest.gmm import associations
from strata.ingest.insights import (
    PersonaFact,
    PersonaInsight,
    merge_near_duplicates,
    persona_insights,
)
from strata.ingest.models import Predicate, stable_id
from strata.ingest.scenes import fit_scenes, needs_refit, summarise_scene

Row = dict[str, Any]
SIMILAR_QUERY_MIN = 0.7
SIMILAR_QUERY_TOP = 10
SIMILAR_QUERY_FETCH = 40  # full-text candidates per query before the cosine check
SCENE_USERS_PER_WRITE = 50  # scene refits written per transaction
MAX_KEPT_UNITS = 20_000  # in-memory linking keeps ≤ this many earlier units (~1 KB each)


@dataclass(frozen=True)
class MemoryConfig:
    top_n: int = 20  # candidates per new unit (MemGAS: 20–30)
    fetch: int = 60  # vector over-fetch before the per-user filter
    seed: int = 0
    scenes: bool = True
    associations: bool = True


class Maintainer:
    """The pipeline takes a ``linker`` per ingest (its ``link(batch)`` runs as each batch is
    built), calls ``after_write(batch)`` once a batch is committed, ``after_ingest(users)`` at
    the end."""

    def __init__(self, graph: Graph, embedder: Embedder, config: MemoryConfig | None = None):
        self.graph = graph
        self.embedder = embedder
        self.config = config or MemoryConfig()

    def users_with_memory(self, users: set[str]) -> set[str]:
        """Which of ``users`` already have memory stored (one read)."""
        rows = self.graph.read("memory/users_with_memory", users=sorted(users))
        return {r["user_id"] for r in rows}

    def linker(self, users: set[str]) -> InMemoryLinker:
        """For one ingest of ``users``: links, in memory, the units of those with no memory yet."""
        new = users - self.users_with_memory(users) if users else set()
        return InMemoryLinker(self.config, new)

    def after_write(self, batch: Batch) -> None:
        with _one_blas_thread():
            if self.config.associations:
                self.associate(batch)
            linked = {d["id"] for d in batch.similar_done}
            self.link_queries([q for q in batch.queries if q["id"] not in linked])
            self.update_persona(batch.facts)

    def after_ingest(self, users: set[str]) -> None:
        """Once per ingest call: scenes are per-user refits, too costly to redo per batch."""
        if self.config.scenes:
            with _one_blas_thread():
                self.refresh_scenes(users)

    # ---- association -------------------------------------------------------------------------

    def associate(self, batch: Batch) -> None:
        """GMM-chosen ASSOCIATED links for the batch's segments, interactions and facts (those
        the in-memory linker did not already link)."""
        linked = {d["id"] for d in batch.associated}
        found = [
            hit
            for index, rows, time_key in _granularities(batch)
            for hit in self._nearest(index, [r for r in rows if r["id"] not in linked], time_key)
        ]
        links, done = _association_rows(found)
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
        """Recompute the traits of every (user, subject) the batch's facts touched: one read and
        one write for the whole batch."""
        subjects: dict[str, set[str]] = defaultdict(set)
        for f in facts:
            subjects[f["user_id"]].add(f["subject_key"])
        if not subjects:
            return
        found: dict[str, list[Row]] = defaultdict(list)
        for r in self.graph.read(
            "memory/persona_facts",
            subjects=[{"user_id": u, "keys": sorted(k)} for u, k in sorted(subjects.items())],
        ):
            found[r["user_id"]].append(r)
        traits = {
            user_id: persona_insights(
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
            for user_id, rows in found.items()
        }
        texts = [t.text for ts in traits.values() for t in ts]
        if not texts:
            return
        vectors = self.embedder.embed(texts)
        rows, start = [], 0
        for user_id, ts in traits.items():
            mine = vectors[start : start + len(ts)]
            start += len(ts)
            user_rows = [_trait_row(t, user_id, v) for t, v in zip(ts, mine.tolist(), strict=True)]
            _merge_duplicates(user_rows, ts, mine)
            rows += user_rows
        rows.sort(key=lambda r: r["merged_into"] is not None)  # keepers exist first
        self.graph.write("memory/merge_persona_insights", rows=rows)

    # ---- scenes ------------------------------------------------------------------------------

    def refresh_scenes(self, users: Iterable[str], *, force: bool = False) -> set[str]:
        """Refit the scenes of the users who gained enough new units; returns who was refitted.

        Users go SCENE_USERS_PER_WRITE at a time: one state read, one unit read, one write.
        """
        states = self.graph.read("memory/scene_state", users=sorted(set(users)))
        due = [
            s
            for s in states
            if s["total"] >= 5
            and (force or s["fitted"] == 0 or needs_refit(s["total"] - s["fitted"], s["total"]))
        ]
        for start in range(0, len(due), SCENE_USERS_PER_WRITE):
            group = due[start : start + SCENE_USERS_PER_WRITE]
            units: dict[str, list[Row]] = defaultdict(list)
            for u in self.graph.read("memory/scene_units", users=[s["user_id"] for s in group]):
                units[u["user_id"]].append(u)
            models = [self._scene_model(s, units[s["user_id"]]) for s in group]
            scenes = [scene for m in models for scene in m["scenes"]]
            for scene, v in zip(
                scenes, self.embedder.embed([s["text"] for s in scenes]).tolist(), strict=True
            ):
                scene["embedding"] = v
            self.graph.write("memory/replace_scenes", models=models)
        return {s["user_id"] for s in due}

    def _scene_model(self, state: Row, units: list[Row]) -> Row:
        model = fit_scenes(
            [u["id"] for u in units],
            np.asarray([u["embedding"] for u in units], dtype=np.float32),
            seed=self.config.seed,
            previous=json.loads(state["members"]) if state["members"] else None,
        )
        by_id = {u["id"]: u for u in units}
        background = [u["text"] or "" for u in units]
        return {
            "user_id": state["user_id"],
            "user_key": user_key(state["user_id"]),
            "fitted_units": state["total"],
            "members_json": json.dumps(model.members),
            "scenes": [
                self._scene_row(scene_id, [by_id[m] for m in members], background)
                for scene_id, members in model.members.items()
            ],
        }

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


def _granularities(batch: Batch) -> list[tuple[VectorIndex, list[Row], str]]:
    """The associated granularities of a batch: (their vector index, rows, time property)."""
    return [
        (VectorIndex.SEGMENT, batch.segments, "time"),
        (VectorIndex.INTERACTION, batch.interactions, "started_at"),
        (VectorIndex.FACT, batch.facts, "valid_from"),
    ]


def _association_rows(found: list[tuple[str, str, list[Row]]]) -> tuple[list[Row], list[Row]]:
    """GMM decisions over (unit id, user id, candidates): the links, and the units decided."""
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
    return links, [{"id": unit_id, "user_id": user_id} for unit_id, user_id, _ in found]


class InMemoryLinker:
    """Association and query links for users who had no memory when an ingest began.

    Every earlier unit of such a user is in this ingest, so instead of a vector look-up per
    unit after each write, the candidates (top-N of the same user and granularity, not after
    the unit) are scored exactly in memory while the batch is built: the same score as the
    cosine vector index, (1 + cos) / 2, without its approximation. The links and the
    ``associated_at``/``similar_at`` marks travel in the batch and commit with it. Earlier
    batches' units are kept as float32 vectors, up to ``MAX_KEPT_UNITS``; past that, the
    remaining batches go the index way (``Maintainer.after_write``), which is also correct.
    """

    def __init__(self, config: MemoryConfig, users: set[str]) -> None:
        self.config = config
        self.users = set(users)
        self.pools: dict[tuple[str, str], _Pool] = defaultdict(_Pool)
        self.kept = 0

    def link(self, batch: Batch) -> None:
        if not self.users:
            return
        if self.config.associations:
            found = [
                hit
                for index, rows, time_key in _granularities(batch)
                for hit in self._nearest(index, rows, time_key, self.config.top_n)
            ]
            links, done = _association_rows(found)
            batch.associations += links
            batch.associated += done
        for query_id, user_id, cands in self._nearest(
            VectorIndex.QUERY, batch.queries, "time", SIMILAR_QUERY_TOP, SIMILAR_QUERY_MIN
        ):
            batch.similar += [
                {"a": query_id, "b": c["id"], "score": round(c["score"], 4), "user_id": user_id}
                for c in cands
            ]
            batch.similar_done.append({"id": query_id, "user_id": user_id})
        if self.kept > MAX_KEPT_UNITS:
            self.users.clear()
            self.pools.clear()

    def _nearest(
        self, kind: VectorIndex, rows: list[Row], time_key: str, n: int, min_score: float = -1.0
    ) -> list[tuple[str, str, list[Row]]]:
        """Same shape as ``Maintainer._nearest``: (unit id, user id, candidates best first)."""
        by_user: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            if r["user_id"] in self.users:
                by_user[r["user_id"]].append(r)
        out = []
        for user_id, mine in by_user.items():
            pool = self.pools[(user_id, kind)]
            first = len(pool.ids)
            pool.add(mine, time_key)
            self.kept += len(mine)
            out += [(mine[i]["id"], user_id, c) for i, c in pool.nearest(first, n, min_score)]
        return out


@dataclass
class _Pool:
    """One user's units of one granularity seen so far in an ingest: ids, times, unit vectors."""

    ids: list[str] = field(default_factory=list)
    times: np.ndarray = field(default_factory=lambda: np.empty(0))
    vectors: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=np.float32))

    def add(self, rows: list[Row], time_key: str) -> None:
        m = np.asarray([r["embedding"] for r in rows], dtype=np.float32)
        m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
        t = [np.nan if r[time_key] is None else r[time_key].timestamp() for r in rows]
        self.ids += [r["id"] for r in rows]
        self.times = np.concatenate([self.times, t])
        self.vectors = m if not self.vectors.size else np.vstack([self.vectors, m])

    def nearest(self, first: int, n: int, min_score: float) -> list[tuple[int, list[Row]]]:
        """For each unit from index ``first`` on: the top ``n`` others not after it (a unit
        without a time sees all; one without a time is never "earlier"), scoring ≥ min_score."""
        scores = (1.0 + self.vectors[first:] @ self.vectors.T) / 2.0
        t = self.times[first:]
        allowed = (self.times[None, :] <= t[:, None]) | np.isnan(t)[:, None]
        allowed[np.arange(len(t)), first + np.arange(len(t))] = False
        masked = np.where(allowed & (scores >= min_score), scores, -np.inf)
        out = []
        for i, order in enumerate(np.argsort(-masked, axis=1, kind="stable")[:, :n]):
            keep = order[np.isfinite(masked[i, order])]
            out.append((i, [{"id": self.ids[j], "score": float(scores[i, j])} for j in keep]))
        return out


def _trait_row(t: PersonaInsight, user_id: str, vector: list[float]) -> Row:
    return {
        "id": t.id,
        "user_id": user_id,
        "user_key": user_key(user_id),
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
