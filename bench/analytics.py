"""Analytics at scale: a synthetic user written straight as graph rows, then the endpoint measured.

``python -m strata.bench.analytics --turns 100000`` builds (idempotently: stable ids) one synthetic
user with the project's own batch writer (UNWIND per statement, one transaction per batch; no
extraction, one fixed unit vector per row instead of embeddings), then measures
``GET /v1/users/{id}/analytics`` through a real uvicorn process: cold (computed) and warm
(cached) latency, the Neo4j heap (JMX, sampled every 50 ms during the cold call), the size of the
user's GDS projection and the API process's resident memory. It reports; it never asserts.

The user comes from ``strata.ingest.synthetic`` (also behind ``strata synth``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from strata.graph.db import Graph
from strata.ingest.synthetic import SynthSpec, write_user

# ---- measuring -----------------------------------------------------------------------------


def heap_mb(graph: Graph) -> float:
    row = graph.read("analytics/read_jvm_heap")[0]
    return round(row["used"] / 2**20, 1)


def _rss_mb(pid: int) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    out = {}
    for line in status.splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            key, value = line.split(":")
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


class HeapSampler:
    """Samples the Neo4j heap in the background while a request runs."""

    def __init__(self, graph: Graph, every: float = 0.05) -> None:
        self.graph, self.every, self.samples = graph, every, [heap_mb(graph)]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> HeapSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(heap_mb(self.graph))


def projection_mb(graph: Graph, owner: str) -> dict[str, float]:
    """Project the user's co-mention graph once more, read its size, drop it."""
    from strata.graph import cypher
    from strata.graph.analytics import PROJECTION_PREFIX, gds_client

    gds = gds_client(graph)
    name = f"{PROJECTION_PREFIX}bench-{os.getpid()}"
    try:
        projected = gds.graph.project.cypher(
            cypher.load("analytics/project_comention"), graph_name=name, user_id=owner
        )
        info = gds.graph.list(name)[0]
        return {
            "nodes": projected.result.node_count,
            "links": projected.result.relationship_count // 2,
            "size_mb": round(info.size_in_bytes / 2**20, 2),
        }
    finally:
        gds.graph.drop(name, fail_if_missing=False)


def measure(graph: Graph, owner: str, port: int) -> dict[str, Any]:
    """Serve the API in a child process and time the analytics route cold and warm."""
    import httpx

    tenant, user = owner.split(":", 1)
    key = f"bench-analytics-{os.getpid()}-key"
    env = {**os.environ, "STRATA_API_KEYS": f"{key}:{tenant}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "strata.api.http.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base)
        url = f"{base}/v1/users/{user}/analytics"
        rss_before = _rss_mb(server.pid)
        auth = {"Authorization": f"Bearer {key}"}
        with httpx.Client(timeout=600, headers=auth) as client, HeapSampler(graph) as heap:
            started = time.perf_counter()
            cold = client.get(url, params={"refresh": "true"})
            cold_s = time.perf_counter() - started
        cold.raise_for_status()
        warm_times = []
        with httpx.Client(timeout=60, headers=auth) as client:
            for _ in range(5):
                started = time.perf_counter()
                client.get(url).raise_for_status()
                warm_times.append(time.perf_counter() - started)
        body = cold.json()
        return {
            "cold_s": round(cold_s, 2),
            "warm_ms_median": round(sorted(warm_times)[2] * 1000, 1),
            "stages_ms": body["timings_ms"],
            "counts": body["counts"],
            "payload_kb": round(len(cold.content) / 1024, 1),
            "neo4j_heap_mb": {
                "before": heap.samples[0],
                "peak_sampled": max(heap.samples),
                "after": heap_mb(graph),
            },
            "api_rss_mb": {"before": rss_before, "after": _rss_mb(server.pid)},
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_ready(base: str) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the API did not become ready")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=2_000)
    parser.add_argument("--user", default="bench:analytics-100k")
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--skip-write", action="store_true")
    args = parser.parse_args(argv)
    from strata.api.runtime import embedder, ready

    graph = ready()
    spec = SynthSpec(
        owner=args.user, turns=args.turns, entities=args.entities, clusters=20, days=730,
        bridge=0.05, subjects=12, move_every=10, dim=embedder().dim, scenes=12,
    )  # fmt: skip
    report: dict[str, Any] = {"spec": {"turns": spec.turns, "entities": spec.entities}}
    if not args.skip_write:
        started = time.perf_counter()
        truth = write_user(graph, spec, progress=True)
        report["write_s"] = round(time.perf_counter() - started, 1)
        report["written"] = {"turns": truth.turns, "facts": truth.facts}
    report["projection"] = projection_mb(graph, spec.owner)
    report["endpoint"] = measure(graph, spec.owner, args.port)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
