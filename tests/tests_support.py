"""Helpers shared by tests (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

WAIT = {"wait": "true"}  # ingest answers after derived memory is up to date too
LOCOMO = Path(__file__).resolve().parents[2] / "shared" / "data" / "locomo" / "locomo10_dev.json"


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a daemon thread; yield its base URL.

    Lifespan is off: the tests own Neo4j. On the way out the app's background workers stop
    too (its enrichment child would otherwise go on enriching other tests' users).
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", ws="none", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        for worker in ("enricher", "commits"):
            if hasattr(app.state, worker):
                getattr(app.state, worker).stop()


def free_ports(n: int) -> list[int]:
    """``n`` loopback ports in 27000-27999 that nothing listens on right now (random order, so
    test modules starting servers at the same time rarely pick the same ones)."""
    ports: list[int] = []
    for port in random.sample(range(27000, 28000), 1000):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == n:
            return ports
    raise RuntimeError("no free ports in 27000-27999")


def derived_memory(graph: Any, user: str) -> dict[str, Any]:
    """A user's derived memory described by content, not ids (ids carry the owner): counts by
    label and relationship type, the links between unit texts, and the scenes' member texts."""
    counts = graph.run_raw(
        "MATCH (n {user_id: $u}) WHERE NOT n:WriterLock "  # a lock, not memory
        "UNWIND labels(n) AS k RETURN k, count(*) AS n "
        "UNION ALL MATCH ({user_id: $u})-[r]->() RETURN type(r) AS k, count(r) AS n",
        u=user,
    )
    links = graph.run_raw(
        "MATCH (a {user_id: $u})-[l:ASSOCIATED|SIMILAR_TO]->(b) "
        "RETURN type(l) AS t, l.score AS score, "
        "[x IN labels(a) WHERE x <> 'Unit'][0] + ': ' + a.text AS a, "
        "[x IN labels(b) WHERE x <> 'Unit'][0] + ': ' + b.text AS b",
        u=user,
    )
    scenes = graph.run_raw(
        "MATCH (s:Scene {user_id: $u})-[:HAS_MEMBER]->(m) "
        "RETURN s.id AS s, collect(m.text) AS members",
        u=user,
    )
    return {
        "counts": sorted((r["k"], r["n"]) for r in counts),
        "links": sorted(
            (r["t"], *(sorted((r["a"], r["b"])) if r["t"] == "ASSOCIATED" else (r["a"], r["b"])),
             r["score"])
            for r in links
        ),
        "scenes": sorted(sorted(r["members"]) for r in scenes),
        "persona": sorted(
            (r["text"], r["support"], r["retired"])
            for r in graph.run_raw(
                "MATCH (i:Insight {user_id: $u, kind: 'persona'}) "
                "RETURN i.text AS text, i.support AS support, i.retired AS retired",
                u=user,
            )
        ),
    }  # fmt: skip
