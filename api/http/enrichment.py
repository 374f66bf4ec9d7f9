"""Acknowledged writes: an ingest answers once its conversations are durable and searchable, and
derived memory (links, similar questions, persona traits, scenes, lessons) catches up here.

What is behind lives in the graph, not in this process: each batch marks its users with an
``EnrichmentPending`` node in its own transaction, and enrichment deletes the mark when done
(``ingest.memory.Maintainer.after_ingest``). So a crash or a restart loses no backlog: the
server resumes every pending user at start-up. One worker thread, users queued once each.
Enrichment never holds a user for its whole run (acknowledgements would queue behind it): each
of its writes takes the user's writer lock in the graph, like each ingest transaction, and a
write that lands meanwhile touches the mark after the enrichment read it, so the mark stays and
the user is enriched again (what was not linked yet is found by the next run).
A failed enrichment (Neo4j died under it) keeps its mark; while the worker is idle it looks
for marks every ``SWEEP_S`` seconds, so the backlog drains once Neo4j is back, with no new
write and no restart (and marks another process left behind are found too).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable
from typing import Any

from strata.graph.db import Graph

log = logging.getLogger("strata.api.enrichment")
_STOP = object()
SWEEP_S = 10.0  # an idle worker looks for pending marks this often


class Enricher:
    """Background enrichment of pending users (started on the first submit)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Any] = queue.Queue()
        self._queued: set[str] = set()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, owners: Iterable[str]) -> None:
        with self._guard:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="strata-enrichment", daemon=True
                )
                self._thread.start()
            for owner in sorted(set(owners) - self._queued):
                self._queued.add(owner)
                self._queue.put(owner)

    def resume(self, graph: Graph) -> int:
        """Queue every user the graph says is behind (at start-up, and when idle); how many."""
        owners = [r["user_id"] for r in backlog(graph, None)]
        self.submit(owners)
        return len(owners)

    def _sweep(self, graph: Graph) -> None:
        try:
            self.resume(graph)
        except Exception as e:  # Neo4j still down: the next sweep tries again
            log.debug("no enrichment sweep: %s", e)

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=30)

    def _run(self) -> None:
        from strata.api.runtime import maintainer
        from strata.graph.db import get_graph

        while True:
            try:
                owner = self._queue.get(timeout=SWEEP_S)
            except queue.Empty:
                self._sweep(get_graph())
                continue
            if owner is _STOP:
                return
            with self._guard:
                self._queued.discard(owner)  # a write from now on queues the user again
            started = time.perf_counter()
            try:
                maintainer(get_graph()).after_ingest({owner})
            except Exception:
                log.exception("enrichment of %s failed; it stays pending", owner)
            else:
                log.debug("enriched %s in %.2f s", owner, time.perf_counter() - started)


def backlog(graph: Graph, tenant: str | None) -> list[dict[str, Any]]:
    """The users whose enrichment is pending (of one tenant, or all), oldest first."""
    prefix = None if tenant is None else f"{tenant}:"
    return graph.read("memory/read_pending", users=None, tenant_prefix=prefix)


def backlog_summary(graph: Graph, tenant: str | None) -> dict[str, Any]:
    """``{"pending_users", "oldest_pending_s"}``: the backlog and the age of its oldest write."""
    rows = backlog(graph, tenant)
    oldest = min((r["since_ms"] for r in rows), default=None)
    age = None if oldest is None else round(max(0.0, time.time() - oldest / 1000), 1)
    return {"pending_users": len(rows), "oldest_pending_s": age}
