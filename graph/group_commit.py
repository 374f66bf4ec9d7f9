"""Group commit: batches that many threads write at once are committed together.

Under concurrent ingest a small batch's commit (transaction log, full-text and vector index
updates) costs more than its statements; measured under the load benchmark, a one-session
transaction spent about 1.2 s of its 2.3 s committing. One committer thread that writes
whatever has queued meanwhile as one transaction pays that once per group, not per request,
and it is also what keeps writers of one user from queueing behind each other in this process.
Across processes the writer locks of ``graph.store`` still serialise writers of an owner.

A writer waits until its own batch is committed. When a group fails, each of its batches is
written alone, so one bad batch fails its own writer only (and each batch stays all or nothing).

While searches are in flight (``busy``), the committer lingers up to ``linger`` seconds for more
batches before it commits (PostgreSQL's ``commit_delay``, keyed on searches rather than other
writers): every group pays its statements' round trips, its writer locks and a commit whose
full-text and vector index updates each following search then has to refresh, so fewer, larger
groups leave more of the cores to the searches. With no search in flight it never waits.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import fields

from strata.graph.db import Graph
from strata.graph.store import Batch, write_batch

GROUP_TURNS = 1000  # at most this many turns per group transaction (a big batch goes alone)


Item = tuple[Graph, Batch, "Future[None]"]


class GroupCommit:
    """``write(graph, batch)`` from any thread; one daemon thread commits (started on first
    use). Only batches of the same ``Graph`` are grouped. ``busy`` counts the searches in flight;
    while it is above 0, a batch waits up to ``linger`` seconds for company."""

    def __init__(
        self,
        max_turns: int = GROUP_TURNS,
        busy: Callable[[], int] | None = None,
        linger: float = 0.0,
    ) -> None:
        self.max_turns = max_turns
        self.busy = busy
        self.linger = linger
        self._queue: deque[Item] = deque()
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.taken = 0  # batches the committer has taken so far
        self.transactions = 0  # write transactions it has run so far (a group's, or alone)

    @property
    def waiting(self) -> int:
        """Batches queued and not taken by the committer yet."""
        return len(self._queue)

    def write(self, graph: Graph, batch: Batch) -> None:
        """Return once ``batch`` is committed (with others); raise its own error if it fails."""
        done: Future[None] = Future()
        with self._ready:
            self._queue.append((graph, batch, done))
            if self._thread is None:  # first use, or the first since a stop
                self._stopping = False
                self._thread = threading.Thread(target=self._run, name="strata-commit", daemon=True)
                self._thread.start()
            self._ready.notify()
        done.result()

    def stop(self, timeout: float = 30.0) -> None:
        """Commit what is queued, then end the committer thread (the app's shutdown)."""
        with self._ready:
            self._stopping = True
            self._ready.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._queue:
                    if self._stopping:
                        self._thread = None
                        return
                    self._ready.wait()
                self._linger()
                group = self._take()
            self._commit(group)

    def _linger(self) -> None:
        """While searches are in flight, wait (up to ``linger``) for a fuller group."""
        if self.busy is None:
            return
        deadline = time.monotonic() + self.linger
        while (
            not self._stopping
            and self.busy() > 0
            and sum(len(batch.turns) for _, batch, _ in self._queue) < self.max_turns
            and (left := deadline - time.monotonic()) > 0
        ):
            self._ready.wait(min(left, 0.01))  # a search that ends is not notified

    def _take(self) -> list[Item]:
        group = [self._queue.popleft()]
        graph, turns = group[0][0], len(group[0][1].turns)
        while self._queue:
            other, batch, _ = self._queue[0]
            if other is not graph or turns + len(batch.turns) > self.max_turns:
                break
            group.append(self._queue.popleft())
            turns += len(batch.turns)
        self.taken += len(group)
        return group

    def _commit(self, group: list[Item]) -> None:
        if len(group) > 1:
            self.transactions += 1
            if _together(group):
                for *_, done in group:
                    done.set_result(None)
                return
        for graph, batch, done in group:  # alone: each writer gets its own batch's outcome
            self.transactions += 1
            try:
                write_batch(graph, batch)
            except BaseException as error:  # handed to the writer, which raises it
                done.set_exception(error)
            else:
                done.set_result(None)


def _together(group: list[Item]) -> bool:
    """Write the group as one transaction; False when it failed (nothing of it was written)."""
    try:
        write_batch(group[0][0], merged([batch for _, batch, _ in group]))
    except Exception:
        return False
    return True


def merged(batches: list[Batch]) -> Batch:
    """One batch holding the rows of all (each statement is an UNWIND over independent rows)."""
    out = Batch(enrich=any(b.enrich for b in batches))
    for f in fields(Batch):
        if f.name != "enrich":
            setattr(out, f.name, [row for b in batches for row in getattr(b, f.name)])
    return out
