"""A new user's first hour, walked from the README against the real Neo4j: what a user sends
wrong gets an error that names their mistake, and writes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from test_api_support import Api, api, census, fresh_user

from strata.graph.db import Graph
from strata.ingest.agent_memory import record_runs
from strata.ingest.agent_sources import validate_run

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


def test_recall_batch_checks_every_line_first_and_names_the_bad_one(
    graph: Graph, user_id: str, tmp_path: Path
) -> None:
    """A batch whose second line has no task stops before any answer, naming line 2; a line
    without user_id takes --user, as the error says it may."""
    run = {**one_run(json.dumps({"id": 7})), "outcome": {"success": True}}
    record_runs(graph, [validate_run(run, "run", f"default:{user_id}")])
    batch = tmp_path / "queries.jsonl"
    cmd = [sys.executable, "-m", "strata.api.cli", "recall", "--batch", str(batch), "--json"]
    batch.write_text(
        json.dumps({"id": "q1", "user_id": user_id, "task": "Cancel order 8"})
        + "\n"
        + json.dumps({"id": "q2", "user_id": user_id, "k": 3})
        + "\n"
    )
    bad = subprocess.run(cmd, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "line 2" in bad.stderr and "task" in bad.stderr
    assert bad.stdout == ""  # no answer for line 1 before the error
    batch.write_text(json.dumps({"id": "q1", "task": "Cancel order 8"}) + "\n")
    good = subprocess.run([*cmd, "--user", user_id], capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    answer = json.loads(good.stdout)
    assert answer["id"] == "q1" and [r["source_id"] for r in answer["runs"]] == ["run-1"]


def test_search_batch_checks_every_line_first_and_names_the_field(
    graph: Graph, user_id: str, tmp_path: Path
) -> None:
    """A batch whose second line has no query: no answer is printed, and the error names line
    2 and the missing field (it said "Field required" after printing line 1's answer)."""
    batch = tmp_path / "queries.jsonl"
    cmd = [sys.executable, "-m", "strata.api.cli", "search", "--batch", str(batch), "--json"]
    first = {"id": "q1", "user_id": user_id, "query": "Where does Alice live?"}
    for second, said in (
        ({"id": "q2", "user_id": user_id}, "query: Field required"),
        ({"id": "q3", "user_id": "a:b", "query": "x"}, "user id 'a:b'"),
    ):
        batch.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n")
        bad = subprocess.run(cmd, capture_output=True, text=True)
        assert bad.returncode == 1
        assert "line 2" in bad.stderr and said in bad.stderr
        assert bad.stdout == ""
    batch.write_text(json.dumps(first) + "\n")
    good = subprocess.run(cmd, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["id"] == "q1"


def test_feedback_sent_after_the_result_keeps_the_result(api: Api, graph: Graph) -> None:
    """The outcome arrives in two calls: success first, the customer's feedback later. The
    second call must not wipe the success (analytics counted the run as unknown); an empty
    outcome is refused and changes nothing."""
    user = fresh_user()
    assert api.a.http.post(f"/v1/users/{user}/runs", json=one_run("{}")).status_code == 200
    path = f"/v1/users/{user}/runs/run-1/outcome"
    r = api.a.http.post(path, json={"success": True, "reward": 1.0})
    assert r.status_code == 200 and r.json()["success"] is True
    r = api.a.http.post(path, json={"feedback": "customer happy"})
    assert r.status_code == 200, r.text
    assert (r.json()["success"], r.json()["reward"]) == (True, 1.0)
    r = api.a.http.post(path, json={})
    assert r.status_code == 422 and "give success, reward or feedback" in r.text
    stats = api.a.http.get(f"/v1/users/{user}/runs/analytics").json()
    assert (stats["runs"], stats["succeeded"]) == (1, 1)
    stored = graph.run_raw(
        "MATCH (r:Run {user_id: $u}) RETURN r.success AS s, r.reward AS w, r.feedback AS f",
        u=api.a.owner(user),
    )
    assert stored == [{"s": True, "w": 1.0, "f": "customer happy"}]
    r = api.a.http.post(path, json={"success": False})  # a correction still lands
    assert r.status_code == 200 and r.json()["success"] is False
