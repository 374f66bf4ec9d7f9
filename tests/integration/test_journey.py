"""A new user's first hour, walked from the README against the real Neo4j: what a user sends
wrong gets an error that names their mistake, and writes nothing."""

from __future__ import annotations

import json
from typing import Any

from test_api_support import Api, api, census, fresh_user

from strata.graph.db import Graph

__all__ = ["api"]  # the fixture, imported for pytest


def one_run(arguments: str) -> dict[str, Any]:
    call = {"id": "c1", "function": {"name": "cancel_order", "arguments": arguments}}
    return {
        "id": "run-1",
        "task": "Cancel order 7",
        "messages": [
            {"role": "user", "content": "Cancel order 7"},
            {"role": "assistant", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": "cancelled"},
        ],
    }


def test_a_single_bad_run_is_refused_by_its_own_field(api: Api, graph: Graph) -> None:
    """One run (not a batch) with tool-call arguments that are not JSON: the 422 says so and
    where, instead of complaining that a batch's ``runs`` is missing."""
    user = fresh_user()
    r = api.a.http.post(f"/v1/users/{user}/runs", json=one_run("{oops"))
    assert r.status_code == 422
    error = r.json()["error"]
    assert "arguments are not JSON" in error["message"]
    assert "messages.1.tool_calls.0.function.arguments" in error["where"]
    assert census(graph, api.a.owner(user)) == ({}, {})
    r = api.a.http.post(f"/v1/users/{user}/runs", json=one_run(json.dumps({"id": 7})))
    assert r.status_code == 200, r.text
    batch = {"runs": [one_run(json.dumps({"id": 7})), {"task": "x"}]}
    r = api.a.http.post(f"/v1/users/{user + 'b'}/runs", json=batch)
    assert r.status_code == 422
    assert "runs.1" in r.json()["error"]["where"]
