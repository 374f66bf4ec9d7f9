"""Turns a validated run into Task / Run / Step rows, marking the key steps structurally.

Key steps, found without an LLM and without any domain wording:
- a call is *state-changing* unless its tool name starts with a read-only verb (``get``,
  ``list``, ``search``, ``calculate``, ``think`` ...): tools are named verb-first in the
  OpenAI convention, and reads are the closed, small class;
- a call *failed* when its tool result is an error (text starting with "error"/"exception",
  or a JSON object with an ``error`` key);
- the first later call of the same tool that did not fail *fixes* the failed one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from strata.graph.owners import user_key
from strata.ingest.agent_models import AgentMessage, RunIn
from strata.ingest.extract import injection
from strata.ingest.models import stable_id

READ_VERBS = frozenset(
    [
        "get",
        "list",
        "search",
        "find",
        "read",
        "fetch",
        "lookup",
        "query",
        "calculate",
        "compute",
        "think",
        "check",
        "view",
        "show",
        "describe",
        "count",
        "retrieve",
        "validate",
        "verify",
        "estimate",
        "preview",
        "inspect",
        "browse",
        "lookup",
    ]
)
_ERROR_TEXT = re.compile(r"^\s*(error|exception|traceback|failed)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def is_state_changing(tool_name: str) -> bool:
    words = _WORD.findall(tool_name)
    return not words or words[0].lower() not in READ_VERBS


def is_error_result(content: str | None) -> bool:
    text = (content or "").strip()
    if _ERROR_TEXT.match(text):
        return True
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return False
        return isinstance(data, dict) and bool(data.get("error"))
    return False


@dataclass
class RunRows:
    """What one run writes: its task, the run, its steps and the fix links between steps."""

    task: dict[str, Any]
    run: dict[str, Any]
    steps: list[dict[str, Any]] = field(default_factory=list)
    fixes: list[dict[str, str]] = field(default_factory=list)
    used: list[dict[str, str]] = field(default_factory=list)


def task_id(user_id: str, run: RunIn) -> str:
    key = run.task_id if run.task_id is not None else " ".join(run.task.lower().split())
    return stable_id(user_id, "task", key)


def run_id(user_id: str, run: RunIn, *, made: bool = False) -> str:
    """The run's node id; ``made``: ``run.id`` is an id Strata made for a run recorded without
    one (the export gives it back), so it is the node id itself."""
    if made and run.id is not None:
        return run.id
    source = run.id if run.id is not None else run.model_dump_json(exclude={"outcome"})
    return stable_id(user_id, "run", source)


def run_rows(run: RunIn, *, made_id: bool = False) -> RunRows:
    uid = run.user_id
    rid, tid = run_id(uid, run, made=made_id), task_id(uid, run)
    outcome = run.outcome
    rows = RunRows(
        task={
            "id": tid,
            "user_id": uid,
            "user_key": user_key(uid),
            "text": run.task,
            "task_key": run.task_id,
        },
        run={
            "id": rid,
            "task_id": tid,
            "user_id": uid,
            "source_id": run.id or rid,
            "task": run.task,
            "success": outcome.succeeded if outcome else None,
            "reward": outcome.reward if outcome else None,
            "feedback": outcome.feedback if outcome else None,
            "step_count": 0,  # set once the steps are built
        },
    )
    results = {m.tool_call_id: m for m in run.messages if m.role == "tool"}
    seq = 0
    for m in run.messages:
        if m.role == "tool":
            continue  # folded into the call it answers
        seq = _add_message_steps(rows, m, seq, results)
    _mark_fixes(rows)
    rows.used = [{"run_id": rid, "lesson_id": lid} for lid in run.used_lessons]
    rows.run["step_count"] = len(rows.steps)
    return rows


def _add_message_steps(
    rows: RunRows, m: AgentMessage, seq: int, results: dict[str | None, AgentMessage]
) -> int:
    rid, uid = rows.run["id"], rows.run["user_id"]
    if m.content and m.content.strip() and m.content.strip() != "None":
        rows.steps.append(_step(rid, uid, seq, m, kind="message", text=m.content))
        seq += 1
    for call in m.tool_calls:
        result = results.get(call.id)
        args = json.dumps(call.function.arguments, sort_keys=True)
        row = _step(rid, uid, seq, m, kind="call", text=f"{call.function.name} {args}")
        failed = result is not None and is_error_result(result.content)
        row.update(
            tool=call.function.name,
            call_id=call.id,  # the caller's id, given back by the export
            arguments=args,
            result=result.content or "" if result else None,
            failed=failed,
            state_changing=is_state_changing(call.function.name),
        )
        if result is not None:  # a tool's output is external content: the stricter rules
            row["flags"] = _flags(f"{row['text']}\n{result.content or ''}", external=True)
        row["key"] = row["state_changing"] or failed
        rows.steps.append(row)
        seq += 1
    return seq


def _step(rid: str, uid: str, seq: int, m: AgentMessage, *, kind: str, text: str) -> dict[str, Any]:
    return {
        "id": stable_id(uid, rid, seq),
        "run_id": rid,
        "user_id": uid,
        "user_key": user_key(uid),
        "seq": seq,
        "role": m.role,
        "agent": m.name,
        "kind": kind,
        "text": text,
        "tool": None,
        "call_id": None,
        "arguments": None,
        "result": None,
        "failed": False,
        "state_changing": False,
        "key": False,
        # a system prompt is the operator's instructions to the agent: where orders belong
        "flags": [] if m.role == "system" else _flags(text, external=False),
    }


def _flags(text: str, *, external: bool) -> list[str]:
    return [injection.INSTRUCTION] if injection.flags(text, external=external) else []


def _mark_fixes(rows: RunRows) -> None:
    open_failures: dict[str, dict[str, Any]] = {}
    for s in rows.steps:
        if s["kind"] != "call":
            continue
        if s["failed"]:
            open_failures.setdefault(s["tool"], s)
        elif (failed := open_failures.pop(s["tool"], None)) is not None:
            s["key"] = True
            rows.fixes.append({"failed": failed["id"], "fix": s["id"]})
