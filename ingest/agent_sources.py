"""Reads agent-run files into validated ``RunIn`` lists, or rejects them whole.

Formats: ``runs`` (a JSON list, object or JSONL of runs in the ``RunIn`` shape) and
``tau-bench`` (tau-bench's historical trajectories: a list of ``{task_id, trial, reward, traj}``;
the run's source id is ``"<task_id>:<trial>"`` and its task text is the first user message).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydantic

from strata.graph.errors import ValidationError
from strata.ingest.agent_models import RunIn

RUN_FORMATS = ("runs", "tau-bench")


def read_runs(path: Path, fmt: str, *, user: str | None = None) -> list[RunIn]:
    """Parse and validate a whole file; raise ``ValidationError`` on the first bad item."""
    if fmt not in RUN_FORMATS:
        raise ValidationError(f"unknown run format {fmt!r}", where=str(path))
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValidationError(f"not UTF-8 (byte {e.start})", where=str(path)) from e
    except OSError as e:
        raise ValidationError(f"cannot read: {e.strerror}", where=str(path)) from e
    items = _items(text, str(path))
    if not items:
        raise ValidationError("no runs found", where=str(path))
    if fmt == "tau-bench":
        if user is None:
            raise ValidationError("tau-bench files need --user (the agent)", where=str(path))
        items = [_from_tau(it, f"{path}: item {i}") for i, it in enumerate(items)]
    return [validate_run(it, f"{path}: item {i}", user) for i, it in enumerate(items)]


def validate_run(item: Any, where: str, user: str | None = None) -> RunIn:
    if not isinstance(item, dict):
        raise ValidationError("expected a JSON object", where=where)
    if user is not None:
        item = {**item, "user_id": user}
    try:
        return RunIn.model_validate(item)
    except pydantic.ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise ValidationError(f"{field}: {err['msg']}".strip(": "), where=where) from None


def _from_tau(item: Any, where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ValidationError("expected a JSON object", where=where)
    for field in ("task_id", "traj"):
        if field not in item:
            raise ValidationError(f"missing field {field!r}", where=where)
    traj = item["traj"]
    if not isinstance(traj, list):
        raise ValidationError("traj: expected a list of messages", where=where)
    first_user = next(
        (m.get("content") for m in traj if isinstance(m, dict) and m.get("role") == "user"), None
    )
    if not isinstance(first_user, str) or not first_user.strip():
        raise ValidationError("traj: no user message to take the task from", where=where)
    reward = item.get("reward")
    outcome = None if reward is None else {"reward": float(reward)}
    return {
        "id": f"{item['task_id']}:{item.get('trial', 0)}",
        "task": first_user,
        "task_id": str(item["task_id"]),
        "outcome": outcome,
        "messages": traj,
    }


def _items(text: str, source: str) -> list[Any]:
    stripped = text.strip()
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError:
        out = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ValidationError(
                    f"malformed JSON: {e.msg}", where=f"{source}: line {n}"
                ) from e
        return out
    return data if isinstance(data, list) else [data]
