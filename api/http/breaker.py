"""Fail fast while Neo4j is down, and notice by itself when it is back.

Without this, every request during an outage would spend the driver's whole retry time
(``max_transaction_retry_time``, ~15 s with back-off) before failing. The breaker opens when a
request fails with ``Neo4jUnavailable`` or when the server's watchdog (``watch``, one cheap
connectivity check every ``WATCH_EVERY_S``) finds Neo4j gone. While open, a request probes
connectivity itself when no probe ran in the last ``probe_every`` seconds and otherwise answers
503 at once. The first successful probe closes it; nothing needs restarting when Neo4j is back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import anyio.to_thread

from graph.errors import Neo4jUnavailable

log = logging.getLogger("strata.api")

WATCH_EVERY_S = 2.0


class Breaker:
    def __init__(
        self,
        probe: Callable[[], None],
        probe_every: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.probe = probe
        self.probe_every = probe_every
        self.clock = clock
        self.open = False
        self.reason = ""
        self._next_probe = 0.0
        self._probing = False

    def trip(self, reason: str) -> None:
        """Open after a failure; the next request probes at once (Neo4j may only be busy)."""
        if not self.open:
            log.warning("Neo4j unavailable, answering 503 until it is back: %s", reason)
            self.open = True
            self._next_probe = self.clock()
        self.reason = reason

    async def check(self) -> None:
        """Return when Neo4j is believed reachable; raise ``Neo4jUnavailable`` otherwise."""
        if not self.open:
            return
        if self._probing or self.clock() < self._next_probe:
            raise Neo4jUnavailable(f"{self.reason} (checking again shortly)")
        self._probing = True
        try:
            await anyio.to_thread.run_sync(self.probe)
        except Neo4jUnavailable as e:
            self.reason = str(e)
            raise
        finally:
            self._probing = False
            self._next_probe = self.clock() + self.probe_every
        if self.open:
            log.info("Neo4j reachable again")
        self.open = False

    async def watch(self, every: float = WATCH_EVERY_S) -> None:
        """Run forever: trip as soon as a periodic probe fails (while closed)."""
        while True:
            await asyncio.sleep(every)
            if self.open:
                continue
            try:
                await anyio.to_thread.run_sync(self.probe)
            except Neo4jUnavailable as e:
                self.trip(str(e))
