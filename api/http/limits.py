"""Request limits of the HTTP API: body size, batch size, rate, and the search time budget.

Chosen limits (``Limits`` defaults; the request-shape ones are also in the OpenAPI schema):

============================  ===========  ======================================================
limit                         default      when exceeded
============================  ===========  ======================================================
request body                  8 MiB        413 ``payload_too_large`` (Content-Length, or counted)
interactions per request      200          413 ``limit_exceeded``
messages per request          2 000        413 ``limit_exceeded``
message text                  any length   kept whole; indexed as passages (``ingest/passages``)
search query                  2 000 chars  422
search k                      1..100       422
search time budget            10 s         503 ``time_budget_exceeded`` + ``Retry-After``
searches at once              2 per core   wait for a slot (one tenant: half), within the budget;
                                           ``STRATA_SEARCH_CONCURRENCY``
requests per API key          50/s, burst  429 ``rate_limited`` + ``Retry-After``
                              of 100
============================  ===========  ======================================================

A search that runs past its budget answers 503 (the service is overloaded for now, retrying
later may succeed) rather than 504 (there is no upstream gateway). The planner's thread is
abandoned, not killed: its statements are bounded by the planner's own budgets.

Invariants: the body limit holds whether or not the client sends ``Content-Length`` (chunked
bodies are counted as they arrive, and the app only sees a body that fits); buckets exist only
for authenticated keys, so their number is bounded by the key file.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from strata.api.http.enrichment import Searches
from strata.graph.db import read_deadline
from strata.graph.errors import RateLimited, TimeBudgetExceeded

T = TypeVar("T")

MAX_QUERY_CHARS = 2_000
MAX_K = 100
MAX_DEPTH = 3
MAX_GRAPH_NODES = 500


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 8 * 1024 * 1024
    max_interactions: int = 200
    max_messages: int = 2_000
    search_budget_s: float = 10.0
    search_concurrency: int = 16  # the server's comes from Settings (two per core)
    rate_per_s: float = 50.0
    burst: int = 100


# ---- rate limit -----------------------------------------------------------------------------


class RateLimiter:
    """One token bucket per API key: ``rate`` tokens per second, at most ``burst`` saved up.

    Only called from the event loop (an ``async`` dependency), so it needs no lock.
    """

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last refill)

    def take(self, key: str) -> None:
        """Spend one token of ``key``'s bucket, or raise ``RateLimited``."""
        now = self.clock()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            raise RateLimited(retry_after=(1.0 - tokens) / self.rate)
        self._buckets[key] = (tokens - 1.0, now)


# ---- search budget --------------------------------------------------------------------------


class Budget:
    """Runs blocking work in a bounded pool of threads and gives up after ``seconds``.

    Waiting for a free thread counts against the budget, so a pile-up of slow searches turns
    into quick 503s instead of an ever-growing queue. One tenant holds at most ``per_tenant``
    of the threads (half by default): a burst from one tenant waits on its own share and never
    starves the others.
    """

    def __init__(
        self,
        seconds: float,
        concurrency: int,
        per_tenant: int | None = None,
        searches: Searches | None = None,
    ) -> None:
        self.seconds = seconds
        self.searches = searches or Searches()  # in flight, for the enrichment worker's pacing
        self.limiter = anyio.CapacityLimiter(concurrency)
        self.per_tenant = per_tenant or max(1, concurrency // 2)
        self._tenants: dict[str, anyio.CapacityLimiter] = {}

    async def run(self, work: Callable[[], T], tenant: str = "") -> T:
        """``work`` in a pool thread; its reads carry transaction timeouts of the time left, so
        an abandoned thread's queries stop in Neo4j too, and its next read ends it."""
        started = time.monotonic()

        def bounded() -> T:
            with read_deadline(self.seconds - (time.monotonic() - started), self.seconds):
                return work()

        share = self._tenants.setdefault(tenant, anyio.CapacityLimiter(self.per_tenant))
        try:
            with self.searches.running(), anyio.fail_after(self.seconds):
                async with share:
                    return await anyio.to_thread.run_sync(
                        bounded, abandon_on_cancel=True, limiter=self.limiter
                    )
        except TimeoutError:
            raise TimeBudgetExceeded(self.seconds) from None


# ---- body size ------------------------------------------------------------------------------


class BodySizeLimit:
    """ASGI middleware: reject bodies over ``max_bytes`` with 413 before the app sees them.

    ``Content-Length`` is checked first (no body read at all); then the body is read and counted
    chunk by chunk, so a chunked or lying client is cut off at the limit too. The app receives
    the buffered body in one message; later ``receive`` calls (disconnect) go to the server.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is None:
            await _reject(send, 400, "bad_request", "Content-Length is not a number")
            return
        if declared > self.max_bytes:
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _too_large(self, send: Send) -> None:
        await _reject(
            send,
            413,
            "payload_too_large",
            f"request body is larger than {self.max_bytes} bytes; split the upload: fewer "
            "interactions or messages per request (a single longer message: `strata ingest "
            "FILE`, which has no size limit)",
        )


def _content_length(scope: Scope) -> int | None:
    """The declared length (0 when absent), or None when the header is not a number."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                n = int(value)
            except ValueError:
                return None
            return n if n >= 0 else None
    return 0


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _reject(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message, "where": "body"}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def retry_after_header(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(seconds)))}
