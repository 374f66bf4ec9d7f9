"""Group commit (graph/group_commit.py): batches written at once by many threads land together,
each writer returns once its own batch is committed, and one bad batch fails only its writer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from strata.api.runtime import pipeline
from strata.graph.db import Graph
from strata.graph.errors import StrataError
from strata.graph.group_commit import GroupCommit
from strata.graph.store import Batch
from strata.ingest.models import InteractionIn


def _batch(graph: Graph, user: str, n: int) -> Batch:
    it = InteractionIn.model_validate(
        {
            "id": f"session-{n}",
            "user_id": user,
            "messages": [
                {"speaker": "Ana", "text": f"I moved to Lisbon in session {n}."},
                {"speaker": "Bo", "text": f"Nice, how is Lisbon after session {n}?"},
            ],
        }
    )
    return pipeline(graph).build([it])


def _turns(graph: Graph, user: str) -> int:
    return int(graph.read("api/count_turns", user_ids=[user])[0]["turns"])


def _hold_writer_lock(graph: Graph, user: str, release: threading.Event) -> threading.Thread:
    """A transaction that takes ``user``'s writer lock and keeps it until ``release``."""
    held = threading.Event()

    def hold() -> None:
        with graph.driver.session(database=graph.database) as s, s.begin_transaction() as tx:
            tx.run("MERGE (l:WriterLock {user_id: $u}) SET l.locked = true", u=user).consume()
            held.set()
            release.wait(30)
            tx.rollback()

    t = threading.Thread(target=hold)
    t.start()
    assert held.wait(30)
    return t


def _wait_until(done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not done():
        assert time.monotonic() < deadline, "the committer never got there"
        time.sleep(0.01)


def test_concurrent_writers_each_find_their_batch_committed(graph: Graph, user_id: str) -> None:
    commits = GroupCommit()
    users = [f"{user_id}-{i}" for i in range(4)]
    batches = [(u, _batch(graph, u, n)) for u in users for n in range(3)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda ub: commits.write(graph, ub[1]), batches))
    assert [_turns(graph, u) for u in users] == [6, 6, 6, 6]


def test_a_group_that_fails_is_written_one_batch_at_a_time(graph: Graph, user_id: str) -> None:
    """Writers queue while the committer waits on a lock; the group they form holds one bad
    batch: its writer gets the error and nothing of it is stored, the others are stored."""
    commits = GroupCommit()
    first, good, bad = (f"{user_id}-{s}" for s in ("first", "good", "bad"))
    broken = _batch(graph, bad, 0)
    broken.turns[0]["time"] = {"not": "a datetime"}  # Neo4j refuses a map as a property
    release = threading.Event()
    holder = _hold_writer_lock(graph, first, release)
    with ThreadPoolExecutor(max_workers=4) as pool:
        blocked = pool.submit(commits.write, graph, _batch(graph, first, 0))
        _wait_until(lambda: commits.taken == 1)  # the committer waits on the lock with it
        writes = [pool.submit(commits.write, graph, _batch(graph, good, n)) for n in range(2)]
        failing = pool.submit(commits.write, graph, broken)
        _wait_until(lambda: commits.waiting == 3)
        release.set()
        holder.join()
        blocked.result(timeout=60)
        for w in writes:
            w.result(timeout=60)
        with pytest.raises(StrataError):
            failing.result(timeout=60)
    assert (_turns(graph, first), _turns(graph, good), _turns(graph, bad)) == (2, 4, 0)


def _committers() -> int:
    return sum(t.name == "strata-commit" and t.is_alive() for t in threading.enumerate())


def test_stop_commits_what_is_queued_then_ends_the_committer(graph: Graph, user_id: str) -> None:
    """The app's shutdown: a write queued behind a busy committer is still committed, the
    committer thread is gone once stop returns, and a later write starts a new one."""
    commits = GroupCommit()
    before = _committers()
    first, queued, later = (f"{user_id}-{s}" for s in ("first", "queued", "later"))
    release = threading.Event()
    holder = _hold_writer_lock(graph, first, release)
    with ThreadPoolExecutor(max_workers=3) as pool:
        blocked = pool.submit(commits.write, graph, _batch(graph, first, 0))
        _wait_until(lambda: commits.taken == 1)
        waiting = pool.submit(commits.write, graph, _batch(graph, queued, 0))
        _wait_until(lambda: commits.waiting == 1)
        assert _committers() == before + 1
        stopping = pool.submit(commits.stop)
        release.set()
        holder.join()
        stopping.result(timeout=60)
        blocked.result(timeout=60)
        waiting.result(timeout=60)
    assert _committers() == before
    assert (_turns(graph, first), _turns(graph, queued)) == (2, 2)
    commits.write(graph, _batch(graph, later, 0))
    assert _turns(graph, later) == 2
    commits.stop()
    assert _committers() == before


def test_while_searches_run_writes_wait_for_company(graph: Graph, user_id: str) -> None:
    """With a search in flight, a write lingers until the next one joins it: the two land in
    one transaction. (Each batch holds 2 turns; a group is full at 4.)"""
    commits = GroupCommit(max_turns=4, busy=lambda: 1, linger=60.0)
    users = [f"{user_id}-{i}" for i in range(2)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(commits.write, graph, _batch(graph, users[0], 0))
        _wait_until(lambda: commits.waiting == 1)
        second = pool.submit(commits.write, graph, _batch(graph, users[1], 0))
        first.result(timeout=60)
        second.result(timeout=60)
    assert commits.transactions == 1
    assert [_turns(graph, u) for u in users] == [2, 2]
    commits.stop()


def test_a_write_does_not_wait_for_company_without_searches(graph: Graph, user_id: str) -> None:
    """No search in flight: a lone write is committed at once, and one that was waiting for
    company goes as soon as the last search ends (the linger here would be a minute)."""
    searches = [0]
    commits = GroupCommit(busy=lambda: searches[0], linger=60.0)
    commits.write(graph, _batch(graph, f"{user_id}-alone", 0))
    searches[0] = 1
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(commits.write, graph, _batch(graph, f"{user_id}-later", 0))
        _wait_until(lambda: commits.taken == 1 and commits.waiting == 1)
        assert not waiting.done()
        searches[0] = 0
        waiting.result(timeout=30)
    assert commits.transactions == 2
    assert (_turns(graph, f"{user_id}-alone"), _turns(graph, f"{user_id}-later")) == (2, 2)
    commits.stop()
