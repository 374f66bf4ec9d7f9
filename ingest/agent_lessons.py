"""Lessons (insight tier) from contrasts between runs of one task, without an LLM.

This module is the one place where lessons are promoted (derived, scored, written):
- strategy: a state-changing tool that successful runs call and failed runs call less often;
- recovery: a failed call followed by a call of the same tool that worked, keyed by the
  argument names that changed (none: the same call again worked);
- optimisation: a successful run that did the task with fewer steps than another, keyed by
  the tools the longer run called and the shorter one did not.
Each lesson lists the runs that support it and those that contradict it; its score is the
Laplace share ``(1 + support) / (2 + support + contradict)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from strata.graph.db import Graph
from strata.graph.store import locked
from strata.ingest.models import stable_id

FEEDBACK_STEP = 0.05  # score change per success (or failure) of a run that used the lesson


@dataclass
class Lesson:
    id: str
    task_id: str
    kind: str  # strategy | recovery | optimisation
    text: str
    tools: list[str]
    supported_by: list[str] = field(default_factory=list)
    contradicted_by: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        s, c = len(self.supported_by), len(self.contradicted_by)
        return round((1 + s) / (2 + s + c), 4)


def lessons_for_task(user_id: str, task_id: str, runs: list[dict[str, Any]]) -> list[Lesson]:
    """``runs``: [{id, success, step_count, calls: [{seq, tool, arguments, failed,
    state_changing, fixes}], flagged}] of one task (``fixes`` is the seq of the call a call
    fixed). A flagged run (it carried instructions to an AI) backs and refutes nothing."""
    runs = [r for r in runs if not r.get("flagged")]
    out = _strategy(user_id, task_id, runs) + _recovery(user_id, task_id, runs)
    return out + _optimisation(user_id, task_id, runs)


def _strategy(uid: str, tid: str, runs: list[dict[str, Any]]) -> list[Lesson]:
    good = [r for r in runs if r["success"] is True]
    bad = [r for r in runs if r["success"] is False]
    if not good or not bad:
        return []
    used = {
        r["id"]: {c["tool"] for c in r["calls"] if c["state_changing"] and not c["failed"]}
        for r in runs
    }
    out = []
    for tool in sorted(set().union(*(used[r["id"]] for r in good))):
        sup = [r["id"] for r in good if tool in used[r["id"]]]
        con = [r["id"] for r in bad if tool in used[r["id"]]]
        if len(sup) / len(good) > len(con) / len(bad):
            text = f"strategy: call {tool} (successful runs did; failed runs did less often)"
            out.append(
                Lesson(
                    stable_id(uid, tid, "strategy", tool), tid, "strategy", text, [tool], sup, con
                )
            )
    return out


def _recovery(uid: str, tid: str, runs: list[dict[str, Any]]) -> list[Lesson]:
    found: dict[str, Lesson] = {}
    for r in runs:
        calls = {c["seq"]: c for c in r["calls"]}
        for c in r["calls"]:
            if c.get("fixes") is None:
                continue
            before = json.loads(calls[c["fixes"]]["arguments"] or "{}")
            after = json.loads(c["arguments"] or "{}")
            changed = sorted(
                k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
            )
            key = stable_id(uid, tid, "recovery", c["tool"], *changed)
            how = f"retry it changing {', '.join(changed)}" if changed else "retry the same call"
            text = f"recovery: when {c['tool']} fails, {how}"
            lesson = found.setdefault(key, Lesson(key, tid, "recovery", text, [c["tool"]]))
            if r["success"] is True:
                lesson.supported_by.append(r["id"])
            elif r["success"] is False:
                lesson.contradicted_by.append(r["id"])
    return list(found.values())


def _optimisation(uid: str, tid: str, runs: list[dict[str, Any]]) -> list[Lesson]:
    good = sorted(
        (r for r in runs if r["success"] is True), key=lambda r: (r["step_count"], r["id"])
    )
    if len(good) < 2:
        return []
    best = good[0]
    best_tools = {c["tool"] for c in best["calls"]}
    out: dict[str, Lesson] = {}
    for r in good[1:]:
        if r["step_count"] <= best["step_count"]:
            continue
        extra = sorted({c["tool"] for c in r["calls"]} - best_tools)
        if not extra:
            continue  # longer only by retries: that is the recovery lesson's business
        key = stable_id(uid, tid, "optimisation", *extra)
        text = f"optimisation: done in {best['step_count']} steps without {', '.join(extra)}"
        out.setdefault(key, Lesson(key, tid, "optimisation", text, extra, [best["id"]]))
    return list(out.values())


def promote_lessons(graph: Graph, user_id: str) -> int:
    """Re-derive every lesson of this owner from its runs and write them (idempotent)."""
    rows = graph.read("agent/runs_for_lessons", user_id=user_id)
    lessons = [
        lesson
        for t in rows
        for lesson in lessons_for_task(user_id, str(t["task_id"]), list(t["runs"]))
    ]
    rows = [
        {
            "id": x.id,
            "task_id": x.task_id,
            "kind": x.kind,
            "text": x.text,
            "tools": x.tools,
            "score": x.score,
            "supported_by": x.supported_by,
            "contradicted_by": x.contradicted_by,
        }
        for x in lessons
    ]
    keep = [x.id for x in lessons]
    locked(
        graph,
        [user_id],
        [
            ("agent/delete_stale_lessons", {"user_id": user_id, "keep": keep}),
            (
                "agent/merge_lessons",
                {"user_id": user_id, "feedback_step": FEEDBACK_STEP, "rows": rows},
            ),
        ],
    )
    return len(lessons)
