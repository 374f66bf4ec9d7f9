"""Multi-granularity memory maintenance: derived memory recomputed from ground truth at the end
of each ingest, so that it is the same whatever order, batches or crashes the truth came through.

- GMM association (MemGAS): each segment, interaction and fact is scored against its top-N
  units of the same user and granularity not after it (``ingest.links``); a 1-D two-component
  mixture decides which candidates to link (``ingest.gmm.associations``).
- Query graph (G-Memory): each Query links SIMILAR_TO its ≤10 most similar earlier queries.
- Both are computed exactly in memory over the user's units, for the units whose candidates
  changed: those not linked yet (``associated_at``/``similar_at`` unset: new, or left by a crash
  after their batch committed) and every unit at or after the earliest of them. Arriving in
  time order that is just the new units; a conversation sent late re-links what follows it.
- Persona insights: when a user has new facts, the traits of every subject are recomputed from
  the facts (support = agreeing open facts − contradicting ones; ≤ 0 retires, history kept).
- Scenes: per-user GMM clustering over unit embeddings in a canonical order, refitted whenever
  the units changed. Past ``SCENE_EXACT_MAX`` units a refit waits for enough growth
  (``needs_refit``): there, and only there, the scenes depend on when the last refit ran;
  ``strata rebuild`` refits them from the units present.

``rebuild(user)`` clears the marks and recomputes everything (agent lessons included: they are
recomputed from all of the user's runs whenever runs or outcomes change).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from strata.graph.db import Graph
from strata.graph.owners import user_key
from strata.graph.store import Step, enrichment_lease, locked, write_derived
from strata.ingest.agent_lessons import promote_lessons
from strata.ingest.agent_memory import link_similar_tasks
from strata.ingest.embed import Embedder
from strata.ingest.gmm import associations
from strata.ingest.insights import (
    PersonaFact,
    PersonaInsight,
    merge_near_duplicates,
    persona_insights,
)
from strata.ingest.links import Units
from strata.ingest.models import Predicate
from strata.ingest.scene_rows import embed_changed, scene_changes, scene_model
from strata.ingest.scenes import needs_refit

Row = dict[str, Any]
SIMILAR_QUERY_MIN = 0.7  # on the (1 + cos) / 2 scale, like the associations
SIMILAR_QUERY_TOP = 10
SCENE_USERS_PER_WRITE = 50  # scene refits written per transaction
SCENE_EXACT_MAX = 5_000  # up to this many units, scenes are refitted whenever units change
ASSOCIATED_LABELS = ("Segment", "Interaction", "Fact")


@dataclass(frozen=True)
class MemoryConfig:
    top_n: int = 20  # candidates per unit (MemGAS: 20–30)
    seed: int = 0
    scenes: bool = True
    associations: bool = True


class Maintainer:
    """The pipeline calls ``after_ingest(users)`` once the ingest's batches are committed."""

    def __init__(
        self,
        graph: Graph,
        embedder: Embedder,
        config: MemoryConfig | None = None,
        extract: Callable[[str], int] | None = None,
    ):
        self.graph = graph
        self.embedder = embedder
        self.config = config or MemoryConfig()
        self.extract = extract  # extracts a user's turns that acknowledged ingests left pending

    def after_ingest(self, users: Iterable[str]) -> None:
        """Bring the derived memory of those of ``users`` whose enrichment is pending up to date
        with their ground truth: a rebuild where an edit or a delete asked for one (units
        changed or went, not only arrived), a relink of what changed otherwise. Holds the
        users' enrichment leases, so runs of one user never interleave (ingests go on)."""
        waiting = self._pending(users)
        if not waiting:
            return
        with enrichment_lease(self.graph, waiting):
            pending = self.graph.read("memory/read_pending", users=waiting, tenant_prefix=None)
            self._extract(p["user_id"] for p in pending)  # after the read: a later write waits
            for p in pending:
                if p["rebuild"]:
                    self._rebuild(p["user_id"])
            with _one_blas_thread():
                for p in pending:
                    if not p["rebuild"]:
                        self._refresh(p["user_id"], p["touched_ms"])
            rebuilt = [
                {"user_id": p["user_id"], "touched_ms": p["touched_ms"]}
                for p in pending
                if p["rebuild"]
            ]
            if rebuilt:
                self._write([d["user_id"] for d in rebuilt], "memory/clear_pending", rows=rebuilt)

    def _refresh(self, user_id: str, touched_ms: int) -> None:
        """Links, persona and scenes of one user whose units arrived, written in ONE
        transaction that takes no writer lock (``write_derived``: acknowledgements of the
        user never wait for it); then the pending mark is cleared in a small locked one.
        Its reads never read what it writes."""
        writes: list[Step] = []  # local to this round: a Maintainer may serve many threads
        changed = self.relink(user_id, writes=writes)
        if self.config.scenes:
            self.refresh_scenes([user_id], changed={user_id} if changed else set(), writes=writes)
        if writes:
            write_derived(self.graph, [user_id], writes)
        # The mark is what acknowledgements write too: it is cleared behind the writer lock
        # (a batch that touched it after our read has then committed, and keeps it).
        done = [{"user_id": user_id, "touched_ms": touched_ms}]
        self._write([user_id], "memory/clear_pending", rows=done)

    def rebuild(self, user_id: str) -> int:
        """Recompute the user's derived memory from ground truth alone (idempotent); returns
        how many units it rests on (0: the user has no memory)."""
        with enrichment_lease(self.graph, [user_id]):
            return self._rebuild(user_id)

    def _pending(self, users: Iterable[str]) -> list[str]:
        rows = self.graph.read("memory/read_pending", users=sorted(set(users)), tenant_prefix=None)
        return [r["user_id"] for r in rows]

    def _extract(self, users: Iterable[str]) -> None:
        if self.extract is not None:
            for user_id in users:
                self.extract(user_id)

    def _rebuild(self, user_id: str) -> int:
        waiting = self.graph.read("memory/read_pending", users=[user_id], tenant_prefix=None)
        self._extract([user_id])
        (marked,) = locked(
            self.graph, [user_id], [("memory/clear_derived_marks", {"user_id": user_id})]
        )
        units = int(marked[0]["units"])
        with _one_blas_thread():
            self.relink(user_id, all_subjects=True)
            if self.config.scenes:
                self.refresh_scenes([user_id], force=True)
        link_similar_tasks(self.graph, user_id)  # agent tasks and lessons: recomputed from
        promote_lessons(self.graph, user_id)  # all the runs
        done = [{"user_id": user_id, "touched_ms": w["touched_ms"]} for w in waiting]
        self._write([user_id], "memory/clear_pending", rows=done)  # nothing is behind any more
        return units

    def _write(
        self, owners: Iterable[str], name: str, writes: list[Step] | None = None, /, **params: Any
    ) -> None:
        """A write of these owners' derived memory, serialised with their other writers: run
        now in its own transaction, or, given ``writes``, appended there for the caller to run
        as one. Returns nothing either way, so no caller can act on a write not yet made."""
        if writes is not None:
            writes.append((name, params))
        else:
            locked(self.graph, owners, [(name, params)])

    # ---- links -------------------------------------------------------------------------------

    def relink(
        self, user_id: str, *, all_subjects: bool = False, writes: list[Step] | None = None
    ) -> bool:
        """Links of the user's units whose candidates changed; persona traits when facts did
        (written now, or appended to ``writes``). Returns whether any unit was pending (the
        user's memory changed)."""
        rows: dict[str, list[Row]] = defaultdict(list)
        for r in self.graph.read("memory/read_link_units", user_id=user_id):
            rows[r["label"]].append(r)
        changed = False
        for label in ASSOCIATED_LABELS:
            units = Units.of(rows[label])
            todo = units.affected()
            if not len(todo):
                continue
            changed = True
            links = _links(units, todo, self.config.top_n) if self.config.associations else []
            self._write(
                [user_id],
                "memory/replace_associations",
                writes,
                user_id=user_id,
                affected=[units.ids[i] for i in todo],
                rows=links,
            )
        queries = Units.of(rows["Query"])
        todo = queries.affected()
        if len(todo):
            changed = True
            found = queries.nearest(todo, SIMILAR_QUERY_TOP, SIMILAR_QUERY_MIN)
            similar = [
                {"a": queries.ids[i], "b": b, "score": round(score, 4)}
                for i, cands in zip(todo, found, strict=True)
                for b, score in cands
            ]
            self._write(
                [user_id],
                "memory/replace_similar_queries",
                writes,
                user_id=user_id,
                affected=[queries.ids[i] for i in todo],
                rows=similar,
            )
        groups = {
            (r["subject_key"], r["predicate"])
            for r in rows["Fact"]
            if r["subject_key"] and (all_subjects or r["pending"])
        }
        self.update_persona({user_id: groups}, writes)
        return changed

    # ---- persona insights ----------------------------------------------------------------------

    def update_persona(
        self, groups: dict[str, set[tuple[str, str]]], writes: list[Step] | None = None
    ) -> None:
        """Recompute each user's traits of the given (subject key, predicate) groups: one read
        and one write. A trait and its near-duplicate merges rest on the facts of one group,
        so recomputing the groups new facts fall in gives what a rebuild of all would."""
        wanted = [
            {"user_id": u, "subject_key": key, "predicate": predicate}
            for u in sorted(groups)
            for key, predicate in sorted(groups[u])
        ]
        if not wanted:
            return
        found: dict[str, list[Row]] = defaultdict(list)
        for r in self.graph.read("memory/persona_facts", groups=wanted):
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
        owners = {r["user_id"] for r in rows}
        self._write(owners, "memory/merge_persona_insights", writes, rows=rows)

    # ---- scenes ------------------------------------------------------------------------------

    def refresh_scenes(
        self,
        users: Iterable[str],
        *,
        force: bool = False,
        changed: Iterable[str] = (),
        writes: list[Step] | None = None,
    ) -> set[str]:
        """Refit the scenes of users whose units changed (past ``SCENE_EXACT_MAX`` units: who
        gained enough new ones); returns who was refitted.

        Users go SCENE_USERS_PER_WRITE at a time: one state read, one unit read, one write.
        """
        states = self.graph.read("memory/scene_state", users=sorted(set(users)))
        exact = set(changed)
        emptied = [s["user_id"] for s in states if s["total"] < 5 and s["members"] is not None]
        if emptied:
            self._write(emptied, "memory/clear_scenes", writes, users=emptied)
        due = [
            s
            for s in states
            if s["total"] >= 5
            and (
                force
                or s["fitted"] == 0
                or (s["user_id"] in exact and s["total"] <= SCENE_EXACT_MAX)
                or needs_refit(s["total"] - s["fitted"], s["total"])
            )
        ]
        for start in range(0, len(due), SCENE_USERS_PER_WRITE):
            group = due[start : start + SCENE_USERS_PER_WRITE]
            units: dict[str, list[Row]] = defaultdict(list)
            for u in self.graph.read("memory/scene_units", users=[s["user_id"] for s in group]):
                units[u["user_id"]].append(u)
            stored: dict[str, list[Row]] = defaultdict(list)
            for r in self.graph.read("memory/read_scenes", users=[s["user_id"] for s in group]):
                stored[r["user_id"]].append(r)
            models = [scene_model(s, units[s["user_id"]], self.config.seed) for s in group]
            for m in models:  # write only the scenes the refit changed
                m["keep"] = [scene["id"] for scene in m["scenes"]]
                m["scenes"] = scene_changes(m["scenes"], stored[m["user_id"]])
            embed_changed(self.embedder, [scene for m in models for scene in m["scenes"]])
            owners = [m["user_id"] for m in models]
            self._write(owners, "memory/update_scenes", writes, models=models)
        return {s["user_id"] for s in due}


def _links(units: Units, todo: np.ndarray, top_n: int) -> list[Row]:
    """GMM decisions over each affected unit's candidates: the ASSOCIATED rows to write."""
    found = units.nearest(todo, top_n)
    decided = associations([[score for _, score in cands] for cands in found])
    return [
        {"a": units.ids[i], "b": cands[link.candidate_index][0], "score": round(link.score, 4)}
        for i, cands, chosen in zip(todo, found, decided, strict=True)
        for link in chosen.links
    ]


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
