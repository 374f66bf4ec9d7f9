"""`strata bench agent` on a slice of tau-bench airline, against the real Neo4j: both settings
and BM25 reported, a task without a trial 3 kept in memory but not queried, nothing left behind."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from strata.bench.agent import run
from strata.graph.db import Graph

TAU = Path(__file__).resolve().parents[3] / "shared" / "data" / "tau-bench" / "airline_dev.json"


def test_bench_agent_reports_both_settings_and_forgets_its_agents(
    graph: Graph, tmp_path: Path
) -> None:
    tasks = {11, 12, 18, 24}  # each asked in words of its own; 11 solved once, the rest always
    raw = [x for x in json.loads(TAU.read_text()) if x["task_id"] in tasks]
    raw += [x for x in json.loads(TAU.read_text()) if x["task_id"] == 2 and x["trial"] < 3]
    path = tmp_path / "slice.json"
    path.write_text(json.dumps(raw))
    tenant = f"bench-{uuid.uuid4().hex[:8]}"

    report = run(graph, path, tenant)

    recurring, new_task = report["recurring"], report["new_task"]
    assert (recurring["queries"], new_task["tasks"]) == (4, 4)  # task 2 has no trial 3
    assert recurring["top_success_same_task"]["strata"]["all"] == 1.0
    assert set(new_task["f1"]) == {"strata", "bm25", "best_neighbour"}
    assert recurring["changing_state"] == 1  # task 11 books a flight; the others change nothing
    left = graph.run_raw(
        "MATCH (n) WHERE n.user_id STARTS WITH $t RETURN count(n) AS n", t=f"{tenant}:"
    )
    assert left == [{"n": 0}]
