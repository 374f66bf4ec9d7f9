"""The agent-memory routes under ``/v1/users/{user_id}``: record runs, report an outcome later.

The owner (``<tenant>:<user>``, the agent or team) comes from the API key and the path; a run's
own ``user_id`` is not sent. Recording is idempotent (stable ids from the run id or content).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from strata.api.http.deps import GraphDep, OwnerDep, RateLimitDep, UserId
from strata.api.http.routes import ERRORS
from strata.api.http.schemas import batch_or_one
from strata.graph.db import Graph
from strata.ingest.agent_memory import record_runs, report_outcome
from strata.ingest.agent_models import MAX_TASK_CHARS, AgentMessage, Outcome, RunIn
from strata.ingest.agent_sources import validate_run
from strata.ingest.masking import restored, restorer

EXPORT_PAGE = 200

router = APIRouter(
    prefix="/v1/users/{user_id}", dependencies=[RateLimitDep], responses=ERRORS, tags=["agent"]
)


class RunBody(BaseModel):
    """One agent run in OpenAI chat format; ``id`` is its source id (for a later outcome)."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, min_length=1, max_length=200)
    task: str = Field(min_length=1, max_length=MAX_TASK_CHARS)
    task_id: str | None = Field(default=None, max_length=200)
    outcome: Outcome | None = None
    messages: list[AgentMessage] = Field(min_length=1, max_length=5_000)
    used_lessons: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Ids of the lessons recall gave this run: its outcome moves their scores.",
    )


class RunsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    runs: list[RunBody] = Field(min_length=1, max_length=500)


RecordBody = Annotated[
    Annotated[RunBody, Tag("one")] | Annotated[RunsBody, Tag("batch")],
    Discriminator(batch_or_one("runs", RunsBody)),
]


class RunsOut(BaseModel):
    runs: int
    steps: int
    key_steps: int
    fixes: int


class OutcomeOut(BaseModel):
    run_id: str
    task_id: str
    success: bool | None
    reward: float | None


class RecallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    task: str = Field(min_length=1, max_length=MAX_TASK_CHARS, description="The new task.")
    k: int = Field(default=5, ge=1, le=50, description="How many past runs.")


class ActionOut(BaseModel):
    name: str
    arguments: dict[str, Any]


class RecallOut(BaseModel):
    """Similar past runs (successful first, one instructive failure) with their key steps,
    lessons ranked, the recommended calls in order, and the plan with its timings."""

    runs: list[dict[str, Any]]
    lessons: list[dict[str, Any]]
    actions: list[ActionOut]
    plan: dict[str, Any]


def _owned(body: RunBody, owner: str, where: str) -> RunIn:
    return validate_run(body.model_dump(exclude_none=True), where, owner)


@router.post("/runs", summary="Record agent runs")
def record(body: RecordBody, owner: OwnerDep, graph: GraphDep) -> RunsOut:
    """Store one run, or ``{"runs": [...]}``: its task, steps (messages, tool calls with their
    results) and outcome if known. All runs are validated before any is written."""
    if isinstance(body, RunsBody):
        runs = [_owned(r, owner, f"body.runs.{i}") for i, r in enumerate(body.runs)]
    else:
        runs = [_owned(body, owner, "body")]
    return RunsOut.model_validate(record_runs(graph, runs).as_dict())


@router.post(
    "/runs/{source_id}/outcome",
    summary="Report the outcome of a recorded run",
    responses={404: {"description": "No run with this id."}},
)
def outcome(
    source_id: Annotated[str, Path(min_length=1, max_length=200)],
    body: Outcome,
    owner: OwnerDep,
    graph: GraphDep,
) -> OutcomeOut:
    """Set the run's outcome (success and/or reward, optional feedback), e.g. once it is known.
    A field left out keeps its stored value (feedback may follow the result); ``{}`` is a 422."""
    result = report_outcome(graph, owner, source_id, body)
    return OutcomeOut(
        run_id=result.run_id, task_id=result.task_id, success=result.success, reward=result.reward
    )


@router.post("/recall", summary="Recall past runs and lessons for a new task")
def recall(body: RecallIn, owner: OwnerDep, graph: GraphDep) -> RecallOut:
    """What this agent did on tasks like ``task``: runs, lessons, and an action outline."""
    from strata.api.runtime import embedder
    from strata.query.agent_recall import recall_for_task

    found = recall_for_task(graph, owner, body.task, k=body.k, embedder=embedder())
    return RecallOut.model_validate(found.as_dict())


class AgentAnalyticsOut(BaseModel):
    """How the agent is doing: runs and successes per day (the day each run was first
    recorded), the lessons its runs used most, and its most trusted lessons."""

    runs: int
    succeeded: int
    failed: int
    days: list[dict[str, Any]]
    most_used: list[dict[str, Any]]
    most_trusted: list[dict[str, Any]]


@router.get("/runs/analytics", summary="Success over time and lessons", tags=["analytics"])
def run_analytics(
    owner: OwnerDep,
    graph: GraphDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Lessons per list.")] = 10,
) -> AgentAnalyticsOut:
    (row,) = graph.read("agent/run_analytics", user_id=owner, limit=limit)
    return AgentAnalyticsOut.model_validate(row)


@router.get(
    "/runs/export",
    summary="Export runs as JSONL",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "One run per line, in the shape POST /runs takes.",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
)
def export_runs(user_id: UserId, owner: OwnerDep, graph: GraphDep) -> StreamingResponse:
    """Every run of the agent with its task, outcome and messages, page by page. POST the lines
    back (``{"runs": [...]}``) to re-import to the same ids: lessons are derived again."""
    first = graph.read("agent/export_runs", user_id=owner, after=None, limit=EXPORT_PAGE)
    return StreamingResponse(
        _run_lines(graph, owner, first, restorer(graph, owner)),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{user_id}-runs.jsonl"'},
    )


def _run_lines(
    graph: Graph, owner: str, rows: list[dict[str, Any]], originals: Callable[[str], str]
) -> Iterator[str]:
    """JSONL of the runs, with personal values restored when STRATA_PII_KEY is set."""
    while rows:
        for r in rows:
            yield json.dumps(restored(run_line(r), originals), ensure_ascii=False) + "\n"
        if len(rows) < EXPORT_PAGE:
            return
        rows = graph.read(
            "agent/export_runs", user_id=owner, after=rows[-1]["id"], limit=EXPORT_PAGE
        )


def run_line(row: dict[str, Any]) -> dict[str, Any]:
    """A stored run as the messages that record it again: each step in order (a call with its
    tool result right after it, under the call's own id), so a re-import gives every step its
    old place and id."""
    messages: list[dict[str, Any]] = []
    for s in row["steps"]:
        named = {"name": s["agent"]} if s["agent"] else {}
        if s["kind"] != "call":
            messages.append({"role": s["role"], "content": s["text"], **named})
            continue
        call = {
            "id": s["call_id"] or f"call-{s['seq']}",  # no call_id: recorded before they were kept
            "function": {"name": s["tool"], "arguments": s["arguments"]},
        }
        messages.append({"role": "assistant", "tool_calls": [call], **named})
        if s["result"] is not None:
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": s["result"]})
    outcome = {k: row[k] for k in ("success", "reward", "feedback") if row[k] is not None}
    line = {"id": row["source_id"], "task": row["task"], "messages": messages}
    if row["used_lessons"]:
        line["used_lessons"] = sorted(row["used_lessons"])
    return (
        line
        | ({"task_id": row["task_key"]} if row["task_key"] else {})
        | ({"outcome": outcome} if outcome else {})
    )
