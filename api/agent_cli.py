"""``strata recall``: recall for agent tasks, one task or a batch file (one JSON line out each);
``strata outcome``: report how a recorded run ended, once it is known."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pydantic
import typer

from strata.graph.errors import StrataError, ValidationError
from strata.graph.owners import owner_id


def recall(
    task: str | None = typer.Argument(None, help="The new task's text."),
    user: str | None = typer.Option(None, "--user", help="The agent (memory owner)."),
    k: int = typer.Option(5, "--k", min=1, max=50),
    batch: Path | None = typer.Option(
        None, "--batch", help='JSONL of {"id","user_id","task","k"?}.'
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    tenant: str = typer.Option("default", "--tenant"),
) -> None:
    """Similar past runs (successful first), key steps, lessons and a recommended call outline."""
    from strata.api.runtime import embedder, ready
    from strata.query.agent_recall import recall_for_task

    try:
        if batch:
            items = _batch(batch, user, k)
        else:
            items = [_checked({"id": None, "user_id": user, "task": task, "k": k}, "", user, k)]
        graph = ready()
        emb = embedder()
        for it in items:
            owner = owner_id(tenant, str(it["user_id"]))
            rec = recall_for_task(graph, owner, str(it["task"]), int(it["k"]), emb)
            out = {"id": it.get("id"), **rec.as_dict()}
            typer.echo(json.dumps(out) if as_json or batch else json.dumps(out, indent=2))
    except StrataError as e:
        typer.secho(f"error: {e}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None


def outcome(
    source_id: str = typer.Argument(..., help="The run's id (tau-bench: <task_id>:<trial>)."),
    user: str = typer.Option(..., "--user", help="The agent (memory owner)."),
    success: bool | None = typer.Option(None, "--success/--failure", help="Did the run succeed?"),
    reward: float | None = typer.Option(None, "--reward", help="Its reward (over 0.5: a success)."),
    feedback: str | None = typer.Option(None, "--feedback", help="Free-text feedback."),
    tenant: str = typer.Option("default", "--tenant"),
) -> None:
    """Report a recorded run's outcome; what is left out keeps its stored value. The lessons
    the run used move with it."""
    from strata.api.runtime import ready
    from strata.ingest.agent_memory import report_outcome
    from strata.ingest.agent_models import Outcome

    try:
        body = Outcome(success=success, reward=reward, feedback=feedback)
    except pydantic.ValidationError as e:
        typer.secho(f"error: {e.errors()[0]['msg']}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    try:
        done = report_outcome(ready(), owner_id(tenant, user), source_id, body)
    except StrataError as e:
        typer.secho(f"error: {e}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    typer.echo(json.dumps({"source_id": source_id, **asdict(done)}))


def _checked(item: dict[str, Any], where: str, user: str | None, k: int) -> dict[str, Any]:
    """One query with its owner (``--user`` when the line names none), task and ``k``."""
    item = {**item, "user_id": item.get("user_id") or user, "k": item.get("k", k)}
    if not isinstance(item["user_id"], str) or not item["user_id"].strip():
        raise ValidationError("no user: give user_id on the line or --user", where=where)
    if not isinstance(item.get("task"), str) or not item["task"].strip():
        raise ValidationError("task: expected non-blank text", where=where)
    if isinstance(item["k"], bool) or not isinstance(item["k"], int) or not 1 <= item["k"] <= 50:
        raise ValidationError("k: expected a whole number from 1 to 50", where=where)
    return item


def _batch(path: Path, user: str | None, k: int) -> list[dict[str, Any]]:
    """Every line checked before any is recalled, so a bad line stops the batch up front."""
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ValidationError(f"cannot read: {e.strerror}", where=str(path)) from e
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValidationError(f"malformed JSON: {e.msg}", where=f"{path}: line {n}") from e
        if not isinstance(item, dict):
            raise ValidationError("expected a JSON object", where=f"{path}: line {n}")
        out.append(_checked(item, f"{path}: line {n}", user, k))
    return out
