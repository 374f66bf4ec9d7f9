"""``strata bench agent``: tau-bench airline trajectories, recall for a task, beside BM25.

(a) recurring task: memory holds trials 0-2 of every task; the query is trial 3's first user
    message. Scores: top run is a successful run of the same task (over queries whose task has
    one in memory); the recommended state-changing calls equal the gold actions (name and
    arguments, in order; over tasks whose gold actions change state, and over those of them
    whose memory holds a successful run). Beside them, the share of those tasks whose memory
    holds a run that made exactly the gold calls (the ceiling of an outline that reuses one past
    run), and how often a successful run of the same task made exactly the gold calls.
(b) new task: leave one task out (memory holds every trial of the other tasks); F1 of the
    names of the recommended state-changing calls against the gold actions' names. Beside it,
    ``best_neighbour``: the F1 of the best outline any one solved task in memory offers (the
    ceiling of taking the outline from one neighbouring task).
Tasks without a trial 3 stay in memory and are not queried. Each benchmark agent's memory is
forgotten once its recalls are done.
BM25 (rank-bm25, outcome-blind) ranks the runs by their first user message; its
recommendation is the state-changing calls of its top run. Same data, same run. Every score is
also given on the two halves of the tasks (even and odd task ids), to tune on one and check on
the other.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from rank_bm25 import BM25Okapi

from strata.api.http.erase import forget
from strata.graph import lucene
from strata.graph.db import Graph
from strata.ingest.agent_memory import record_runs
from strata.ingest.agent_models import RunIn
from strata.ingest.agent_sources import read_runs
from strata.ingest.agent_steps import is_error_result, is_state_changing
from strata.ingest.embed import Embedder
from strata.query.agent_outline import consensus
from strata.query.agent_recall import recall_for_task

Call = tuple[str, str]  # (name, canonical JSON arguments)


def run(
    graph: Graph, path: Path, tenant: str = "bench", embedder: Embedder | None = None
) -> dict[str, Any]:
    raw = json.loads(path.read_text())
    gold = {str(x["task_id"]): _gold(x) for x in raw}
    runs = read_runs(path, "tau-bench", user="x")
    by_trial = {r.id: r for r in runs}
    return {
        "embedder": embedder.name if embedder else None,
        "recurring": _recurring(graph, tenant, runs, by_trial, gold, embedder),
        "new_task": _new_task(graph, tenant, runs, gold, embedder),
    }


def _gold(item: dict[str, Any]) -> list[Call]:
    acts = item["info"]["task"]["actions"]
    return [_call(a["name"], a["kwargs"]) for a in acts if is_state_changing(a["name"])]


def _call(name: str, args: dict[str, Any]) -> Call:
    return name, json.dumps(args, sort_keys=True)


def _owned(runs: list[RunIn], owner: str) -> list[RunIn]:
    return [r.model_copy(update={"user_id": owner}) for r in runs]


def _recurring(
    graph: Graph,
    tenant: str,
    runs: list[RunIn],
    by_trial: dict[str | None, RunIn],
    gold: dict[str, list[Call]],
    embedder: Embedder | None,
) -> dict[str, Any]:
    owner = f"{tenant}:agent-{uuid.uuid4().hex[:8]}"
    memory = [r for r in runs if not str(r.id).endswith(":3")]
    try:
        return _recurring_in(graph, owner, runs, memory, gold, embedder)
    finally:
        forget(graph, owner)  # a benchmark leaves no memory behind


def _recurring_in(
    graph: Graph,
    owner: str,
    runs: list[RunIn],
    memory: list[RunIn],
    gold: dict[str, list[Call]],
    embedder: Embedder | None,
) -> dict[str, Any]:
    record_runs(graph, _owned(memory, owner))
    bm25 = _Bm25(memory)
    success = {r.task_id for r in memory if r.outcome and r.outcome.succeeded}
    top_ok: dict[str, dict[str, bool]] = {"strata": {}, "bm25": {}}
    exact: dict[str, dict[str, bool]] = {"strata": {}, "bm25": {}}
    reachable = {"memory": _gold_in_memory(memory, gold)}
    queries = [r for r in runs if str(r.id).endswith(":3")]
    for q in queries:
        rec = recall_for_task(graph, owner, q.task, k=5, embedder=embedder)
        top = rec.runs[0] if rec.runs else None
        b_top = bm25.top(q.task)
        tid = str(q.task_id)
        if q.task_id in success:
            top_ok["strata"][tid] = bool(
                top and _same(top.source_id, q) and top.outcome.get("success")
            )
            top_ok["bm25"][tid] = bool(
                _same(str(b_top.id), q) and b_top.outcome and b_top.outcome.succeeded
            )
        want = gold[tid]
        if want:
            exact["strata"][tid] = [_call(a.name, a.arguments) for a in rec.actions] == want
            exact["bm25"][tid] = _calls(b_top) == want
    solved = {s: {t: v for t, v in x.items() if t in top_ok["strata"]} for s, x in exact.items()}
    return {
        "queries": len(queries),
        "with_success_in_memory": len(top_ok["strata"]),
        "changing_state": len(exact["strata"]),
        "top_success_same_task": _halves(top_ok),
        "gold_calls_reproduced": _halves(exact),
        "gold_calls_in_memory": _halves(reachable),
        "changing_state_with_success_in_memory": len(solved["strata"]),
        "gold_calls_reproduced_when_solved": _halves(solved),
        "gold_calls_of_a_solved_run": _halves({"memory": _solved_run_exact(memory, gold)}),
    }


def _gold_in_memory(memory: list[RunIn], gold: dict[str, list[Call]]) -> dict[str, bool]:
    """Per task that changes state: does memory hold a run of that task whose state-changing
    calls equal the gold ones? The ceiling of an outline that reuses one past run."""
    return {
        tid: any(str(r.task_id) == tid and _calls(r) == want for r in memory)
        for tid, want in gold.items()
        if want
    }


def _solved_run_exact(memory: list[RunIn], gold: dict[str, list[Call]]) -> dict[str, float]:
    """Per task that changes state and has a successful run in memory: the share of those runs
    whose state-changing calls equal the gold ones (what reusing a solved run of the same task
    scores)."""
    out: dict[str, list[bool]] = {}
    for r in memory:
        tid = str(r.task_id)
        if gold[tid] and r.outcome and r.outcome.succeeded:
            out.setdefault(tid, []).append(_calls(r) == gold[tid])
    return {tid: sum(v) / len(v) for tid, v in out.items()}


def _halves(per_task: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean per system over all tasks, the even task ids and the odd ones."""
    out: dict[str, dict[str, float]] = {}
    for system, scores in per_task.items():
        for half, rest in (("all", None), ("even", 0), ("odd", 1)):
            vals = [float(v) for t, v in scores.items() if rest is None or int(t) % 2 == rest]
            out.setdefault(system, {})[half] = round(sum(vals) / max(len(vals), 1), 3)
    return out


def _new_task(
    graph: Graph,
    tenant: str,
    runs: list[RunIn],
    gold: dict[str, list[Call]],
    embedder: Embedder | None,
) -> dict[str, Any]:
    f1s: dict[str, dict[str, float]] = {"strata": {}, "bm25": {}, "best_neighbour": {}}
    queries = {str(r.task_id): r for r in runs if str(r.id).endswith(":3")}
    for held in sorted(queries, key=int):
        owner = f"{tenant}:loo-{uuid.uuid4().hex[:8]}"
        memory = [r for r in runs if r.task_id != held]
        q = queries[held]
        want = [n for n, _ in gold[held]]
        try:
            record_runs(graph, _owned(memory, owner))
            rec = recall_for_task(graph, owner, q.task, k=5, embedder=embedder)
        finally:
            forget(graph, owner)
        f1s["strata"][held] = _f1([a.name for a in rec.actions], want)
        f1s["bm25"][held] = _f1([n for n, _ in _calls(_Bm25(memory).top(q.task))], want)
        f1s["best_neighbour"][held] = _best_neighbour(memory, want)
    return {"tasks": len(f1s["strata"]), "f1": _halves(f1s)}


def _best_neighbour(memory: list[RunIn], want: list[str]) -> float:
    """The F1 of the best outline one solved task in memory offers (the consensus of its
    successful runs): the ceiling of an outline taken from one neighbouring task."""
    solved: dict[str, list[list[tuple[str, dict[str, Any]]]]] = {}
    for r in memory:
        if r.outcome and r.outcome.succeeded:
            calls = [(n, json.loads(a)) for n, a in _calls(r)]
            solved.setdefault(str(r.task_id), []).append(calls)
    outlines = ([n for n, _ in consensus(runs)] for runs in solved.values())
    return max((_f1(names, want) for names in outlines), default=0.0)


def _same(source_id: str, q: RunIn) -> bool:
    return source_id.split(":")[0] == str(q.task_id)


def _calls(r: RunIn) -> list[Call]:
    """The state-changing calls of a run that did not fail, in order."""
    results = {m.tool_call_id: m.content for m in r.messages if m.role == "tool"}
    return [
        _call(c.function.name, c.function.arguments)
        for m in r.messages
        for c in m.tool_calls
        if is_state_changing(c.function.name) and not is_error_result(results.get(c.id))
    ]


def _f1(got: list[str], want: list[str]) -> float:
    if not got and not want:
        return 1.0
    hit = sum((Counter(got) & Counter(want)).values())
    if hit == 0:
        return 0.0
    p, r = hit / len(got), hit / len(want)
    return 2 * p * r / (p + r)


class _Bm25:
    def __init__(self, runs: list[RunIn]) -> None:
        self.runs = runs
        self.index = BM25Okapi([lucene.terms(r.task) or ["_"] for r in runs])

    def top(self, text: str) -> RunIn:
        scores = self.index.get_scores(lucene.terms(text) or ["_"])
        return self.runs[max(range(len(self.runs)), key=lambda i: scores[i])]
