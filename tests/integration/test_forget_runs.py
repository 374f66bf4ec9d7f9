"""Forgetting an agent (the owner of runs) leaves none of its tasks, runs or steps behind."""

from __future__ import annotations

import json

from test_api_support import census

from strata.api.http.erase import forget
from strata.graph.db import Graph
from strata.ingest.agent_memory import record_runs
from strata.ingest.agent_sources import validate_run


def test_forget_takes_tasks_runs_and_steps(graph: Graph, user_id: str) -> None:
    owner = f"default:{user_id}"
    call = {"id": "a", "function": {"name": "cancel_order", "arguments": json.dumps({"id": 7})}}
    run = {
        "id": "r1",
        "task": "Cancel order 7",
        "outcome": {"success": True},
        "messages": [
            {"role": "user", "content": "Cancel order 7"},
            {"role": "assistant", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "a", "content": '{"status": "cancelled"}'},
        ],
    }
    record_runs(graph, [validate_run(run, "t", user=owner)])
    nodes, _ = census(graph, owner)
    assert {"Run", "Step", "Task"} <= {label for key in nodes for label in key.split(":")}
    deleted = forget(graph, owner)
    assert {"Run", "Step", "Task"} <= set(deleted)
    assert census(graph, owner) == ({}, {})
