"""Fail fast while Neo4j is down, and notice by itself when it is back.

Without this, every request during an outage would spend the driver's whole retry time
(``max_transaction_retry_time``, ~15 s with back-off) before failing. The breaker opens when a
request fails with ``Neo4jUnavailable`` or when the server's watchdog (``watch``, one cheap
connectivity check every ``WATCH_EVERY_S``) finds Neo4j gone. The next request then probes
connectivity. Only a FAILED probe marks Neo4j down: from then on requests answer 503 at once,
one of them probing again every ``probe_every`` seconds. A Neo4j that is merely busy (a
request ran out of retries) passes the probe, so nobody else gets a spurious 503. The first
successful probe closes the breaker; nothing needs restarting when Neo4j is back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import anyio.to_thread

from strata.graph.errors import Neo4jUnavailable

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
        self.open = False  # a failure was seen: probe before trusting Neo4j again
        self.down = False  # a probe failed: answer 503 at once
        self.reason = ""
        self._next_probe = 0.0
        self._probing = False

    def trip(self, reason: str) -> None:
        """Open after a failure; the next request probes at once (Neo4j may only be busy)."""
        if not self.open:
            log.warning("Neo4j failed a request, checking whether it is down: %s", reason)
            self.open = True
            self.down = False
            self._next_probe = self.clock()
        self.reason = reason

    async def check(self) -> None:
        """Return unless Neo4j is known to be down; then raise ``Neo4jUnavailable``."""
        if not self.open:
            return
        if self._probing or self.clock() < self._next_probe:
            if self.down:
                raise Neo4jUnavailable(f"{self.reason} (checking again shortly)")
            return  # a probe is deciding; until it says "down", let requests try
        self._probing = True
        try:
            await anyio.to_thread.run_sync(self.probe)
        except Neo4jUnavailable as e:
            if not self.down:
                log.warning("Neo4j is down, answering 503 until it is back: %s", e)
            self.down = True
            self.reason = str(e)
            raise
        finally:
            self._probing = False
            self._next_probe = self.clock() + self.probe_every
        if self.down:
            log.info("Neo4j reachable again")
        self.open = self.down = False

    async def watch(self, every: float = WATCH_EVERY_S) -> None:
        """Run forever: trip as soon as a periodic probe fails (while closed)."""
        while True:
            await asyncio.sleep(every)
            if self.open:
                continue
            try:
                await anyio.to_thread.run_sync(self.probe)
            except Neo4jUnavailable as e:  # a failed probe: down, not merely busy
                self.trip(str(e))
                self.down = True
                self._next_probe = self.clock() + self.probe_every
