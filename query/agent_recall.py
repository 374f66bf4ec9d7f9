"""Recall for a new task: similar past runs (successful first, plus one instructive failure),
their key steps, lessons, and a recommended outline of state-changing calls.

Public surface (stable): ``recall_for_task(graph, user_id, task, k=5) -> TaskRecall``.
Plan: full-text seeds over task and step texts (``agent_text``), lifted to runs; runs are
grouped by task and a task ranks by its best run; inside the ranking successful runs come
before failed ones; the outline is the state-changing calls of the first successful run.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from strata.graph import lucene
from strata.graph.db import Graph
from strata.graph.owners import user_key

SEEDS = 200


@dataclass(frozen=True)
class RecalledStep:
    seq: int
    tool: str | None
    arguments: dict[str, Any]
    failed: bool
    state_changing: bool
    agent: str | None


@dataclass(frozen=True)
class RecalledRun:
    source_id: str
    task_id: str
    task: str
    outcome: dict[str, Any]
    score: float
    step_count: int
    key_steps: list[RecalledStep]
    flagged: bool = False  # a step carried instructions to an AI: shown, never outlined


@dataclass(frozen=True)
class Action:
    name: str
    arguments: dict[str, Any]


@dataclass
class TaskRecall:
    runs: list[RecalledRun] = field(default_factory=list)
    lessons: list[dict[str, Any]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    plan: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def recall_for_task(graph: Graph, user_id: str, task: str, k: int = 5) -> TaskRecall:
    """Recall what this agent (owner ``user_id``) did on tasks like ``task``."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    query = lucene.for_user(user_key(user_id), task)
    seeds = (
        []
        if query is None
        else graph.read("agent/seed_runs", user_id=user_id, lucene=query, seeds=SEEDS)
    )
    timings["seeds_ms"] = _ms(t0)
    t1 = time.perf_counter()
    task_score: dict[str, float] = {}
    for s in seeds:  # a task ranks by its best-matching run (summing them measured worse)
        task_score[s["task_id"]] = max(task_score.get(s["task_id"], 0.0), float(s["score"]))
    run_score = {s["run_id"]: float(s["score"]) for s in seeds}
    detail = graph.read("agent/run_key_steps", user_id=user_id, run_ids=list(run_score))
    timings["expand_ms"] = _ms(t1)
    runs = sorted(
        (_run(d, run_score[d["run_id"]]) for d in detail),
        key=lambda r: (-task_score[r.task_id], not r.outcome.get("success"), -r.score),
    )
    picked = _pick(runs, k)
    actions = _outline(picked)
    tasks = list(dict.fromkeys(r.task_id for r in picked))
    lessons = graph.read("agent/lessons_for_tasks", user_id=user_id, task_ids=tasks, limit=3 * k)
    timings["total_ms"] = _ms(t0)
    plan = {"lucene": query, "seeds": len(seeds), "runs_considered": len(runs), **timings}
    return TaskRecall(runs=picked, lessons=[dict(x) for x in lessons], actions=actions, plan=plan)


def _run(d: dict[str, Any], score: float) -> RecalledRun:
    steps = [
        RecalledStep(
            seq=int(s["seq"]),
            tool=s["tool"],
            arguments=json.loads(s["arguments"]) if s["arguments"] else {},
            failed=bool(s["failed"]),
            state_changing=bool(s["state_changing"]),
            agent=s["agent"],
        )
        for s in d["steps"]
    ]
    return RecalledRun(
        source_id=str(d["source_id"]),
        task_id=str(d["task_id"]),
        task=str(d["task"]),
        outcome={"success": d["success"], "reward": d["reward"]},
        score=round(score, 4),
        step_count=int(d["step_count"] or 0),
        key_steps=steps,
        flagged=bool(d["flagged"]),
    )


def _pick(runs: list[RecalledRun], k: int) -> list[RecalledRun]:
    """The k best runs, successful first, plus one instructive failure (one with a fixed or
    failed call) when the top k hold none."""
    good = [r for r in runs if r.outcome.get("success")][:k]
    picked = good or runs[:k]
    if not any(r.outcome.get("success") is False for r in picked):
        failure = next(
            (
                r
                for r in runs
                if r.outcome.get("success") is False and any(s.failed for s in r.key_steps)
            ),
            next((r for r in runs if r.outcome.get("success") is False), None),
        )
        if failure is not None:
            picked = [*picked, failure]
    return picked


def _outline(runs: list[RecalledRun]) -> list[Action]:
    """The state-changing calls of the first successful run that carried no instructions to
    an AI (a poisoned run is shown, marked, but never recommended), failed attempts left out."""
    best = next((r for r in runs if r.outcome.get("success") and not r.flagged), None)
    if best is None:
        return []
    return [
        Action(name=str(s.tool), arguments=s.arguments)
        for s in best.key_steps
        if s.state_changing and not s.failed and s.tool
    ]


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
