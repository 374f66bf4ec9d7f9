"""Agent memory writes: record runs (tasks, runs, steps, fixes) and report outcomes later.

Public surface (stable): ``record_runs(graph, runs)`` and ``report_outcome(graph, user_id,
source_id, outcome)``. Both are idempotent: re-recording a run converges on the same nodes, and
a run recorded without an outcome keeps any outcome reported for it since.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from strata.graph import lucene
from strata.graph.db import Graph
from strata.graph.errors import NotFound, ValidationError
from strata.graph.store import locked
from strata.ingest.agent_lessons import promote_lessons
from strata.ingest.agent_models import Outcome, RunIn
from strata.ingest.agent_steps import run_rows
from strata.ingest.masking import masker

CHUNK = 50
SIMILAR_TASKS = 3  # SIMILAR_TO links per task, at most
SIMILAR_TASK_MIN = 0.3  # Jaccard over content words, at least


@dataclass(frozen=True)
class RecordSummary:
    runs: int
    steps: int
    key_steps: int
    fixes: int

    def as_dict(self) -> dict[str, int]:
        return {
            "runs": self.runs,
            "steps": self.steps,
            "key_steps": self.key_steps,
            "fixes": self.fixes,
        }


@dataclass(frozen=True)
class OutcomeResult:
    run_id: str
    task_id: str
    success: bool | None
    reward: float | None


def record_runs(graph: Graph, runs: Sequence[RunIn]) -> RecordSummary:
    """Write validated runs (already scoped to their owner), one transaction per chunk."""
    if (pii := masker(graph)) is not None:  # before anything is built from the runs
        runs = pii.mask_runs(list(runs))
    runs_n = steps_n = key_n = fixes_n = 0
    used: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(runs), CHUNK):
        chunk = runs[start : start + CHUNK]
        made = made_run_ids(graph, chunk)
        built = [run_rows(r, made_id=(r.user_id, r.id) in made) for r in chunk]
        steps = [s for b in built for s in b.steps]
        fixes = [f for b in built for f in b.fixes]
        plan: list[tuple[str, dict[str, Any]]] = [
            ("agent/merge_runs", {"rows": [{"task": b.task, "run": b.run} for b in built]}),
            ("agent/merge_steps", {"rows": steps}),
            ("agent/merge_fixes", {"rows": fixes}),
        ]
        for b in built:
            used[b.run["user_id"]] += b.used
        locked(graph, {r.user_id for r in chunk}, plan)
        runs_n += len(built)
        steps_n += len(steps)
        key_n += sum(1 for s in steps if s["key"])
        fixes_n += len(fixes)
    for owner in sorted({r.user_id for r in runs}):
        link_similar_tasks(graph, owner)
        promote_lessons(graph, owner)  # first: a re-imported run links to a lesson derived again
        if used[owner]:
            locked(graph, [owner], [("agent/merge_used_lessons", {"rows": used[owner]})])
            promote_lessons(graph, owner)  # the outcomes of runs that used lessons move them
    return RecordSummary(runs=runs_n, steps=steps_n, key_steps=key_n, fixes=fixes_n)


def link_similar_tasks(graph: Graph, user_id: str) -> int:
    """Link each task of the owner to its most similar other tasks (SIMILAR_TO), recomputed
    from all of them: word overlap (Jaccard over content words) of at least
    ``SIMILAR_TASK_MIN``, the best ``SIMILAR_TASKS``. Exact and order-free, so the links never
    drift; quadratic in an agent's tasks (fine for thousands)."""
    stored = graph.read("agent/owner_tasks", user_id=user_id)
    tasks = [(str(t["id"]), set(lucene.terms(str(t["text"] or "")))) for t in stored]
    rows = []
    for a, words in tasks:
        scored = [
            (len(words & other) / len(words | other), b)
            for b, other in tasks
            if b != a and words and other
        ]
        best = sorted((x for x in scored if x[0] >= SIMILAR_TASK_MIN), key=lambda x: (-x[0], x[1]))
        rows += [{"a": a, "b": b, "score": round(s, 4)} for s, b in best[:SIMILAR_TASKS]]
    locked(graph, [user_id], [("agent/replace_similar_tasks", {"user_id": user_id, "rows": rows})])
    return len(rows)


def made_run_ids(graph: Graph, runs: Sequence[RunIn]) -> set[tuple[str, str]]:
    """(user, id) of the runs whose id Strata made when they were recorded without one: an
    exported id-less run re-imported lands on its own node, not on a new one."""
    given = [{"id": r.id, "user_id": r.user_id} for r in runs if r.id is not None]
    if not given:
        return set()
    return {(r["user_id"], r["id"]) for r in graph.read("agent/read_made_run_ids", runs=given)}


def report_outcome(graph: Graph, user_id: str, source_id: str, outcome: Outcome) -> OutcomeResult:
    """Set the outcome of a recorded run (found by its source id); ``NotFound`` if there is none.
    What the outcome leaves out keeps its stored value; an outcome with nothing is refused."""
    if outcome.success is None and outcome.reward is None and outcome.feedback is None:
        raise ValidationError("give success, reward or feedback", where="outcome")
    if (pii := masker(graph)) is not None:
        outcome = pii.mask_outcome(user_id, outcome)
    outcome_row = {
        "user_id": user_id,
        "source_id": source_id,
        "success": outcome.succeeded,
        "reward": outcome.reward,
        "feedback": outcome.feedback,
    }
    (rows,) = locked(graph, [user_id], [("agent/set_run_outcome", outcome_row)])
    if not rows:
        raise NotFound(f"no run {source_id!r} for this user")
    promote_lessons(graph, user_id)
    return OutcomeResult(
        run_id=str(rows[0]["run_id"]),
        task_id=str(rows[0]["task_id"]),
        success=rows[0]["success"],
        reward=rows[0]["reward"],
    )
