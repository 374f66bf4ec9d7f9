"""``strata recall``: recall for agent tasks, one task or a batch file (one JSON line out each)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
        items = _batch(batch) if batch else [{"id": None, "user_id": user, "task": task, "k": k}]
        graph = ready()
        emb = embedder()
        for it in items:
            if not it.get("user_id") or not it.get("task"):
                raise ValidationError("needs a task and --user (or user_id per line)")
            owner = owner_id(tenant, str(it["user_id"]))
            rec = recall_for_task(graph, owner, str(it["task"]), int(it.get("k") or k), emb)
            out = {"id": it.get("id"), **rec.as_dict()}
            typer.echo(json.dumps(out) if as_json or batch else json.dumps(out, indent=2))
    except StrataError as e:
        typer.secho(f"error: {e}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None


def _batch(path: Path) -> list[dict[str, Any]]:
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
        out.append(item)
    return out
