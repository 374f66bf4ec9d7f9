"""Recall for a new task: similar past runs (successful first, plus one instructive failure),
their key steps, lessons, and a recommended outline of state-changing calls.

Public surface (stable): ``recall_for_task(graph, user_id, task, k=5, embedder=None) ->
TaskRecall``.
Plan: full-text seeds over task and step texts (``agent_text``), lifted to runs in two
channels: the run's own task statement, and what the agent did (assistant messages and calls);
a run scores ``task + STEP_WEIGHT * steps``, divided by the best run's. With an embedder,
``VECTOR_WEIGHT`` x the cosine between the new task and the run's task statement is
added (computed at recall for the ``RERANK`` best runs; no vectors are stored). Every run then
gains ``WORDING_WEIGHT`` x the character-trigram cosine of the two statements (stop words and
punctuation kept: it breaks near-ties between statements the word channels see as equal). Runs are
grouped by task and a task ranks by its best run, times ``1 + SUCCESS_BONUS`` when the task was
solved before (an agent wants the task it solved before); inside a task successful runs come
before failed ones. The outline is the consensus of the successful runs
of the first task that has any (``agent_outline``), with the arguments the new task names in
place of the past task's.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from strata.graph import lucene
from strata.graph.db import Graph
from strata.graph.owners import user_key
from strata.ingest.embed import Embedder
from strata.query.agent_outline import adapt_arguments, consensus

SEEDS = 1000  # the runs' texts repeat a lot: a few hundred seeds can all be one run's steps
STEP_WEIGHT = 0.5  # flat from 0.25 to 0.75 on both halves of the tau-bench tasks
SUCCESS_BONUS = 0.3  # flat from 0.2 to 1.0 on both halves (docs/benchmarks.md)
VECTOR_WEIGHT = 0.8  # flat from 0.5 to 1.25 on both halves (docs/benchmarks.md)
WORDING_WEIGHT = 0.1  # a near-tie breaker: top flat from 0.05 to 3 on both halves
RERANK = 200


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


def recall_for_task(
    graph: Graph, user_id: str, task: str, k: int = 5, embedder: Embedder | None = None
) -> TaskRecall:
    """Recall what this agent (owner ``user_id``) did on tasks like ``task``; with ``embedder``
    the runs' task statements are also compared with ``task`` by meaning (vector channel)."""
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
    run_score = {
        s["run_id"]: float(s["task_score"]) + STEP_WEIGHT * float(s["step_score"]) for s in seeds
    }
    detail = graph.read("agent/run_key_steps", user_id=user_id, run_ids=list(run_score))
    timings["expand_ms"] = _ms(t1)
    texts = {d["run_id"]: str(d["task"] or "") for d in detail}
    run_score = _scaled(run_score)
    if embedder is not None and run_score:
        t2 = time.perf_counter()
        run_score = _with_vectors(embedder, task, run_score, texts)
        timings["vector_ms"] = _ms(t2)
    run_score = _with_wording(task, run_score, texts)
    runs = _ranked([_run(d, run_score[d["run_id"]]) for d in detail])
    picked = _pick(runs, k)
    actions = _outline(runs, task)
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


def _scaled(lexical: dict[str, float]) -> dict[str, float]:
    """Scores divided by the best one (the best run scores 1)."""
    top = max(lexical.values(), default=1.0) or 1.0
    return {r: v / top for r, v in lexical.items()}


def _with_vectors(
    embedder: Embedder, task: str, scaled: dict[str, float], texts: dict[str, str]
) -> dict[str, float]:
    """Scaled lexical scores plus the cosine of each of the ``RERANK`` best runs' task statement
    with ``task`` (each distinct statement embedded once)."""
    best = sorted(scaled, key=lambda r: -scaled[r])[:RERANK]
    distinct = list(dict.fromkeys(texts.get(r, "") for r in best))
    vectors = embedder.embed([task, *distinct])
    cosine = dict(zip(distinct, (vectors[1:] @ vectors[0]).tolist(), strict=True))
    out = dict(scaled)
    for r in best:
        out[r] += VECTOR_WEIGHT * max(0.0, float(cosine[texts.get(r, "")]))
    return out


def _with_wording(task: str, scores: dict[str, float], texts: dict[str, str]) -> dict[str, float]:
    """Scores plus ``WORDING_WEIGHT`` x the character-trigram cosine between ``task`` and each
    run's task statement, stop words and punctuation included: the word channels drop them, so
    two statements that differ only there ("Hi! I'd like ..." / "Hi there! I'd like ...") tie,
    and the way a requester words a request is what tells a recurring task apart."""
    query = _trigrams(task)
    grams = {text: _trigrams(text) for text in set(texts.values())}
    return {
        r: v + WORDING_WEIGHT * _cosine(query, grams.get(texts.get(r, ""), Counter()))
        for r, v in scores.items()
    }


def _trigrams(text: str) -> Counter[str]:
    padded = " " + " ".join(text.lower().split()) + " "
    return Counter(padded[i : i + 3] for i in range(len(padded) - 2))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return sum(v * b[k] for k, v in a.items()) / norm if norm else 0.0


def _ranked(runs: list[RecalledRun]) -> list[RecalledRun]:
    """Tasks by their best run, a task solved before weighing more (equal tasks are told apart
    by all their runs), successful runs first inside a task. How alike two tasks are is read
    from all the past task's statements, failed runs' too: a task solved once in four tries is
    as near as one solved four times, rather than having four draws at the bonus to its one."""
    best: dict[str, float] = {}
    total: dict[str, float] = {}
    solved: set[str] = set()
    for r in runs:
        best[r.task_id] = max(best.get(r.task_id, 0.0), r.score)
        total[r.task_id] = total.get(r.task_id, 0.0) + r.score
        if r.outcome.get("success"):
            solved.add(r.task_id)
    bonus = {t: 1.0 + SUCCESS_BONUS if t in solved else 1.0 for t in best}
    return sorted(
        runs,
        key=lambda r: (
            -best[r.task_id] * bonus[r.task_id],
            -total[r.task_id],
            r.task_id,
            not r.outcome.get("success"),
            -r.score,
        ),
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


def _outline(runs: list[RecalledRun], task: str) -> list[Action]:
    """The calls the successful runs of the best task with any agree on (state-changing, not
    failed), adapted to ``task``. Runs that carried instructions to an AI are shown, marked, but
    never recommended."""
    good = [r for r in runs if r.outcome.get("success") and not r.flagged]
    if not good:
        return []
    same = [r for r in good if r.task_id == good[0].task_id]
    calls = [
        [(str(s.tool), s.arguments) for s in r.key_steps if s.state_changing and not s.failed]
        for r in same
    ]
    return [
        Action(name=name, arguments=adapt_arguments(args, same[0].task, task))
        for name, args in consensus(calls)
    ]


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
