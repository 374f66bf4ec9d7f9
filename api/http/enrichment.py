"""Acknowledged writes: an ingest answers once its conversations are durable and searchable, and
derived memory (links, similar questions, persona traits, scenes, lessons) catches up here.

What is behind lives in the graph, not in this process: each batch marks its users with an
``EnrichmentPending`` node in its own transaction, and enrichment deletes the mark when done
(``ingest.memory.Maintainer.after_ingest``). So a crash or a restart loses no backlog: the
server resumes every pending user at start-up. One worker: by default a child process of the
server at a lower CPU priority (``EnrichmentProcess``), else a thread (``Enricher``).
Enrichment never holds a user's writer lock for its run (acknowledgements would queue behind
it): a round writes its links, traits and scenes in one transaction without it
(``graph.store.write_derived``; the enrichment lease serialises rounds, and forget takes the
lease too), and clears the pending mark in a small one that takes it. A write that lands
meanwhile touches the mark after the enrichment read it, so the mark stays and the user is
enriched again (what was not linked yet is found by the next run).
A failed enrichment (Neo4j died under it) keeps its mark; while the worker is idle it looks
for marks every ``SWEEP_S`` seconds, so the backlog drains once Neo4j is back, with no new
write and no restart (and marks another process left behind are found too).
Searches come first: while any is running or waiting, enrichment takes at most
``busy_share`` of the time (``Pacer``), so under a search load that fills the cores the backlog
waits and drains when the searches pause; it never stops altogether.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from strata.graph.db import Graph

log = logging.getLogger("strata.api.enrichment")
_STOP = object()
SWEEP_S = 10.0  # an idle worker looks for pending marks this often
NICE = 10  # the enrichment process's CPU priority, below the server's
POLL_S = 0.02  # a paced worker looks at the searches in flight this often


class Searches:
    """How many searches the server is running or queueing now, readable by its enrichment
    worker in a thread or in a child process: a counter in shared memory, written by this
    process only (so a thread lock guards it, and no named semaphore outlives the server)."""

    def __init__(self) -> None:
        self.count = multiprocessing.get_context("spawn").RawValue("i", 0)
        self._guard = threading.Lock()

    @contextmanager
    def running(self) -> Iterator[None]:
        with self._guard:
            self.count.value += 1
        try:
            yield
        finally:
            with self._guard:
                self.count.value -= 1


class Pacer:
    """Enrichment's share of the time while searches are in flight: after a round that took
    ``d`` seconds, the next one starts when no search is left, or after ``d * (1 / share - 1)``
    seconds, whichever comes first. With no search in flight it never waits; with share 1 it
    never waits at all."""

    def __init__(self, count: Any, share: float) -> None:
        self.count = count  # Searches.count (the shared value itself: it crosses processes)
        self.share = share
        self._until = 0.0

    def ran(self, seconds: float) -> None:
        self._until = time.monotonic() + seconds * (1.0 / self.share - 1.0)

    def wait(self, stopping: Callable[[], bool]) -> None:
        while self.count.value > 0 and time.monotonic() < self._until and not stopping():
            time.sleep(POLL_S)


class Enricher:
    """Background enrichment of pending users (started on the first submit)."""

    def __init__(self, searches: Searches, busy_share: float = 1.0) -> None:
        self._queue: queue.Queue[Any] = queue.Queue()
        self._queued: set[str] = set()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pacer = Pacer(searches.count, busy_share)
        self._stopping = threading.Event()

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
        self._stopping.set()
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
            self._pacer.wait(self._stopping.is_set)
            with self._guard:
                self._queued.discard(owner)  # a write from now on queues the user again
            started = time.monotonic()
            try:
                maintainer(get_graph()).after_ingest({owner})
            except Exception:
                log.exception("enrichment of %s failed; it stays pending", owner)
            else:
                log.debug("enriched %s in %.2f s", owner, time.monotonic() - started)
            self._pacer.ran(time.monotonic() - started)


class EnrichmentProcess:
    """The same worker in a child process at nice ``NICE``: on two cores its extraction and
    clustering neither hold the server's GIL nor take a core from searches first (in a
    thread, enrichment held the GIL about as long as all searches together under the load
    benchmark). It works from the marks in the graph; ``submit`` only wakes it.

    The child's two events are named semaphores, unlinked only when the events are collected
    or at a normal exit; the server never exits normally (uvicorn re-raises the SIGTERM it
    handled), so ``stop`` drops them once the child is gone, else Python's resource tracker
    warns of "leaked semaphore objects" at shutdown. They exist only while a child does."""

    def __init__(self, searches: Searches, busy_share: float = 1.0) -> None:
        self._ctx = multiprocessing.get_context("spawn")  # a fresh interpreter and driver
        self._pacing = (searches.count, busy_share)
        self._child: _Child | None = None
        self._stopped = False
        self._guard = threading.Lock()

    def submit(self, owners: Iterable[str]) -> None:
        if owners:
            self._wake()

    def resume(self, graph: Graph) -> int:
        owners = backlog(graph, None)
        self._wake()
        return len(owners)

    def stop(self) -> None:
        with self._guard:
            self._stopped = True  # a submit from now on starts no child
            child, self._child = self._child, None
        if child is not None:
            child.stop()

    def _wake(self) -> None:
        """Wake the child, starting one first if none is running (and the server is not
        stopping)."""
        with self._guard:
            if self._stopped:
                return
            if self._child is None or not self._child.process.is_alive():
                if self._child is not None:
                    self._child.stop()  # it died: reap it and drop its events
                self._child = _Child(self._ctx, self._pacing)
            self._child.wake.set()


class _Child:
    """One enrichment child process and the two events it shares with the server."""

    def __init__(self, ctx: Any, pacing: tuple[Any, float]) -> None:
        self.wake = ctx.Event()
        self.stopping = ctx.Event()
        self.process = ctx.Process(
            target=_follow,
            args=(self.wake, self.stopping, os.getpid(), *pacing),
            name="strata-enrichment",
            daemon=True,
        )
        self.process.start()

    def stop(self) -> None:
        """Ask the child to end, wait for it (its marks stay if it is killed mid-run: the
        next start resumes them), and release the process and its events."""
        self.stopping.set()
        self.wake.set()
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=10)
        if not self.process.is_alive():
            self.process.close()
        del self.wake, self.stopping, self.process  # the process held the events too


def _follow(wake: Any, stopping: Any, server: int, searches: Any, busy_share: float) -> None:
    """The child: enrich every pending user, oldest first, until none is left, each round
    paced behind the server's searches; then sleep until woken (or ``SWEEP_S``). It ends with
    its server, even a killed one."""
    os.nice(NICE)
    pacer = Pacer(searches, busy_share)
    logging.basicConfig(level=logging.WARNING)
    from strata.api.runtime import maintainer
    from strata.graph.db import get_graph

    while not stopping.is_set() and os.getppid() == server:
        wake.clear()  # a write after this read wakes the next round
        failed = False
        try:
            owners = [r["user_id"] for r in backlog(get_graph(), None)]
        except Exception as e:  # Neo4j down: the next sweep tries again
            log.debug("no enrichment sweep: %s", e)
            owners, failed = [], True
        for owner in owners:
            pacer.wait(stopping.is_set)
            if stopping.is_set():
                return
            started = time.monotonic()
            try:
                maintainer(get_graph()).after_ingest({owner})
            except Exception:
                log.exception("enrichment of %s failed; it stays pending", owner)
                failed = True
            pacer.ran(time.monotonic() - started)
        if failed or not owners:
            wake.wait(SWEEP_S)


def enricher(mode: str, searches: Searches, busy_share: float) -> Enricher | EnrichmentProcess:
    """The server's enrichment worker (``Settings.enrichment``), paced behind ``searches``."""
    worker = EnrichmentProcess if mode == "process" else Enricher
    return worker(searches, busy_share)


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
