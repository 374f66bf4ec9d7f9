"""The per-owner cache keyed by a version stamp, the per-owner locks, and stage timing."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from strata.graph.analytics.results import Analytics
from strata.graph.db import Graph
from strata.graph.errors import NotFound

Stamp = tuple[Any, ...]


def read_stamp(graph: Graph, owner: str) -> Stamp:
    row = graph.read("analytics/read_stamp", user_id=owner)[0]
    if not (row["segments"] or row["entities"] or row["facts"]):
        raise NotFound("no memory stored for this user")
    return tuple(sorted(row.items()))


class _Cache:
    """A bounded LRU of (stamp, analytics) per (server, database, owner)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str, str, str], tuple[Stamp, Analytics]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str], stamp: Stamp) -> Analytics | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return replace(entry[1], cached=True)

    def put(self, key: tuple[str, str, str], stamp: Stamp, value: Analytics, size: int) -> None:
        with self._lock:
            self._entries[key] = (stamp, value)
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


CACHE = _Cache()
_STRIPES = [threading.Lock() for _ in range(64)]


def owner_lock(owner: str) -> threading.Lock:
    """A striped lock: one computation per owner at a time, bounded memory for many owners."""
    return _STRIPES[hash(owner) % len(_STRIPES)]


def clear_cache() -> None:
    CACHE.clear()


class Timer:
    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = (time.perf_counter() - started) * 1000
            self.ms[stage] = round(self.ms.get(stage, 0.0) + spent, 1)
